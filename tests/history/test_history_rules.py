"""The League Council and the Security Council on hand-made votes (O1, C4, C9)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from collsec.arrangements import build_arrangement
from collsec.history.worlds import historical_scenario, org_arrangement
from collsec.seeds import root_sequence, world_generator
from collsec.world import World, build_world


def _world(year: int, org: str, cow_dir: Path) -> tuple[World, tuple[str, ...], set[str]]:
    sc = historical_scenario(year, org, data_dir=cow_dir)
    world = build_world(sc, world_generator(root_sequence(1), None))
    members = sc.arrangements[0].members
    assert isinstance(members, tuple)
    return world, members, set(world.codes)


def _vote(world: World, arr: object, seated: list[str], no: list[str]) -> bool:
    """Decide with the given states seated (and not absent), all voting yes but ``no``."""
    from collsec.arrangements import Arrangement

    assert isinstance(arr, Arrangement)
    voters = np.zeros((1, world.n), dtype=bool)
    voters[0, world.indices(seated)] = True
    voters &= ~arr.absent[None, :]
    yes = voters.copy()
    if no:
        yes[0, world.indices(no)] = False
    return bool(arr.rule.decide(yes, voters, arr.permanent[None, :])[0])


UN_1950 = ["2", "200", "220", "365", "713", "20", "40", "100", "640", "345", "750"]
"""The five permanent members and six others, as seated in June 1950 (near enough)."""


def test_korea_1950_absent_soviet_union_does_not_block(cow_dir: Path) -> None:
    world, members, codes = _world(1950, "un", cow_dir)
    gps = tuple(c for c, g in zip(world.codes, world.great_power, strict=True) if g)
    arr = build_arrangement(org_arrangement("un", 1950, members, gps, codes, ("365",)), world)
    assert _vote(world, arr, UN_1950, no=["345"])  # Yugoslavia's no does not block either


def test_present_permanent_members_no_blocks(cow_dir: Path) -> None:
    world, members, codes = _world(1950, "un", cow_dir)
    gps = tuple(c for c, g in zip(world.codes, world.great_power, strict=True) if g)
    arr = build_arrangement(org_arrangement("un", 1950, members, gps, codes), world)
    assert not _vote(world, arr, UN_1950, no=["365"])


def test_security_council_needs_its_quota(cow_dir: Path) -> None:
    world, members, codes = _world(1950, "un", cow_dir)
    gps = tuple(c for c, g in zip(world.codes, world.great_power, strict=True) if g)
    arr = build_arrangement(org_arrangement("un", 1950, members, gps, codes), world)
    assert not _vote(world, arr, UN_1950, no=["20", "40", "100", "640", "345"])  # 6 of 11


def test_league_council_one_no_blocks(cow_dir: Path) -> None:
    world, members, codes = _world(1935, "league", cow_dir)
    gps = tuple(c for c, g in zip(world.codes, world.great_power, strict=True) if g)
    arr = build_arrangement(org_arrangement("league", 1935, members, gps, codes), world)
    seated = ["200", "220", "365", "20", "160", "305", "310"]
    assert _vote(world, arr, seated, no=[])
    assert not _vote(world, arr, seated, no=["305"])  # a non-permanent member's no
