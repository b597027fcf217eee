"""Reproducibility (STYLE.md): same seed, same result; batch size and slicing change nothing.

Each replication draws only from its own child of ``SeedSequence(seed)``, so a
replication's numbers do not depend on the batch it runs in or on which other
replications run; ``seed=0`` is a seed like any other.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import collsec
from collsec.results import SimulationResult

SRC = Path(__file__).resolve().parents[2] / "src"
REGIME = "collective_security"  # exercises every phase, votes and coalitions included


def run(**kw: object) -> SimulationResult:
    args: dict[str, object] = {"replications": 6, "years": 40, "seed": 123}
    args.update(kw)
    return collsec.simulate("default", REGIME, **args)  # type: ignore[arg-type]


def assert_same(a: SimulationResult, b: SimulationResult) -> None:
    np.testing.assert_array_equal(a.replications, b.replications)
    for m in a.per_replication:
        np.testing.assert_array_equal(a.per_replication[m], b.per_replication[m], err_msg=m)
    for m in a.yearly:
        np.testing.assert_array_equal(a.yearly[m], b.yearly[m], err_msg=m)
    assert a.final_alive is not None
    assert b.final_alive is not None
    np.testing.assert_array_equal(a.final_alive, b.final_alive)
    pd.testing.assert_frame_equal(by_replication(a.crises), by_replication(b.crises))


def by_replication(crises: pd.DataFrame) -> pd.DataFrame:
    """The crisis log ordered by replication and year (stable: keeps the order within a year).

    A batch logs each year's crises for all its replications together, so the
    row order, not the rows, depends on the batch size.
    """
    return crises.sort_values(["replication", "year"], kind="stable").reset_index(drop=True)


def test_same_seed_same_everything() -> None:
    first, second = run(), run()
    assert len(first.crises) > 0, "the check needs a crisis log to compare"
    assert_same(first, second)


def test_batch_of_one_equals_batch_of_sixty_four() -> None:
    one = run(replications=8, batch_size=1)
    many = run(replications=8, batch_size=64)
    assert_same(one, many)


def test_batch_size_does_not_matter_under_every_regime() -> None:
    for regime in collsec.REGIMES:
        a = collsec.simulate("default", regime, replications=4, years=30, seed=5, batch_size=1)
        b = collsec.simulate("default", regime, replications=4, years=30, seed=5, batch_size=3)
        assert_same(a, b)


@pytest.mark.parametrize("k", [0, 3, 7])
def test_one_replication_alone_equals_its_row_in_a_larger_run(k: int) -> None:
    big = run(replications=8)
    alone = run(replications=1, first_replication=k)
    assert list(alone.replications) == [k]
    for m in big.yearly:
        np.testing.assert_array_equal(alone.yearly[m][0], big.yearly[m][k], err_msg=m)
    crises = big.crises[big.crises["replication"] == k].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.crises, crises)


def test_different_seeds_differ() -> None:
    a, b = run(seed=1), run(seed=2)
    assert not np.array_equal(a.yearly["arms_share"], b.yearly["arms_share"])


def test_replications_of_one_run_differ() -> None:
    r = run()
    arms = r.yearly["arms_share"]
    assert len({tuple(row) for row in arms}) == arms.shape[0], "replicates must not be identical"


def test_seed_zero_is_a_seed() -> None:
    zero_a, zero_b = run(seed=0), run(seed=0)
    assert_same(zero_a, zero_b)
    assert zero_a.scenario.seed == 0
    fresh = collsec.simulate(
        run().scenario.replace(seed=0), REGIME, replications=6, years=40, seed=None
    )
    # seed=None takes the scenario's seed (here 0): the same numbers again.
    assert_same(zero_a, fresh)
    other = run(seed=123)
    assert not np.array_equal(zero_a.yearly["arms_share"], other.yearly["arms_share"])


def test_seed_none_uses_the_scenario_seed_and_records_it() -> None:
    sc = collsec.load_scenario("default").replace(seed=77, replications=3, horizon=20)
    a = collsec.simulate(sc, REGIME)
    b = collsec.simulate(sc, REGIME, seed=77)
    assert_same(a, b)
    assert a.entropy == 77


def test_a_seed_sequence_gives_fresh_entropy_that_repeats_the_run() -> None:
    ss = np.random.SeedSequence()
    a = run(seed=ss)
    b = run(seed=a.entropy)
    assert_same(a, b)


def test_compare_uses_the_same_world_for_every_regime() -> None:
    c = collsec.compare("default", replications=2, years=10, seed=9)
    worlds = [r.world for r in c.results.values()]
    for w in worlds[1:]:
        np.testing.assert_array_equal(w.capability, worlds[0].capability)
        np.testing.assert_array_equal(w.adjacency, worlds[0].adjacency)


# --------------------------------------------------------------------------- grep test

GLOBAL_NUMPY = re.compile(
    r"np\.random\.(?!Generator\b|SeedSequence\b|PCG64\b|default_rng\b|BitGenerator\b)[a-z_]+\s*\("
)
STDLIB_RANDOM = re.compile(r"^\s*(import random\b|from random import)|\brandom\.[a-z_]+\s*\(", re.M)


def test_core_never_uses_global_random_state() -> None:
    """STYLE.md: no ``np.random.<global>()``, no ``random`` module, anywhere in ``src/``."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pat in (GLOBAL_NUMPY, STDLIB_RANDOM):
            for m in pat.finditer(text):
                # ``rng.random(`` and ``g.random(`` are generator methods, not the module.
                before = text[max(0, m.start() - 1) : m.start()]
                if pat is STDLIB_RANDOM and m.group(0).startswith("random.") and before == ".":
                    continue
                line = text.count("\n", 0, m.start()) + 1
                offenders.append(f"{path.relative_to(SRC)}:{line}: {m.group(0).strip()}")
    assert not offenders, "global random state in the core:\n" + "\n".join(offenders)


