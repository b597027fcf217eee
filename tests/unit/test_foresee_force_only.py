"""``response.foresee_force_only`` (off by default): the coalition an aggressor fears.

The response phase lets joiners fight only beside an arrangement that may use
force (``respond``: ``joiners & military``). With the switch on, the
aggressor's foresight (``phases.aggression.decide``, ``fast._foresee``)
counts the same coalition; with it off (the default, every bundled scenario's
arrangements may use force) an arrangement limited to sanctions still deters
by a coalition that can never fight. docs/history.md, section 4.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import collsec
from collsec import fast
from collsec.phases.aggression import decide
from collsec.scenario import Parameters


def _world(make_scenario: Any, make_state: Any, instruments: list[str], switch: bool) -> Any:
    """A (power 1) next to weak B; committed C beside B; an arrangement of B and C."""
    states = [
        make_state("A", 4.0, arms=0.25, revisionism=1.0),
        make_state("B", 1.0, arms=0.25, revisionism=0.0),
        make_state("C", 4.0, arms=0.25, revisionism=0.0, doctrine="committed"),
    ]
    cs = {
        "name": "cs",
        "kind": "collective_security",
        "decision_rule": {"kind": "automatic"},
        "obligation": 1.0,
        "credibility": 1.0,
        "instruments": instruments,
    }
    return make_scenario(
        states,
        edges=[("A", "B"), ("B", "C")],
        similarity=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.5], [0.0, 0.5, 1.0]],
        arrangements=[cs],
        params={
            "aggression": {
                "opportunity": 1.0,
                "misperception": 0.0,
                "decisiveness": 2.0,
                "conquest_share": 0.5,
                "war_cost": 0.05,
                "defeat_penalty": 0.3,
                "dissimilarity_weight": 0.5,
                "threshold": 0.0,
            },
            # No sanctions cost: only the foreseen coalition can deter.
            "response": {"sanction_penalty": 0.0, "foresee_force_only": switch},
        },
    )


def _decide(make_batch: Any, sc: Any) -> Any:
    b = make_batch(sc)
    n = b.n
    return decide(b, np.zeros((1, n)), np.zeros((1, n)), np.full((1, n), 0.5))


def test_off_by_default() -> None:
    assert Parameters().response.foresee_force_only is False


@pytest.mark.parametrize(
    ("instruments", "switch", "deterred"),
    [
        (["sanctions"], False, True),  # the default: a coalition that never fights deters
        (["sanctions"], True, False),  # foreseen as respond acts: no fighting coalition
        (["military"], True, True),  # an arrangement that may use force still deters
        (["sanctions", "military"], True, True),
    ],
)
def test_the_coalition_foreseen(
    make_scenario: Any,
    make_state: Any,
    make_batch: Any,
    instruments: list[str],
    switch: bool,
    deterred: bool,
) -> None:
    dec = _decide(make_batch, _world(make_scenario, make_state, instruments, switch))
    assert list(dec.aggressor) == [0]
    assert bool(dec.deterred[0]) is deterred
    assert bool(dec.attack[0]) is not deterred
    if not deterred:
        assert dec.utility[0] == pytest.approx(dec.utility_alone[0])


@pytest.mark.slow
def test_compiled_engine_foresees_the_same(make_scenario: Any, make_state: Any) -> None:
    pytest.importorskip("numba", reason="the compiled engine needs numba (collsec[fast])")
    if fast.numpy_uses_own_math():
        pytest.skip("NumPy's own exp/log on this CPU: the engines agree in distribution only")
    for switch in (False, True):
        sc = _world(make_scenario, make_state, ["sanctions"], switch).with_overrides(
            {"output.crises": False, "output.yearly": True}
        )
        args: dict[str, Any] = {"replications": 4, "years": 30, "seed": 11}
        a = collsec.simulate(sc, "as_specified", engine="numpy", **args)
        b = collsec.simulate(sc, "as_specified", engine="compiled", **args)
        for m in a.yearly:
            np.testing.assert_array_equal(a.yearly[m], b.yearly[m], err_msg=f"{m}, {switch}")
