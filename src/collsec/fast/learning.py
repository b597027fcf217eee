"""Phase 6, learning and membership, compiled: the twin of :mod:`collsec.phases.learning`.

:func:`learn` moves each covering arrangement's credibility toward its record
in a crisis and lets an undefended victim or a designated aggressor leave;
:func:`enter` lets threatened outsiders join open arrangements.
"""

from __future__ import annotations

from typing import Any

from collsec.arrangements import CD
from collsec.fast._sum import psum
from collsec.fast.kernels import inline


@inline
def learn(
    P: Any,
    A: Any,
    S: Any,
    X: Any,
    agg: int,
    vic: int,
    uu: Any,
    needed: bool,
    is_military: bool,
    is_sanctions: bool,
) -> None:
    """Credibility and exits after one crisis (``phases.learning.learn``)."""
    member = S[5]
    cred = S[6]
    ideal = A[7]
    k = member.shape[0]
    x_covers = X.covers
    x_designated = X.designated
    if k > 0:
        for j in range(k):
            des = x_designated[j]
            if is_military and des:
                record = 1.0
            elif is_sanctions and des:
                record = P.sanction_credit
            else:
                record = 0.0
            if x_covers[j] and needed:
                cred[j] = cred[j] + P.credibility_rate * (record - cred[j])
        for j in range(k):
            des = x_designated[j]
            undefended = (
                x_covers[j] and needed and not (is_military or is_sanctions) and not ideal[j]
            )
            v_member = member[j, vic]
            leave_v = v_member and undefended and uu[3, vic] < P.exit_undefended
            a_member = member[j, agg]
            leave_a = a_member and des and not ideal[j] and uu[3, agg] < P.exit_designated
            member[j, vic] = v_member and not leave_v
            member[j, agg] = member[j, agg] and not leave_a


@inline
def enter(P: Any, W: Any, A: Any, S: Any, X: Any, u_entry: Any) -> None:
    """Threatened outsiders join open arrangements (``phases.learning.enter``).

    Reads this year's threat ratios from ``X.threat`` (the arming phase).
    """
    alive = S[3]
    member = S[5]
    cred = S[6]
    sim_t = W[8]
    kind = A[0]
    ideal = A[7]
    open_ = A[10]
    n = alive.shape[0]
    k = member.shape[0]
    threat = X.threat
    x_mask = X.mask
    x_t1 = X.t1
    x_t2 = X.t2
    close = x_t1
    for j in range(k):
        if not open_[j] or ideal[j]:
            continue
        rate = P.join_rate * cred[j]
        cnt = 0
        if kind[j] == CD:
            for i in range(n):
                if member[j, i]:
                    cnt += 1
            t2 = x_t2
            for i in range(n):
                for m in range(n):
                    t2[m] = sim_t[i, m] if member[j, m] else 0.0
                close[i] = psum(t2) / max(cnt, 1)
        for i in range(n):
            want = alive[i] and threat[i] > P.a_tolerance and not member[j, i] and u_entry[i] < rate
            if kind[j] == CD:
                want = want and close[i] >= P.min_similarity
            x_mask[i] = want
        for i in range(n):
            member[j, i] = member[j, i] or x_mask[i]
