"""Phase 2, arming: Richardson-type arms dynamics driven by threat (C13, C14).

A state's threat is the strongest hostile military power that can reach it,
weighed by how far its interests lie from the state's own, against its own
power plus the help it expects from its arrangements (credibility x obligation
x the reachable members' power). Arms rise with the log of the threat over a
tolerance, in proportion to the room left below the ceiling, and shrink toward
the minimum by a yearly fatigue term (Richardson 1960):
``a += response * max(log(threat / tolerance), 0) * (a_max - a) - decay * (a - a_min)``.
Credible collective security raises expected help, lowers threat and so arms:
the mechanism behind C13 and C14.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from collsec.arrangements import CS
from collsec.state import RATIO_FLOOR, TINY, Batch

FloatArray = NDArray[np.float64]


def expected_support(b: Batch, p: FloatArray) -> FloatArray:
    """Help each state expects from its arrangements, ``[r, n]``.

    Parameters
    ----------
    b
        The batch.
    p
        Military power, ``[r, n]``.
    """
    r, n = p.shape
    w = b.world
    support = np.zeros((r, n))
    if not b.arrangements:
        return support
    for k, a in enumerate(b.arrangements):
        mem = b.member[:, k, :] & b.alive
        covered = mem | (a.scope[None, :] if a.kind == CS else False)
        helpers = np.concatenate([np.where(mem, p, 0.0), np.zeros((r, 1))], axis=1)
        # Contiguous before summing: the fancy-indexed view puts replications on
        # the fastest axis, and numpy then sums in an order that depends on the
        # batch size, so a replication's arms would differ in the last bit
        # between a batch of 1 and a batch of 64.
        reachable = np.ascontiguousarray(helpers[:, w.reach_in]).sum(axis=-1)  # [r, n]
        weight = b.cred[:, k : k + 1] * a.obligation
        support += np.where(covered, weight * reachable, 0.0)
    return support


def arm(b: Batch) -> FloatArray:
    """Update every living state's arms share; return each state's threat ratio.

    Returns
    -------
    numpy.ndarray
        Threat ratio ``[r, n]`` (hostile power over own power plus expected help).
    """
    prm = b.params.arming
    p = b.power()
    r = p.shape[0]
    padded = np.concatenate([p, np.zeros((r, 1))], axis=1)
    hostile = (padded[:, b.world.reach_in] * b.hostility_in[None, :, :]).max(axis=-1)
    own = p + expected_support(b, p)
    threat = hostile / np.maximum(own, np.maximum(RATIO_FLOOR * hostile, TINY))
    # Richardson (1960): arms grow with the threat (here its log-ratio to the
    # tolerance, toward the ceiling) and shrink by fatigue every year, so an
    # arms race settles where the two balance instead of at the ceiling.
    excess = np.log(np.maximum(threat, 1e-12) / prm.tolerance)
    up = prm.response * np.maximum(excess, 0.0) * (prm.arms_max - b.arms)
    down = prm.decay * (b.arms - prm.arms_min)
    b.arms = np.where(
        b.alive, np.minimum(np.maximum(b.arms + up - down, prm.arms_min), prm.arms_max), b.arms
    )
    return threat
