"""Phase 5, war, compiled: the twin of :mod:`collsec.phases.war`.

The aggressor's side (its power cut by sanctions) meets the victim's side; a
contest success function draws the winner; every participant loses a share of
its capability; a winning aggressor takes a share of the victim's and may
absorb it; a defeated one pays reparations and its revisionism falls.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from collsec.fast._sum import psum
from collsec.fast.kernels import inline, ndtri
from collsec.fast.rules import win


@inline
def fight(
    P: Any, S: Any, X: Any, agg: int, vic: int, uu: Any, sanction_weight: float, world_cap: float
) -> tuple[bool, bool, float, float, float]:
    """Fight one war between ``X.attackers`` and ``X.defenders`` and apply it to ``S``.

    Returns whether the aggressor won, whether the victim died, the war's
    severity, and the two sides' power as fought.
    """
    cap = S[0]
    revis = S[2]
    alive = S[3]
    busy = S[4]
    member = S[5]
    n = cap.shape[0]
    k = member.shape[0]
    power = X.power
    attackers = X.attackers
    defenders = X.defenders
    t1 = X.t1
    x_t2 = X.t2
    for i in range(n):
        t1[i] = power[i] if attackers[i] else 0.0
    att = psum(t1) * (1.0 - P.sanction_war_effect * sanction_weight)
    for i in range(n):
        t1[i] = power[i] if defenders[i] else 0.0
    dfn = psum(t1)
    won = uu[4, 0] < win(att, dfn, P.decisiveness)
    z = ndtri(min(max(uu[4, 1], 1e-12), 1 - 1e-12))
    intensity = np.exp(P.intensity_sigma * z - P.half_sigma2)
    total = max(att + dfn, 1e-300)
    loss_att = min(max(P.loss_rate * intensity * 2.0 * dfn / total, 0.0), 0.9)
    loss_def = min(max(P.loss_rate * intensity * 2.0 * att / total, 0.0), 0.9)
    world_cap_w = max(world_cap, 1e-300)
    lost = x_t2
    for i in range(n):
        frac = (loss_att if attackers[i] else 0.0) + (loss_def if defenders[i] else 0.0)
        lost[i] = cap[i] * frac
    severity = psum(lost) / world_cap_w
    for i in range(n):
        cap[i] = cap[i] - lost[i]
    c_a = cap[agg]
    c_v = cap[vic]
    take = P.conquest_share * c_v if won else 0.0
    pay = 0.0 if won else P.reparations * c_a
    c_a = c_a + take - pay
    c_v = c_v - take + pay
    died = won and (c_v <= P.absorb_ratio * c_a)
    if died:
        c_a = c_a + c_v
        c_v = 0.0
    cap[agg] = c_a
    cap[vic] = c_v
    alive[vic] = not died
    if died:
        for j in range(k):
            member[j, vic] = False
    q = revis[agg]
    revis[agg] = q + P.embolden * (1.0 - q) if won else q * (1.0 - P.policy_change)
    for i in range(n):
        busy[i] = busy[i] or attackers[i] or defenders[i]
    return won, died, severity, att, dfn
