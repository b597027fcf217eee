"""Arrangements and regimes: who promises to answer which aggression, and how.

An :class:`Arrangement` is the run-time form of an
:class:`~collsec.scenario.ArrangementSpec` on a built world: member and scope
masks over the states, the designation rule, obligation, initial credibility
and instruments. :func:`arrangements_for_regime` gives the arrangements of each
regime of C10 on the same world:

- ``self_help``: none (balance of power);
- ``collective_defense``: the scenario's collective-defence arrangements, or
  blocs formed around the great powers by interest similarity (C12, C6);
- ``collective_security``: the scenario's collective-security arrangements, or
  one universal arrangement (C1, C11, C16);
- ``ideal_collective_security``: the same, with every Organski assumption
  forced true: automatic designation, full participation, universal membership,
  full obligation and credibility (C10's upper bound);
- ``as_specified``: every arrangement in the scenario, as written.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from collsec.errors import UnknownNameError
from collsec.rules import (
    Automatic,
    Council,
    DesignationRule,
    Majority,
    Unanimity,
)
from collsec.scenario import (
    RUN_REGIMES,
    ArrangementSpec,
    AutomaticRule,
    CouncilRule,
    DecisionRuleSpec,
    MajorityRule,
    Scenario,
    UnanimityRule,
)
from collsec.world import World

BoolArray = NDArray[np.bool_]

CS = 0
CD = 1


@dataclass(frozen=True, eq=False)
class Arrangement:
    """An arrangement on a built world.

    Attributes
    ----------
    name
        The arrangement's name.
    kind
        ``CS`` (collective security: answers aggression by anyone, members
        included, against a member or a state in scope: C2, C16) or ``CD``
        (collective defence: answers only outsiders' aggression against a
        member: C12).
    members
        Starting member mask ``[n]``.
    scope
        States it protects even when they are not members (collective security
        only), mask ``[n]``.
    rule
        The designation rule (O1).
    permanent, absent
        Council permanent seats and permanent members absent from every vote.
    seats
        Council size (0 for other rules: every member votes).
    parties_vote
        Whether the aggressor and victim vote.
    obligation, credibility
        How binding the promise is, and its starting credibility.
    sanctions, military
        Which instruments it may use.
    open
        Whether outsiders may join.
    ideal
        Organski's assumptions forced true (participation of every able member).
    """

    name: str
    kind: int
    members: BoolArray
    scope: BoolArray
    rule: DesignationRule
    permanent: BoolArray
    absent: BoolArray
    seats: int
    parties_vote: bool
    obligation: float
    credibility: float
    sanctions: bool
    military: bool
    open: bool
    ideal: bool


def make_rule(spec: DecisionRuleSpec) -> DesignationRule:
    """Build the designation rule of a scenario's decision-rule spec."""
    if isinstance(spec, AutomaticRule):
        return Automatic()
    if isinstance(spec, UnanimityRule):
        return Unanimity()
    if isinstance(spec, MajorityRule):
        return Majority(quota=spec.quota)
    assert isinstance(spec, CouncilRule)
    return Council(seats=spec.seats, quota=spec.quota, veto=spec.veto)


def build_arrangement(
    spec: ArrangementSpec, world: World, where: str = "arrangements"
) -> Arrangement:
    """Build one arrangement on a world.

    Raises
    ------
    ScenarioError
        If a member, permanent or absent code is not a state of the world.
    """
    n = world.n
    if spec.members == "all":
        members = np.ones(n, dtype=bool)
    elif spec.members == "all_but_great_powers":
        members = ~world.great_power
    else:
        members = np.zeros(n, dtype=bool)
        members[world.indices(spec.members, f"{where}.members")] = True
    if spec.scope == "global":
        scope = np.ones(n, dtype=bool)
    else:
        regions = [world.region_names.index(r) for r in spec.scope]
        scope = np.isin(world.region, regions)
    if spec.kind == "collective_defense":
        scope = np.zeros(n, dtype=bool)
    permanent = np.zeros(n, dtype=bool)
    absent = np.zeros(n, dtype=bool)
    seats = 0
    parties_vote = False
    rule_spec = spec.decision_rule
    if isinstance(rule_spec, CouncilRule):
        if rule_spec.permanent == "great_powers":
            permanent = world.great_power & members
        else:
            permanent[world.indices(rule_spec.permanent, f"{where}.decision_rule.permanent")] = True
        absent[world.indices(rule_spec.absent, f"{where}.decision_rule.absent")] = True
        seats = rule_spec.seats
    if isinstance(rule_spec, UnanimityRule | MajorityRule | CouncilRule):
        parties_vote = rule_spec.parties_vote
    return Arrangement(
        name=spec.name,
        kind=CS if spec.kind == "collective_security" else CD,
        members=members,
        scope=scope | (members if spec.kind == "collective_security" else False),
        rule=make_rule(rule_spec),
        permanent=permanent,
        absent=absent,
        seats=seats,
        parties_vote=parties_vote,
        obligation=spec.obligation,
        credibility=spec.credibility,
        sanctions="sanctions" in spec.instruments,
        military="military" in spec.instruments,
        open=spec.open,
        ideal=spec.ideal,
    )


