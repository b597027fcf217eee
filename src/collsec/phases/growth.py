"""Phase 1, growth: capability grows log-normally; arms and sanctions cost growth.

``log c(t+1) - log c(t) = mean + drift_i - arms_cost * a_i - sanctions_i + noise * z``.
Guns cost butter, so an arms race has a long-run price in capability (C14,
Richardson 1960); sanctions cut the growth of the state they target.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from collsec.state import Batch


def grow(b: Batch, z: NDArray[np.float64]) -> None:
    """Grow every living state's capability by one year.

    Parameters
    ----------
    b
        The batch, updated in place.
    z
        Standard normal shocks, ``[r, n]``, from each replication's generator.
    """
    g = b.params.growth
    sanctioned = b.sanction_left > 0
    rate = (
        g.mean
        + b.world.drift[None, :]
        - g.arms_cost * b.arms
        - np.where(sanctioned, b.sanction_pen, 0.0)
        + g.noise * z
    )
    b.cap = np.where(b.alive, b.cap * np.exp(rate), b.cap)
    b.sanction_left = np.where(sanctioned, b.sanction_left - 1, 0)
