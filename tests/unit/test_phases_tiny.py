"""Each yearly phase on tiny worlds whose outcome is worked out by hand.

Every scenario here sets the parameters it depends on explicitly, so these
analytic benchmarks do not move when the defaults are tuned; the expected
numbers are computed in the test from the model's equations (phases/*.py)
with the values written out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from collsec.api import make_world
from collsec.arrangements import CD, CS, arrangements_for_regime
from collsec.phases.aggression import aggression_rule, decide
from collsec.phases.arming import arm, expected_support
from collsec.phases.growth import grow
from collsec.phases.learning import enter, learn
from collsec.phases.response import assess, respond
from collsec.phases.war import fight
from collsec.rules import ExpectedUtility
from collsec.seeds import replication_generators, root_sequence
from collsec.state import DRAWS_PER_ATTACK, Batch

ROW = np.array([0])


def idx(b: Any, code: str) -> np.ndarray:
    return np.array([b.world.index[code]])


# --------------------------------------------------------------------------- growth (phase 1)


def test_growth_without_noise_multiplies_by_exp_of_mean_less_arms_cost(
    make_scenario: Any, make_state: Any
) -> None:
    sc = make_scenario(
        [make_state("A", 4.0, arms=0.1), make_state("B", 1.0, arms=0.3)],
        params={"growth": {"mean": 0.03, "noise": 0.0, "drift_sd": 0.0, "arms_cost": 0.2}},
    )
    b = _batch(sc)
    grow(b, np.full((1, 2), 1.7))  # any shock: noise is zero
    np.testing.assert_allclose(
        b.cap[0], [4.0 * np.exp(0.03 - 0.2 * 0.1), 1.0 * np.exp(0.03 - 0.2 * 0.3)], rtol=1e-12
    )


def test_growth_noise_is_scaled_normal_shock(make_scenario: Any, make_state: Any) -> None:
    sc = make_scenario(
        [make_state("A", 2.0, arms=0.0), make_state("B", 1.0, arms=0.0)],
        params={
            "growth": {"mean": 0.0, "noise": 0.1, "drift_sd": 0.0, "arms_cost": 0.5},
            "arming": {"arms_min": 0.0, "arms_initial": 0.0},
        },
    )
    b = _batch(sc)
    grow(b, np.array([[1.0, -2.0]]))
    np.testing.assert_allclose(b.cap[0], [2.0 * np.exp(0.1), np.exp(-0.2)], rtol=1e-12)


def test_sanctions_cut_growth_and_run_out(make_scenario: Any, make_state: Any) -> None:
    sc = make_scenario(
        [make_state("A", 1.0, arms=0.0), make_state("B", 1.0, arms=0.0)],
        params={
            "growth": {"mean": 0.02, "noise": 0.0, "drift_sd": 0.0, "arms_cost": 0.0},
            "arming": {"arms_min": 0.0, "arms_initial": 0.0},
        },
    )
    b = _batch(sc)
    b.sanction_left[0, 0] = 1
    b.sanction_pen[0, 0] = 0.05
    grow(b, np.zeros((1, 2)))
    np.testing.assert_allclose(b.cap[0], [np.exp(0.02 - 0.05), np.exp(0.02)], rtol=1e-12)
    assert b.sanction_left[0, 0] == 0
    grow(b, np.zeros((1, 2)))  # sanctions over: both grow alike
    assert b.cap[0, 0] / b.cap[0, 1] == pytest.approx(np.exp(-0.05))


def test_dead_states_do_not_grow(make_scenario: Any, make_state: Any) -> None:
    sc = make_scenario([make_state("A", 1.0), make_state("B", 1.0)])
    b = _batch(sc)
    b.alive[0, 1] = False
    before = b.cap[0, 1]
    grow(b, np.ones((1, 2)))
    assert b.cap[0, 1] == before


# --------------------------------------------------------------------------- arming (phase 2)

ARMING = {
    "arms_min": 0.02,
    "arms_max": 0.5,
    "arms_initial": 0.05,
    "tolerance": 1.0,
    "response": 0.1,
    "decay": 0.1,
}


def test_arming_by_hand(make_scenario: Any, make_state: Any) -> None:
    """B faces a threat above tolerance and arms; A does not, and its arms decay (C14).

    Power: A 4 x 0.1 = 0.4, B 1 x 0.1 = 0.1; hostility 1 - 0.2 = 0.8.
    Threat on B: 0.4 x 0.8 / 0.1 = 3.2; on A: 0.1 x 0.8 / 0.4 = 0.2.
    B: 0.1 + 0.1 ln(3.2 / 1)(0.5 - 0.1) - 0.1 (0.1 - 0.02) = 0.13852...
    A: 0.1 - 0.1 (0.1 - 0.02) = 0.092.
    """
    sc = make_scenario(
        [make_state("A", 4.0, arms=0.1), make_state("B", 1.0, arms=0.1)],
        similarity=[[1.0, 0.2], [0.2, 1.0]],
        params={"arming": ARMING},
    )
    b = _batch(sc)
    threat = arm(b)
    np.testing.assert_allclose(threat[0], [0.2, 3.2], rtol=1e-12)
    expected_b = 0.1 + 0.1 * np.log(3.2) * (0.5 - 0.1) - 0.1 * (0.1 - 0.02)
    np.testing.assert_allclose(b.arms[0], [0.092, expected_b], rtol=1e-12)
    assert b.arms[0, 1] > 0.1 > b.arms[0, 0]


def test_arms_stay_within_bounds_under_extreme_threat(make_scenario: Any, make_state: Any) -> None:
    sc = make_scenario(
        [make_state("A", 1000.0, arms=0.5), make_state("B", 0.001, arms=0.5)],
        similarity=[[1.0, 0.0], [0.0, 1.0]],
        params={"arming": {**ARMING, "response": 1.0}},
    )
    b = _batch(sc)
    for _ in range(50):
        arm(b)
        assert np.all((b.arms >= 0.02) & (b.arms <= 0.5))


def test_expected_support_lowers_threat(make_scenario: Any, make_state: Any) -> None:
    """Credible collective security adds credibility x obligation x reachable members' power.

    C (power 0.3) reaches B; with credibility 1 and obligation 0.5, B expects
    0.5 x (0.4 + 0.3) = 0.35 (A is a member that reaches B too), so its threat
    falls from 0.4 x 0.8 / 0.1 = 3.2 to 0.32 / 0.45.
    """
    states = [
        make_state("A", 4.0, arms=0.1),
        make_state("B", 1.0, arms=0.1),
        make_state("C", 3.0, arms=0.1),
    ]
    sim = [[1.0, 0.2, 0.2], [0.2, 1.0, 0.9], [0.2, 0.9, 1.0]]
    edges = [("A", "B"), ("B", "C")]
    cs = {
        "name": "cs",
        "kind": "collective_security",
        "decision_rule": {"kind": "automatic"},
        "obligation": 0.5,
        "credibility": 1.0,
    }
    alone = _batch(make_scenario(states, edges=edges, similarity=sim, params={"arming": ARMING}))
    with_cs = _batch(
        make_scenario(
            states, edges=edges, similarity=sim, arrangements=[cs], params={"arming": ARMING}
        )
    )
    np.testing.assert_allclose(expected_support(with_cs, with_cs.power())[0, 1], 0.35)
    t_alone = arm(alone)[0, 1]
    t_cs = arm(with_cs)[0, 1]
    assert t_alone == pytest.approx(3.2)
    assert t_cs == pytest.approx(0.32 / 0.45)
    assert with_cs.arms[0, 1] < alone.arms[0, 1]


# --------------------------------------------------------------------------- aggression (phase 3)

AGGRESSION = {
    "opportunity": 1.0,
    "decisiveness": 2.0,
    "conquest_share": 0.5,
    "war_cost": 0.05,
    "defeat_penalty": 0.3,
    "threshold": 0.02,
    "misperception": 0.0,
    "dissimilarity_weight": 0.5,
}


def _deterrence_world(make_scenario: Any, make_state: Any, c_reaches_b: bool) -> Any:
    """A (power 1) next to weak B (power 0.25); C (power 1, committed) next to B, or not."""
    states = [
        make_state("A", 4.0, arms=0.25, revisionism=1.0),
        make_state("B", 1.0, arms=0.25, revisionism=0.0),
        make_state("C", 4.0, arms=0.25, revisionism=0.0, doctrine="committed"),
    ]
    edges = [("A", "B"), ("B", "C")] if c_reaches_b else [("A", "B")]
    cs = {
        "name": "cs",
        "kind": "collective_security",
        "decision_rule": {"kind": "automatic"},
        "obligation": 1.0,
        "credibility": 1.0,
        "instruments": ["military"],
    }
    return make_scenario(
        states,
        edges=edges,
        similarity=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.5], [0.0, 0.5, 1.0]],
        arrangements=[cs],
        params={"aggression": AGGRESSION},
    )


def _decide(b: Any) -> Any:
    n = b.n
    return decide(b, np.zeros((1, n)), np.zeros((1, n)), np.full((1, n), 0.5))


def test_deterrence_holds_by_the_contest_success_function(
    make_scenario: Any, make_state: Any
) -> None:
    """O5, M1: A would attack B alone, but not B with committed C beside it.

    P(win alone) = 1 / (1 + (0.25 / 1)^2) = 16/17; against B + C:
    1 / (1 + 1.25^2) = 16/41. The gain is 0.5 x (1 - 0.5 x 0) x 1/4 = 1/8.
    """
    sc = _deterrence_world(make_scenario, make_state, c_reaches_b=True)
    b = _batch(sc)
    rule = aggression_rule(b)
    assert rule == ExpectedUtility(
        decisiveness=2.0,
        conquest_share=0.5,
        war_cost=0.05,
        defeat_penalty=0.3,
        dissimilarity_weight=0.5,
    )
    one = np.array([1.0])
    assert rule.win_probability(one, np.array([0.25]))[0] == pytest.approx(16 / 17)
    assert rule.win_probability(one, np.array([1.25]))[0] == pytest.approx(16 / 41)
    u_alone = rule.utility(one, np.array([0.25]), np.array([4.0]), one, np.array([0.0]))[0]
    u_coal = rule.utility(one, np.array([1.25]), np.array([4.0]), one, np.array([0.0]))[0]
    assert u_alone > AGGRESSION["threshold"] > u_coal

    dec = _decide(b)
    assert list(dec.aggressor) == [0]
    assert list(dec.victim) == [1]
    assert dec.utility_alone[0] == pytest.approx(u_alone)
    # C is committed, the rule automatic, credibility and obligation 1: the
    # coalition forms for certain, so the aggressor meets B + C.
    assert dec.utility[0] == pytest.approx(u_coal)
    assert bool(dec.deterred[0])
    assert not bool(dec.attack[0])


def test_no_deterrence_when_the_helper_cannot_reach(make_scenario: Any, make_state: Any) -> None:
    """O3: help from out of reach is impossible, so A attacks."""
    b = _batch(_deterrence_world(make_scenario, make_state, c_reaches_b=False))
    dec = _decide(b)
    assert bool(dec.attack[0])
    assert not bool(dec.deterred[0])
    assert dec.utility[0] == pytest.approx(dec.utility_alone[0])


def test_self_help_attacks_and_is_never_deterred(make_scenario: Any, make_state: Any) -> None:
    sc = _deterrence_world(make_scenario, make_state, c_reaches_b=True)
    b = _batch(sc, regime="self_help")
    dec = _decide(b)
    assert bool(dec.attack[0])
    assert not dec.deterred.any()


def test_dead_and_busy_states_never_weigh_war(make_scenario: Any, make_state: Any) -> None:
    b = _batch(_deterrence_world(make_scenario, make_state, c_reaches_b=False))
    b.alive[0, 0] = False
    assert len(_decide(b).rows) == 0
    b.alive[0, 0] = True
    b.busy[0, 0] = True
    assert len(_decide(b).rows) == 0


def test_a_dead_state_is_no_target(make_scenario: Any, make_state: Any) -> None:
    b = _batch(_deterrence_world(make_scenario, make_state, c_reaches_b=False))
    b.alive[0, 1] = False  # A's only reachable target is gone
    dec = _decide(b)
    assert not dec.attack.any()
    assert not dec.deterred.any()


# --------------------------------------------------------------------------- response (phase 4)


def _council_world(make_scenario: Any, make_state: Any, absent: tuple[str, ...]) -> Any:
    """X attacks V; P1 (permanent) sides with X; P2, M1, M2 side with V. Noise-free votes."""
    codes = ["X", "V", "P1", "P2", "M1", "M2"]
    states = [make_state(c, 1.0, great_power=c.startswith("P")) for c in codes]
    near_v = {"P2", "M1", "M2"}
    sim = np.full((6, 6), 0.5)
    for i, a in enumerate(codes):
        if a in near_v:
            sim[i, 0] = sim[0, i] = 0.0
            sim[i, 1] = sim[1, i] = 1.0
    sim[2, 0] = sim[0, 2] = 1.0  # P1 stands with the aggressor
    sim[2, 1] = sim[1, 2] = 0.0
    sim[0, 1] = sim[1, 0] = 0.0
    np.fill_diagonal(sim, 1.0)
    council = {
        "kind": "council",
        "permanent": ["P1", "P2"],
        "seats": 5,
        "quota": 3,
        "veto": True,
        "absent": list(absent),
        "parties_vote": False,
    }
    return make_scenario(
        states,
        similarity=sim.tolist(),
        arrangements=[{"name": "un", "kind": "collective_security", "decision_rule": council}],
        params={"response": {"vote_noise": 0.0, "vote_bias": 0.0}},
    )


def _respond(b: Any, agg: str, vic: str) -> tuple[Any, Any]:
    s = assess(b, ROW, idx(b, agg), idx(b, vic), np.full((1, b.n), 0.5))
    u = np.full((1, DRAWS_PER_ATTACK, b.n), 0.5)
    return s, respond(b, s, u, s.attack_power())


def test_present_permanent_member_vetoes_through_respond(
    make_scenario: Any, make_state: Any
) -> None:
    b = _batch(_council_world(make_scenario, make_state, absent=()))
    s, resp = _respond(b, "X", "V")
    voters = s.voters[0, 0]
    assert [b.world.codes[i] for i in np.flatnonzero(voters)] == ["P1", "P2", "M1", "M2"]
    assert [b.world.codes[i] for i in np.flatnonzero(resp.yes[0] & voters)] == ["P2", "M1", "M2"]
    assert not resp.designated[0, 0]  # three yes meet the quota, but P1's no is a veto
    assert not resp.military[0]
    assert not resp.sanctions[0]
    # Noise-free votes: the chance of designation is zero too.
    assert s.p_designate[0, 0] == pytest.approx(0.0, abs=1e-9)


def test_absent_permanent_member_does_not_block_korea_1950(
    make_scenario: Any, make_state: Any
) -> None:
    b = _batch(_council_world(make_scenario, make_state, absent=("P1",)))
    s, resp = _respond(b, "X", "V")
    assert not s.voters[0, 0, b.world.index["P1"]]
    assert resp.designated[0, 0]  # three yes of three present: ceil(3 x 3 / 5) = 2 needed
    assert s.p_designate[0, 0] == pytest.approx(1.0, abs=1e-6)


def test_majority_vote_through_respond(make_scenario: Any, make_state: Any) -> None:
    """Five voters split 3-2 with noise-free votes: majority 1/2 designates, 2/3 does not."""
    codes = ["X", "V", "A", "B", "C", "D", "E"]
    sim = np.full((7, 7), 0.5)
    for i in (2, 3, 4):  # A, B, C stand with V
        sim[i, 1] = sim[1, i] = 1.0
        sim[i, 0] = sim[0, i] = 0.0
    for i in (5, 6):  # D, E stand with X
        sim[i, 0] = sim[0, i] = 1.0
        sim[i, 1] = sim[1, i] = 0.0
    np.fill_diagonal(sim, 1.0)
    for quota, expected in ((0.5, True), (2 / 3, False)):
        sc = make_scenario(
            [make_state(c, 1.0) for c in codes],
            similarity=sim.tolist(),
            arrangements=[
                {
                    "name": "ga",
                    "kind": "collective_security",
                    "decision_rule": {"kind": "majority", "quota": quota},
                }
            ],
            params={"response": {"vote_noise": 0.0, "vote_bias": 0.0}},
        )
        b = _batch(sc)
        _, resp = _respond(b, "X", "V")
        assert bool(resp.designated[0, 0]) is expected


def test_unanimity_blocked_by_one_no_through_respond(make_scenario: Any, make_state: Any) -> None:
    codes = ["X", "V", "A", "B", "C"]
    sim = np.full((5, 5), 0.5)
    for i in (2, 3):
        sim[i, 1] = sim[1, i] = 1.0
        sim[i, 0] = sim[0, i] = 0.0
    sim[4, 0] = sim[0, 4] = 1.0  # C alone sides with X
    sim[4, 1] = sim[1, 4] = 0.0
    np.fill_diagonal(sim, 1.0)
    sc = make_scenario(
        [make_state(c, 1.0) for c in codes],
        similarity=sim.tolist(),
        arrangements=[{"name": "league", "kind": "collective_security"}],  # unanimity default
        params={"response": {"vote_noise": 0.0, "vote_bias": 0.0}},
    )
    b = _batch(sc)
    _, resp = _respond(b, "X", "V")
    assert not resp.designated[0, 0]
    b.alive[0, 4] = False  # without C the rest agree
    _, resp = _respond(b, "X", "V")
    assert resp.designated[0, 0]


# --------------------------------------------------------------------------- coverage (C2, C12)


def test_collective_defence_ignores_members_fighting_each_other(
    make_scenario: Any, make_state: Any
) -> None:
    """C2, C12: the bloc {A, B} answers C against A, not A against B; CS answers both."""
    sc = make_scenario(
        [make_state(c, 1.0) for c in "ABCD"],
        arrangements=[
            {"name": "bloc", "kind": "collective_defense", "members": ["A", "B"]},
            {"name": "cs", "kind": "collective_security", "members": "all"},
        ],
    )
    b = _batch(sc)
    assert list(b.kind) == [CD, CS]
    i = b.world.index
    rows = np.zeros(4, dtype=np.int64)
    agg = np.array([i["A"], i["C"], i["A"], i["C"]])
    vic = np.array([i["B"], i["A"], i["C"], i["D"]])
    cov = b.covered(rows, agg, vic)
    np.testing.assert_array_equal(
        cov,
        [
            [False, True],  # member on member: only collective security answers
            [True, True],  # outsider on member: both
            [False, True],  # member on outsider: the bloc does not protect outsiders
            [False, True],
        ],
    )


def test_collective_security_scope_covers_non_members_in_region(
    make_scenario: Any, make_state: Any
) -> None:
    sc = make_scenario(
        [
            make_state("A", 1.0, region="north"),
            make_state("B", 1.0, region="north"),
            make_state("C", 1.0, region="south"),
        ],
        arrangements=[
            {"name": "cs", "kind": "collective_security", "members": ["A"], "scope": ["north"]}
        ],
    )
    b = _batch(sc)
    cov = b.covered(np.zeros(2, dtype=np.int64), np.array([2, 0]), np.array([1, 2]))
    np.testing.assert_array_equal(cov[:, 0], [True, False])


# --------------------------------------------------------------------------- war (phase 5)

WAR = {
    "loss_rate": 0.1,
    "intensity_sigma": 0.0,
    "absorb_ratio": 0.15,
    "policy_change": 0.5,
    "embolden": 0.05,
    "reparations": 0.1,
}


def _war_world(make_scenario: Any, make_state: Any, absorb_ratio: float) -> Any:
    return make_scenario(
        [make_state("A", 10.0, arms=0.1, revisionism=0.8), make_state("B", 1.0, arms=0.1)],
        arrangements=[
            {"name": "bloc", "kind": "collective_defense", "members": ["A", "B"]},
            {"name": "cs", "kind": "collective_security"},
        ],
        params={
            "war": {**WAR, "absorb_ratio": absorb_ratio},
            "aggression": {**AGGRESSION, "conquest_share": 0.3},
        },
    )


def _fight(b: Any, u_win: float) -> Any:
    att = np.array([[True, False]])
    dfn = np.array([[False, True]])
    return fight(
        b,
        aggression_rule(b),
        ROW,
        np.array([0]),
        np.array([1]),
        att,
        dfn,
        np.zeros(1),
        np.array([u_win]),
        np.array([0.5]),
    )


def test_victim_below_absorb_ratio_dies_and_leaves_every_arrangement(
    make_scenario: Any, make_state: Any
) -> None:
    """Power 1 against 0.1; losses 0.1 x 2 x share of the other side; A takes 0.3 of B.

    A: 10 (1 - 0.2 x 0.1/1.1) = 9.818; B: 1 (1 - 0.2 x 1/1.1) = 0.818;
    take 0.3 x 0.818 = 0.245: A 10.064, B 0.573 < 0.15 x 10.064, so B dies
    and A absorbs it.
    """
    b = _batch(_war_world(make_scenario, make_state, 0.15))
    assert b.member[0, :, 1].all()
    out = _fight(b, u_win=0.0)
    loss_a, loss_b = 0.2 * 0.1 / 1.1, 0.2 * 1.0 / 1.1
    c_a, c_b = 10 * (1 - loss_a), 1 - loss_b
    c_a, c_b = c_a + 0.3 * c_b, 0.7 * c_b
    assert c_b < 0.15 * c_a
    assert bool(out.aggressor_won[0])
    assert bool(out.victim_died[0])
    assert not b.alive[0, 1]
    assert not b.member[0, :, 1].any()
    np.testing.assert_allclose(b.cap[0], [c_a + c_b, 0.0], rtol=1e-12)
    assert out.severity[0] == pytest.approx((10 * loss_a + loss_b) / 11.0)
    assert b.revis[0, 0] == pytest.approx(0.8 + 0.05 * (1 - 0.8))
    assert b.busy[0].all()


def test_victim_above_absorb_ratio_survives(make_scenario: Any, make_state: Any) -> None:
    b = _batch(_war_world(make_scenario, make_state, 0.01))
    out = _fight(b, u_win=0.0)
    assert bool(out.aggressor_won[0])
    assert not bool(out.victim_died[0])
    assert b.alive[0].all()
    assert b.member[0, :, 1].all()


def test_defeated_aggressor_changes_policy_and_pays_o5(make_scenario: Any, make_state: Any) -> None:
    b = _batch(_war_world(make_scenario, make_state, 0.15))
    out = _fight(b, u_win=0.999999)  # P(A wins) = 100/101 < 0.999999
    assert not bool(out.aggressor_won[0])
    assert b.revis[0, 0] == pytest.approx(0.8 * (1 - 0.5))
    loss_a, loss_b = 0.2 * 0.1 / 1.1, 0.2 * 1.0 / 1.1
    c_a, c_b = 10 * (1 - loss_a), 1 - loss_b
    np.testing.assert_allclose(b.cap[0], [0.9 * c_a, c_b + 0.1 * c_a], rtol=1e-12)
    assert b.alive[0].all()


# --------------------------------------------------------------------------- learning (phase 6)


@pytest.mark.parametrize(
    ("military", "sanctions", "record"),
    [(True, False, 1.0), (False, True, 0.5), (False, False, 0.0)],
)
def test_credibility_moves_toward_the_record(
    make_scenario: Any, make_state: Any, military: bool, sanctions: bool, record: float
) -> None:
    sc = make_scenario(
        [make_state(c, 1.0) for c in "ABC"],
        arrangements=[
            {"name": "cs", "kind": "collective_security", "credibility": 0.6},
            {"name": "other", "kind": "collective_security", "credibility": 0.3},
        ],
        params={
            "learning": {
                "credibility_rate": 0.2,
                "sanction_credit": 0.5,
                "exit_undefended": 1.0,
                "exit_designated": 1.0,
            }
        },
    )
    b = _batch(sc)
    learn(
        b,
        ROW,
        np.array([0]),
        np.array([1]),
        covers=np.array([[True, False]]),
        designated=np.array([[True, False]]),
        military=np.array([military]),
        sanctions=np.array([sanctions]),
        u_exit=np.full((1, 3), 1.0),  # nobody leaves
    )
    assert b.cred[0, 0] == pytest.approx(0.6 + 0.2 * (record - 0.6))
    assert b.cred[0, 1] == pytest.approx(0.3)  # did not cover: its record is untouched
    assert b.member[0].all()


def test_undefended_victim_and_designated_aggressor_walk_out_c5(
    make_scenario: Any, make_state: Any
) -> None:
    sc = make_scenario(
        [make_state(c, 1.0) for c in "ABC"],
        arrangements=[{"name": "league", "kind": "collective_security"}],
        params={"learning": {"exit_undefended": 0.3, "exit_designated": 0.5}},
    )
    b = _batch(sc)
    u = np.array([[0.4, 0.2, 0.0]])  # A: 0.4 < 0.5 leaves; B: 0.2 < 0.3 leaves; C stays
    learn(
        b,
        ROW,
        np.array([0]),
        np.array([1]),
        covers=np.array([[True]]),
        designated=np.array([[True]]),
        military=np.array([False]),
        sanctions=np.array([False]),
        u_exit=u,
    )
    np.testing.assert_array_equal(b.member[0, 0], [False, False, True])


def test_threatened_outsider_joins_with_chance_join_rate_times_credibility(
    make_scenario: Any, make_state: Any
) -> None:
    sc = make_scenario(
        [make_state(c, 1.0) for c in "ABC"],
        arrangements=[
            {"name": "cs", "kind": "collective_security", "members": ["A"], "credibility": 0.5}
        ],
        params={"learning": {"join_rate": 0.4}, "arming": {**ARMING, "tolerance": 1.0}},
    )
    b = _batch(sc)
    threat = np.array([[0.0, 2.0, 2.0]])
    enter(b, threat, np.array([[0.0, 0.19, 0.21]]))  # 0.4 x 0.5 = 0.2
    np.testing.assert_array_equal(b.member[0, 0], [True, True, False])


# --------------------------------------------------------------------------- helpers


def _batch(sc: Any, regime: str = "as_specified") -> Batch:
    """The year-0 batch of one replication, built as :func:`collsec.engine.run_batch` does."""
    root = root_sequence(sc.seed)
    world = make_world(sc, root)
    return Batch.start(
        world,
        arrangements_for_regime(sc, world, regime),
        sc.params,
        replication_generators(root, 0, 1),
    )


def test_a_permanent_aggressor_vetoes_a_finding_against_itself(
    make_scenario: Any, make_state: Any
) -> None:
    """O1, C9: where the parties vote, the aggressor never condemns itself.

    The aggressor P1 is allied to its victim and so, by affinity alone, would
    vote yes; the rule in phases/response.py makes its vote a no, which, as a
    permanent member's no, is a veto (Hungary 1956, Ukraine 2022). The victim
    votes yes though it is closer to the aggressor.
    """
    states = [make_state(c, 1.0, great_power=c.startswith("P")) for c in ("P1", "V", "P2", "M1")]
    sim = np.full((4, 4), 0.5)
    np.fill_diagonal(sim, 1.0)
    council = {
        "kind": "council",
        "permanent": ["P1", "P2"],
        "seats": 4,
        "quota": 2,
        "veto": True,
        "parties_vote": True,
    }
    sc = make_scenario(
        states,
        similarity=sim.tolist(),
        alliances=[{"members": ["P1", "V"], "strength": 1.0}],
        arrangements=[{"name": "un", "kind": "collective_security", "decision_rule": council}],
        params={"response": {"vote_noise": 0.0, "vote_bias": 0.5, "tie_weight": 1.0}},
    )
    b = _batch(sc)
    s, resp = _respond(b, "P1", "V")
    p1, v = b.world.index["P1"], b.world.index["V"]
    assert s.voters[0, 0, p1]
    assert s.voters[0, 0, v]
    assert s.p_yes[0, p1] == 0.0
    assert s.p_yes[0, v] == 1.0
    assert not resp.yes[0, p1]
    assert resp.yes[0, v]
    assert not resp.designated[0, 0]  # three yes of four meet the quota; P1's no is a veto


def test_an_absent_member_does_not_join_the_coalition(make_scenario: Any, make_state: Any) -> None:
    """O3, Korea 1950: a permanent member boycotting the council neither votes nor acts."""
    b = _batch(_council_world(make_scenario, make_state, absent=("P1",)))
    s, _ = _respond(b, "X", "V")
    p1 = b.world.index["P1"]
    assert not s.able[0, 0, p1]
    assert s.p_join[0, 0, p1] == 0.0


def test_measures_only_where_the_victim_cannot_meet_the_aggressor_alone(
    make_scenario: Any, make_state: Any
) -> None:
    """Departure 14 (Charter art. 51; Olson and Zeckhauser 1966): the finding stands,
    but force and sanctions come only where the victim alone falls short."""
    b = _batch(_council_world(make_scenario, make_state, absent=("P1",)))
    force_margin = b.params.response.force_margin
    # Equal power: the victim alone meets the aggressor (force_margin 1 or less).
    assert force_margin <= 1.0
    _, resp = _respond(b, "X", "V")
    assert resp.designated[0, 0]
    assert not resp.needed[0]
    assert not resp.military[0]
    assert not resp.sanctions[0]
    # A weaker victim: the same finding now brings measures (the members that
    # voted yes sanction, or the coalition fights).
    b.cap[0, b.world.index["V"]] = 0.25
    _, resp = _respond(b, "X", "V")
    assert resp.designated[0, 0]
    assert resp.needed[0]
    assert resp.military[0] or resp.sanctions[0]


def test_a_crisis_the_victim_meets_alone_does_not_test_the_arrangement(
    make_scenario: Any, make_state: Any
) -> None:
    sc = make_scenario(
        [make_state(c, 1.0) for c in "ABC"],
        arrangements=[{"name": "cs", "kind": "collective_security", "credibility": 0.6}],
        params={"learning": {"credibility_rate": 0.2, "exit_undefended": 1.0}},
    )
    b = _batch(sc)
    learn(
        b,
        ROW,
        np.array([0]),
        np.array([1]),
        covers=np.array([[True]]),
        designated=np.array([[True]]),
        military=np.array([False]),
        sanctions=np.array([False]),
        u_exit=np.zeros((1, 3)),  # everyone would leave if left undefended
        needed=np.array([False]),
    )
    assert b.cred[0, 0] == pytest.approx(0.6)
    assert b.member[0, 0, 1]  # the victim was not left undefended: it stays
    assert not b.member[0, 0, 0]  # the designated aggressor still walks out


@pytest.mark.parametrize("gain", [1.0, 0.5, 0.0])
def test_join_cost_gain_weighs_only_a_weaker_aggressor(
    make_scenario: Any, make_state: Any, gain: float
) -> None:
    """O2, M3 (departure 15): the join cost ``join_cost * log(a / own)`` counts in
    full against a stronger aggressor; against a weaker one its (negative) value
    is weighted by ``join_cost_gain``, so at 0 fighting is never cheaper than
    against an equal."""
    # A (aggressor, 3) attacks B (1); C (2) is weaker than A, D (9) stronger.
    states = [make_state(c, cap, arms=0.2) for c, cap in (("A", 3.0), ("B", 1.0), ("C", 2.0))]
    states.append(make_state("D", 9.0, arms=0.2))
    arrangement = {
        "name": "cs",
        "kind": "collective_security",
        "members": "all",
        "decision_rule": {"kind": "automatic"},
        "obligation": 1.0,
        "credibility": 1.0,
    }
    sim = np.full((4, 4), 0.5)
    np.fill_diagonal(sim, 1.0)
    params = {"response": {"join_cost_gain": gain, "free_riding": 0.0}}
    sc = make_scenario(states, similarity=sim.tolist(), arrangements=[arrangement], params=params)
    b = _batch(sc)
    s = assess(b, ROW, idx(b, "A"), idx(b, "B"), np.full((1, b.n), 0.5))
    rp = b.params.response
    power = s.power[0]
    a_pow = power[b.world.index["A"]]
    for code in ("C", "D"):
        i = b.world.index[code]
        log_ratio = np.log(a_pow / power[i])
        counted = log_ratio if log_ratio > 0 else gain * log_ratio
        logit = (
            rp.join_base
            + rp.join_affinity * 0.0  # equal affinity to both parties
            - rp.join_cost * counted
            + rp.join_obligation * 1.0
            + rp.join_credibility * 1.0
        )
        assert s.willing[0, 0, i] == pytest.approx(1.0 / (1.0 + np.exp(-logit)), rel=1e-12)
    # C faces a stronger aggressor: its cost does not depend on the gain's weight.
    c, d = b.world.index["C"], b.world.index["D"]
    assert np.log(a_pow / power[c]) > 0 > np.log(a_pow / power[d])
    if gain == 0.0:
        # Against a weaker aggressor the cost is zero: D is as willing as an equal.
        equal = 1.0 / (1.0 + np.exp(-(rp.join_base + rp.join_obligation + rp.join_credibility)))
        assert s.willing[0, 0, d] == pytest.approx(equal, rel=1e-12)


def test_find_when_needed_withholds_the_finding_between_matched_sides(
    make_scenario: Any, make_state: Any
) -> None:
    """O1 (docs/model.md, "Findings only where needed"): with find_when_needed,
    a victim that can meet its attacker alone gets no finding either, and the
    aggressor foresees none; a weaker victim gets both as before."""
    sc = _council_world(make_scenario, make_state, absent=("P1",))
    sc = sc.model_copy(
        update={
            "params": sc.params.model_copy(
                update={
                    "response": sc.params.response.model_copy(update={"find_when_needed": True})
                }
            )
        }
    )
    b = _batch(sc)
    s, resp = _respond(b, "X", "V")  # equal power: the victim meets X alone
    assert not resp.needed[0]
    assert not resp.designated[0, 0]
    assert s.p_designate[0, 0] == 0.0
    b.cap[0, b.world.index["V"]] = 0.25
    s, resp = _respond(b, "X", "V")
    assert resp.needed[0]
    assert resp.designated[0, 0]
    assert s.p_designate[0, 0] == pytest.approx(1.0, abs=1e-6)
