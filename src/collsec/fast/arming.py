"""Phase 2, arming, compiled: the twin of :mod:`collsec.phases.arming`.

A state's threat is the strongest hostile power that can reach it against its
own power plus the help it expects from its arrangements; arms rise with the
log of the threat over a tolerance and decay toward the minimum (Richardson).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from collsec.arrangements import CS
from collsec.fast._sum import psum
from collsec.fast.kernels import inline
from collsec.state import RATIO_FLOOR, TINY


@inline
def _at(v: Any, idx: Any, row: int, d: int) -> float:
    # reach_in's entries are never negative: read as unsigned, the gathers
    # skip the wraparound of negative indices.
    return v[np.uint64(idx[row, d])]


@inline
def strongest(padded: Any, idx: Any, hostility: Any, row: int, m: int) -> float:
    """``max(padded[idx[row, d]] * hostility[row, d] for d < m)``, four maxima
    at a time instead of one chain. Every product is a power (at least +0)
    times a hostility (one less a similarity, at least +0), never NaN and
    never -0, so the maximum does not depend on the order it is taken in."""
    h0 = _at(padded, idx, row, 0) * hostility[row, 0]
    h1 = h0
    h2 = h0
    h3 = h0
    d = 1
    while d + 4 <= m:
        h0 = max(h0, _at(padded, idx, row, d) * hostility[row, d])
        h1 = max(h1, _at(padded, idx, row, d + 1) * hostility[row, d + 1])
        h2 = max(h2, _at(padded, idx, row, d + 2) * hostility[row, d + 2])
        h3 = max(h3, _at(padded, idx, row, d + 3) * hostility[row, d + 3])
        d += 4
    while d < m:
        h0 = max(h0, _at(padded, idx, row, d) * hostility[row, d])
        d += 1
    return max(max(h0, h1), max(h2, h3))


@inline
def _sm(v: Any, p: Any, hs: Any, idx: Any, row: int, d: int) -> tuple[float, float]:
    q = np.uint64(idx[row, d])
    return v[q], p[q] * hs[row, d]


@inline
def sum_and_strongest(v: Any, p: Any, hs: Any, idx: Any, row: int, m: int) -> tuple[float, float]:
    """``psum(v[idx[row, :m]])`` and ``strongest(p, idx, hs, row, m)`` in one
    pass over the row's indices, for ``m <= 128``: the sum in NumPy's order
    (:func:`collsec.fast._sum._pw0`, eight accumulators) without gathering
    into a buffer, the maximum in eight chains."""
    if m < 8:
        res = -0.0
        h = -np.inf
        for d in range(m):
            a, b = _sm(v, p, hs, idx, row, d)
            res += a
            h = max(h, b)
        return 0.0 + res, h
    r0, h0 = _sm(v, p, hs, idx, row, 0)
    r1, h1 = _sm(v, p, hs, idx, row, 1)
    r2, h2 = _sm(v, p, hs, idx, row, 2)
    r3, h3 = _sm(v, p, hs, idx, row, 3)
    r4, h4 = _sm(v, p, hs, idx, row, 4)
    r5, h5 = _sm(v, p, hs, idx, row, 5)
    r6, h6 = _sm(v, p, hs, idx, row, 6)
    r7, h7 = _sm(v, p, hs, idx, row, 7)
    d = 8
    top = m - m % 8
    while d < top:
        a, b = _sm(v, p, hs, idx, row, d)
        r0 += a
        h0 = max(h0, b)
        a, b = _sm(v, p, hs, idx, row, d + 1)
        r1 += a
        h1 = max(h1, b)
        a, b = _sm(v, p, hs, idx, row, d + 2)
        r2 += a
        h2 = max(h2, b)
        a, b = _sm(v, p, hs, idx, row, d + 3)
        r3 += a
        h3 = max(h3, b)
        a, b = _sm(v, p, hs, idx, row, d + 4)
        r4 += a
        h4 = max(h4, b)
        a, b = _sm(v, p, hs, idx, row, d + 5)
        r5 += a
        h5 = max(h5, b)
        a, b = _sm(v, p, hs, idx, row, d + 6)
        r6 += a
        h6 = max(h6, b)
        a, b = _sm(v, p, hs, idx, row, d + 7)
        r7 += a
        h7 = max(h7, b)
        d += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    h = max(max(max(h0, h1), max(h2, h3)), max(max(h4, h5), max(h6, h7)))
    while d < m:
        a, b = _sm(v, p, hs, idx, row, d)
        res += a
        h = max(h, b)
        d += 1
    return 0.0 + res, h


@inline
def arm(P: Any, W: Any, A: Any, S: Any, X: Any) -> None:
    """Update every living state's arms share (``phases.arming.arm``).

    Leaves each state's power before arming in ``X.power`` and its threat
    ratio in ``X.threat`` (the entry phase reads it).
    """
    cap = S[0]
    arms = S[1]
    alive = S[3]
    member = S[5]
    cred = S[6]
    reach_in = W[1]
    hostility_in = W[2]
    kind = A[0]
    scope = A[13]
    obligation = A[14]
    n = cap.shape[0]
    k = member.shape[0]
    power = X.power
    padded = X.padded
    for i in range(n):
        power[i] = cap[i] * arms[i] if alive[i] else 0.0
        padded[i] = power[i]
    padded[n] = 0.0
    # Expected support (phases.arming.expected_support).
    support = X.support
    for i in range(n):
        support[i] = 0.0
    helpers = X.helpers
    gathered = X.gathered
    dmax = reach_in.shape[1]
    # Each state's hostile power does not depend on the arrangement: it is
    # gathered with the first arrangement's support, in the same pass over
    # the state's reach (X.t1 holds it), or on its own with no arrangement.
    fused = k > 0 and 0 < dmax <= 128
    for j in range(k):
        for i in range(n):
            helpers[i] = power[i] if (member[j, i] and alive[i]) else 0.0
        helpers[n] = 0.0
        weight = cred[j] * obligation[j]
        for i in range(n):
            if fused:
                reachable, hostile = sum_and_strongest(
                    helpers, padded, hostility_in, reach_in, i, dmax
                )
                if j == 0:
                    X.t1[i] = hostile
            else:
                for d in range(dmax):
                    gathered[d] = helpers[reach_in[i, d]]
                reachable = psum(gathered)
            # (an uncovered state's support gains 0.0: skipped, the same bits)
            if (member[j, i] and alive[i]) or (scope[j, i] and kind[j] == CS):
                support[i] += weight * reachable
    threat = X.threat
    for i in range(n):
        hostile = X.t1[i] if fused else strongest(padded, reach_in, hostility_in, i, dmax)
        own = power[i] + support[i]
        threat[i] = hostile / max(own, max(RATIO_FLOOR * hostile, TINY))
        ratio = max(threat[i], 1e-12) / P.a_tolerance
        # log(ratio) <= 0 below the tolerance, where arms only decay: the log
        # is skipped there (the same bits: the rise is zero either way).
        excess = 0.0 if ratio <= 1.0 else np.log(ratio)
        up = P.a_response * max(excess, 0.0) * (P.a_max - arms[i])
        down = P.a_decay * (arms[i] - P.a_min)
        if alive[i]:
            arms[i] = min(max(arms[i] + up - down, P.a_min), P.a_max)