def test_grep_patterns_catch_what_they_should() -> None:
    assert GLOBAL_NUMPY.search("x = np.random.rand(3)")
    assert GLOBAL_NUMPY.search("np.random.seed(0)")
    assert not GLOBAL_NUMPY.search("np.random.Generator(np.random.PCG64(s))")
    assert not GLOBAL_NUMPY.search("np.random.SeedSequence(1)")
    assert STDLIB_RANDOM.search("import random\n")
    assert STDLIB_RANDOM.search("x = random.choice(a)")


def test_threads_must_be_positive() -> None:
    with pytest.raises(collsec.CollsecError, match="threads"):
        collsec.simulate("default", replications=1, years=2, threads=0)


def test_lazy_generators_are_the_replication_generators() -> None:
    """The compiled engine's generators, built on first use by the thread that
    runs them, draw what ``replication_generators`` draws, in any order of use."""
    from collsec.seeds import LazyGenerators, replication_generators, root_sequence

    root = root_sequence(21)
    eager = replication_generators(root, 7, 9)
    lazy = LazyGenerators(root, 7, 9)
    assert len(lazy) == 9
    order = [8, 0, 3, -1, 4]
    for i in order:
        assert lazy[i].random() == eager[i].random()
    assert [g.bit_generator.state for g in lazy[5:]] == [g.bit_generator.state for g in eager[5:]]
    assert lazy[2] is lazy[2]


def test_compiled_chunks_cover_the_batch_in_order() -> None:
    from collsec.fast.engine import chunks

    for r in (1, 2, 15, 16, 17, 200, 1000):
        for threads in (1, 2, 3, 8):
            c = chunks(r, threads)
            assert c[0][0] == 0
            assert c[-1][1] == r
            assert all(a[1] == b[0] for a, b in itertools.pairwise(c))
            assert all(0 < hi - lo <= 16 for lo, hi in c)
