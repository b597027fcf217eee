"""Phase 1, growth, compiled: the twin of :mod:`collsec.phases.growth`.

``log c(t+1) - log c(t) = mean + drift_i - arms_cost * a_i - sanctions_i + noise * z``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from collsec.fast.kernels import inline, normal


@inline
def grow(P: Any, W: Any, S: Any, u_growth: Any) -> None:
    """Grow every living state's capability by one year (``phases.growth.grow``)."""
    cap = S[0]
    arms = S[1]
    alive = S[3]
    sanction_left = S[7]
    sanction_pen = S[8]
    drift = W[5]
    for i in range(cap.shape[0]):
        sanctioned = sanction_left[i] > 0
        rate = (
            P.g_mean
            + drift[i]
            - P.g_arms_cost * arms[i]
            - (sanction_pen[i] if sanctioned else 0.0)
            + P.g_noise * normal(u_growth[i])
        )
        if alive[i]:
            cap[i] = cap[i] * np.exp(rate)
        sanction_left[i] = sanction_left[i] - 1 if sanctioned else 0