def _idealise(a: Arrangement, n: int) -> Arrangement:
    return Arrangement(
        name=a.name,
        kind=CS,
        members=np.ones(n, dtype=bool),
        scope=np.ones(n, dtype=bool),
        rule=Automatic(),
        permanent=np.zeros(n, dtype=bool),
        absent=np.zeros(n, dtype=bool),
        seats=0,
        parties_vote=False,
        obligation=1.0,
        credibility=1.0,
        sanctions=True,
        military=True,
        open=False,
        ideal=True,
    )


def generated_blocs(scenario: Scenario, world: World) -> list[Arrangement]:
    """Collective-defence blocs around the strongest great powers (C12, C6).

    Each of the ``n_blocs`` strongest great powers leads a bloc; every other
    state joins the leader it is most similar to, if that similarity is at
    least ``min_similarity``. Blocs decide automatically: a pact's casus
    foederis needs no vote.
    """
    p = scenario.params.blocs
    gp = np.flatnonzero(world.great_power)
    if len(gp) == 0:
        gp = np.argsort(-world.capability, kind="stable")[:1]
    leaders = gp[np.argsort(-world.capability[gp], kind="stable")][: p.n_blocs]
    sim = world.similarity[:, leaders]
    best = np.argmax(sim, axis=1)
    ok = sim[np.arange(world.n), best] >= p.min_similarity
    blocs = []
    for k, leader in enumerate(leaders):
        members = ok & (best == k)
        members[leaders] = False
        members[leader] = True
        blocs.append(
            Arrangement(
                name=f"bloc-{world.codes[leader]}",
                kind=CD,
                members=members,
                scope=np.zeros(world.n, dtype=bool),
                rule=Automatic(),
                permanent=np.zeros(world.n, dtype=bool),
                absent=np.zeros(world.n, dtype=bool),
                seats=0,
                parties_vote=False,
                obligation=p.obligation,
                credibility=p.credibility,
                sanctions=False,
                military=True,
                open=True,
                ideal=False,
            )
        )
    return blocs


def universal_arrangement(world: World) -> Arrangement:
    """One collective-security arrangement of every state, majority rule (C1, C11)."""
    spec = ArrangementSpec(
        name="collective-security", kind="collective_security", decision_rule=MajorityRule()
    )
    return build_arrangement(spec, world)


def arrangements_for_regime(scenario: Scenario, world: World, regime: str) -> list[Arrangement]:
    """Return the arrangements of ``regime`` on ``world``.

    Raises
    ------
    UnknownNameError
        If ``regime`` is not one of :data:`collsec.scenario.RUN_REGIMES`.
    """
    if regime not in RUN_REGIMES:
        raise UnknownNameError(
            f"unknown regime {regime!r}: choose one of " + ", ".join(RUN_REGIMES), field="regime"
        )
    built = [
        build_arrangement(spec, world, f"arrangements[{k}]")
        for k, spec in enumerate(scenario.arrangements)
    ]
    if regime == "as_specified":
        return [_idealise(a, world.n) if a.ideal else a for a in built]
    if regime == "self_help":
        return []
    if regime == "collective_defense":
        cd = [a for a in built if a.kind == CD]
        return cd or generated_blocs(scenario, world)
    cs = [a for a in built if a.kind == CS] or [universal_arrangement(world)]
    if regime == "ideal_collective_security":
        return [_idealise(cs[0], world.n)]
    return cs
