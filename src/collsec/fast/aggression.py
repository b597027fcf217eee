"""Phase 3, aggression, compiled: the twin of :mod:`collsec.phases.aggression`.

A state with an opportunity weighs every living state within reach with the
expected-utility rule (:mod:`collsec.fast.rules`),
picks its best target, then foresees the arrangements' response
(:func:`foresee`); if war no longer pays, the attack is deterred.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from collsec.fast._sum import psum
from collsec.fast.diagnosis import log_deterred, room
from collsec.fast.kernels import inline, jit, normal
from collsec.fast.response import assess
from collsec.fast.rules import utility


@jit
def foresee(
    P: Any,
    X: Any,
    S: Any,
    agg: int,
    vic: int,
    perceived: float,
    best: float,
    similarity: Any,
    sanctions: Any,
    military: Any,
) -> float:
    """The aggressor's utility with the arrangements (``phases.aggression.decide``)."""
    cap = S[0]
    alive = S[3]
    member = S[5]
    n = cap.shape[0]
    k = member.shape[0]
    x_covers = X.covers
    x_members = X.members
    x_p_des = X.p_des
    x_p_join = X.p_join
    x_p_yes = X.p_yes
    x_power = X.power
    x_t1 = X.t1
    x_t2 = X.t2
    power = x_power
    joins = x_t2
    for i in range(n):
        prod = 1.0
        for j in range(k):
            cov = 1.0 if x_covers[j] else 0.0
            if P.foresee_force_only > 0 and not military[j]:
                cov = 0.0  # its joiners never fight (respond)
            prod = prod * (1.0 - cov * x_p_des[j] * x_p_join[j, i])
        joins[i] = 1.0 - prod
    prod = 1.0
    for i in range(n):
        prod = prod * (1.0 - joins[i])
    q = 1.0 - prod
    t1 = x_t1
    for i in range(n):
        t1[i] = joins[i] * power[i]
    coalition = psum(t1) / max(q, 1e-300) if q > 0 else 0.0
    for i in range(n):
        t1[i] = cap[i] if alive[i] else 0.0
    world_cap = psum(t1)
    esw = 0.0
    if k > 0:
        esw = -np.inf
        for j in range(k):
            mj = x_members[j]
            for i in range(n):
                t1[i] = ((1.0 if mj[i] else 0.0) * x_p_yes[i]) * cap[i]
            yes_cap = psum(t1)
            cov = 1.0 if x_covers[j] else 0.0
            san = 1.0 if sanctions[j] else 0.0
            w = cov * x_p_des[j] * san * yes_cap / world_cap
            esw = max(esw, w)
    sanction_cost = esw * P.sanction_penalty * P.sanction_years
    against = utility(
        P, perceived, power[vic] + coalition, cap[agg], cap[vic], similarity[agg, vic]
    )
    return (1.0 - q) * best + q * against - sanction_cost


@inline
def decide(
    P: Any,
    W: Any,
    A: Any,
    S: Any,
    X: Any,
    u: Any,
    keep_crises: bool,
    log: Any,
    n_log: int,
    rep: int,
    t: int,
) -> tuple[int, int, Any, int, int]:
    """This year's attacks (``phases.aggression.decide``).

    Leaves the attacks in ``X.att_agg``, ``X.att_vic`` and their order keys in
    ``X.att_key``; with ``keep_crises``, logs each deterred attack in ``log``.
    Returns the number of attacks and of deterred attacks, the log and its
    rows, and the code ``agg * n + vic`` of the last crisis assessed (whose
    assessment ``X`` still holds), or -1.
    """
    cap = S[0]
    arms = S[1]
    revis = S[2]
    alive = S[3]
    busy = S[4]
    reach = W[0]
    similarity = W[3]
    n = cap.shape[0]
    power = X.power
    for i in range(n):
        power[i] = cap[i] * arms[i] if alive[i] else 0.0
    n_att = 0
    n_det = 0
    last = -1
    for a in range(n):
        if not (alive[a] and not busy[a] and u[1, a] < P.opportunity * revis[a]):
            continue
        perceived = power[a] * np.exp(P.misperception * normal(u[2, a]))
        own_cap = cap[a]
        best = -np.inf
        victim = 0
        first = True
        for j in range(n):
            if reach[a, j] and alive[j]:
                e = utility(P, perceived, power[j], own_cap, cap[j], similarity[a, j])
            else:
                e = -np.inf
            if first or e > best:
                best = e
                victim = j
                first = False
        if not (np.isfinite(best) and best > P.threshold):
            continue
        assess(P, W, A, S, X, a, victim, u[5])
        last = a * n + victim
        with_arr = foresee(P, X, S, a, victim, perceived, best, similarity, A[9], A[8])
        if with_arr > P.threshold:
            X.att_agg[n_att] = a
            X.att_vic[n_att] = victim
            X.att_key[n_att] = u[3, a]
            n_att += 1
        else:
            n_det += 1
            if keep_crises:
                log = room(log, n_log)
                log_deterred(P, W, A, S, X, log[n_log], rep, t, a, victim)
                n_log += 1
    return n_att, n_det, log, n_log, last
