"""Phase 5, war: contest, losses (severity), conquest, state death, policy change.

The aggressor's side (it and the states that joined it, its power cut by
sanctions) meets the victim's side (it and its defenders). A contest success
function of the sides' power draws the winner (Hirshleifer 1989). Every
participant loses a share of its capability that grows with the opponent's
share of the total power and with the war's intensity, a log-normal draw; the
war's **severity** is the sum of losses as a share of world capability. A
winning aggressor takes a share of the victim's capability, and absorbs a
victim left below ``absorb_ratio`` of its own capability (**state death**). A
defeated aggressor pays reparations and its revisionism falls (O5: it changes
its policy, or it is defeated).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from collsec.rules import ExpectedUtility
from collsec.state import Batch

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass(eq=False)
class WarOutcome:
    """Outcome of a batch of wars, ``[c]`` each.

    Attributes
    ----------
    aggressor_won
        The aggressor's side won.
    victim_died
        The victim was absorbed.
    severity
        Capability lost by all participants, as a share of world capability.
    attack_power, defence_power
        The sides' power as fought.
    """

    aggressor_won: BoolArray
    victim_died: BoolArray
    severity: FloatArray
    attack_power: FloatArray
    defence_power: FloatArray


def fight(
    b: Batch,
    rule: ExpectedUtility,
    rows: IntArray,
    aggressor: IntArray,
    victim: IntArray,
    attackers: BoolArray,
    defenders: BoolArray,
    sanction_weight: FloatArray,
    u_win: FloatArray,
    u_intensity: FloatArray,
) -> WarOutcome:
    """Fight a batch of wars and apply their consequences to the batch.

    Parameters
    ----------
    b
        The batch, updated in place.
    rule
        The aggression rule (its contest success function).
    rows, aggressor, victim
        ``[c]``: replication row, aggressor and victim.
    attackers, defenders
        ``[c, n]``: the two sides, the aggressor and victim included.
    sanction_weight
        ``[c]``: economic weight of the sanctions on the aggressor.
    u_win, u_intensity
        ``[c]`` uniforms: who wins, and how intense the war is.
    """
    w = b.params.war
    prm = b.params.response
    ci = np.arange(len(rows))
    p = b.power(rows)
    att = (attackers * p).sum(axis=1) * (1.0 - prm.sanction_war_effect * sanction_weight)
    dfn = (defenders * p).sum(axis=1)
    won = u_win < rule.win_probability(att, dfn)
    z = ndtri(np.minimum(np.maximum(u_intensity, 1e-12), 1 - 1e-12))
    intensity = np.exp(w.intensity_sigma * z - 0.5 * w.intensity_sigma**2)
    total = np.maximum(att + dfn, 1e-300)
    loss_att = np.minimum(np.maximum(w.loss_rate * intensity * 2.0 * dfn / total, 0.0), 0.9)
    loss_def = np.minimum(np.maximum(w.loss_rate * intensity * 2.0 * att / total, 0.0), 0.9)
    cap = b.cap[rows]
    world_cap = np.maximum((cap * b.alive[rows]).sum(axis=1), 1e-300)
    frac = np.where(attackers, loss_att[:, None], 0.0) + np.where(defenders, loss_def[:, None], 0.0)
    lost = cap * frac
    severity = lost.sum(axis=1) / world_cap
    cap = cap - lost
    c_a = cap[ci, aggressor]
    c_v = cap[ci, victim]
    take = np.where(won, b.params.aggression.conquest_share * c_v, 0.0)
    pay = np.where(won, 0.0, w.reparations * c_a)
    c_a = c_a + take - pay
    c_v = c_v - take + pay
    # A victim left with nothing is absorbed even when absorb_ratio is 0.
    died = won & (c_v <= w.absorb_ratio * c_a)
    c_a = np.where(died, c_a + c_v, c_a)
    c_v = np.where(died, 0.0, c_v)
    cap[ci, aggressor] = c_a
    cap[ci, victim] = c_v
    b.cap[rows] = cap
    b.alive[rows, victim] = ~died
    b.member[rows, :, victim] &= ~died[:, None]
    q = b.revis[rows, aggressor]
    b.revis[rows, aggressor] = np.where(
        won, q + w.embolden * (1.0 - q), q * (1.0 - w.policy_change)
    )
    b.busy[rows] |= attackers | defenders
    return WarOutcome(won, died, severity, att, dfn)
