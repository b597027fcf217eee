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
    for j in range(k):
        for i in range(n):
            helpers[i] = power[i] if (member[j, i] and alive[i]) else 0.0
        helpers[n] = 0.0
        weight = cred[j] * obligation[j]
        for i in range(n):
            for d in range(dmax):
                gathered[d] = helpers[reach_in[i, d]]
            reachable = psum(gathered)
            mem = member[j, i] and alive[i]
            covered_i = mem or (scope[j, i] and kind[j] == CS)
            support[i] += weight * reachable if covered_i else 0.0
    threat = X.threat
    for i in range(n):
        hostile = padded[reach_in[i, 0]] * hostility_in[i, 0]
        for d in range(1, dmax):
            hostile = max(hostile, padded[reach_in[i, d]] * hostility_in[i, d])
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
