"""Phase 3, aggression: weigh war against the expected coalition (O5, M1).

A state with an opportunity (a uniform draw below ``opportunity x
revisionism``) and not already at war weighs every state within its reach
with the :class:`~collsec.rules.ExpectedUtility` rule, judging the balance
with a misperception error, and picks its most attractive target as if no
arrangement existed. It then foresees what the arrangements would do
(:func:`~collsec.phases.response.assess`): the chance ``q`` that a coalition
forms (designation, and at least one member joining), the power of the
coalition if it forms, and the expected sanctions; its utility is the mixture
``(1 - q) * U(victim alone) + q * U(victim + coalition) - sanctions``. If war
still pays, it attacks; if it would have attacked without the arrangements but not with them, the
crisis is a **deterred** attack (O5, M1).

Simplification (docs/model.md): a deterred state does not turn to its second
choice of target that year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from collsec.phases.response import Assessment, assess
from collsec.rules import ExpectedUtility
from collsec.state import Batch

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


def aggression_rule(b: Batch) -> ExpectedUtility:
    """The aggression rule with this batch's parameters."""
    a = b.params.aggression
    return ExpectedUtility(
        decisiveness=a.decisiveness,
        conquest_share=a.conquest_share,
        war_cost=a.war_cost,
        defeat_penalty=a.defeat_penalty,
        dissimilarity_weight=a.dissimilarity_weight,
    )


@dataclass(eq=False)
class Decisions:
    """This year's would-be aggressors and what they chose.

    Attributes
    ----------
    rows, aggressor, victim
        ``[c]``: replication row, aggressor and chosen target.
    attack
        ``[c]``: the state attacks.
    deterred
        ``[c]``: it would have attacked without the arrangements, not with them.
    utility_alone, utility
        Expected utility without and with the arrangements.
    assessment
        The foreseen response to each chosen aggression.
    """

    rows: IntArray
    aggressor: IntArray
    victim: IntArray
    attack: BoolArray
    deterred: BoolArray
    utility_alone: FloatArray
    utility: FloatArray
    assessment: Assessment


def decide(
    b: Batch, u_opportunity: FloatArray, z_misperception: FloatArray, seat_keys: FloatArray
) -> Decisions:
    """Decide this year's attacks (no state attacks twice; the dead never act).

    Parameters
    ----------
    b
        The batch.
    u_opportunity
        ``[r, n]`` uniforms: the chance to weigh war.
    z_misperception
        ``[r, n]`` standard normals: the error in judging the balance.
    seat_keys
        ``[r, n]`` uniforms choosing council seats this year.
    """
    prm = b.params.aggression
    rule = aggression_rule(b)
    opp = b.alive & ~b.busy & (u_opportunity < prm.opportunity * b.revis)
    rows, agg = np.nonzero(opp)
    rows = rows.astype(np.int64)
    agg = agg.astype(np.int64)
    p = b.power()
    c = len(rows)
    if c == 0:
        empty_f = np.zeros(0)
        empty_b = np.zeros(0, dtype=bool)
        s = assess(b, rows, agg, agg, seat_keys[rows])
        return Decisions(rows, agg, agg.copy(), empty_b, empty_b, empty_f, empty_f, s)
    targets = b.world.reach[agg] & b.alive[rows]
    perceived = p[rows, agg] * np.exp(prm.misperception * z_misperception[rows, agg])
    own_cap = b.cap[rows, agg]
    eu = rule.utility(
        perceived[:, None], p[rows], own_cap[:, None], b.cap[rows], b.world.similarity[agg]
    )
    eu = np.where(targets, eu, -np.inf)
    victim = np.argmax(eu, axis=1).astype(np.int64)
    best = eu[np.arange(c), victim]
    s = assess(b, rows, agg, victim, seat_keys[rows])
    victim_power = p[rows, victim]
    # The aggressor does not know whether the coalition will form: with chance
    # q (designation, and at least one member joining) it meets the victim
    # plus the coalition that forms; otherwise the victim alone.
    # With foresee_force_only the coalition foreseen is the one that can fight:
    # joiners of an arrangement without the military instrument never do.
    fighting = None
    if b.params.response.foresee_force_only:
        fighting = np.array([arr.military for arr in b.arrangements], dtype=bool)
    joins = s.expected_join(fighting)
    q = 1.0 - np.prod(1.0 - joins, axis=1)
    coalition = np.where(q > 0, (joins * s.power).sum(axis=1) / np.maximum(q, 1e-300), 0.0)
    world_cap = (b.cap[rows] * b.alive[rows]).sum(axis=1)
    sanction_cost = (
        s.expected_sanction_weight(world_cap)
        * b.params.response.sanction_penalty
        * b.params.response.sanction_years
    )
    against_coalition = rule.utility(
        perceived,
        victim_power + coalition,
        own_cap,
        b.cap[rows, victim],
        b.world.similarity[agg, victim],
    )
    # A state with no target has best = -inf; its NaN here is never used.
    with np.errstate(invalid="ignore"):
        with_arr = (1.0 - q) * best + q * against_coalition - sanction_cost
    alone_ok = np.isfinite(best) & (best > prm.threshold)
    attack = alone_ok & (with_arr > prm.threshold)
    deterred = alone_ok & ~attack
    return Decisions(rows, agg, victim, attack, deterred, best, with_arr, s)
