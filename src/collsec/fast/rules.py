"""The aggression rule, compiled: the twin of :class:`collsec.rules.ExpectedUtility`.

(The designation rules and the participation doctrines are compiled where
they are used, in :mod:`collsec.fast.response`.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from collsec.fast.kernels import inline


@inline
def win(attack: float, defence: float, g: float) -> float:
    """Contest success function: the chance the side with power ``attack`` wins."""
    ratio = max(defence, 1e-300) / max(attack, 1e-300)
    # NumPy's ``array ** scalar`` takes these exponents by a cheaper route.
    if g == 2.0:
        pw = ratio * ratio
    elif g == 0.5:
        pw = np.sqrt(ratio)
    elif g == 1.0:
        pw = ratio
    else:
        pw = ratio**g
    return 1.0 / (1.0 + pw)


@inline
def utility(P: Any, attack: float, defence: float, own: float, target: float, sim: float) -> float:
    """Expected utility of attacking (``rules.ExpectedUtility.utility``)."""
    p = win(attack, defence, P.decisiveness)
    gain = P.conquest_share * (1.0 - P.dissimilarity_weight * sim) * target / own
    return (
        p * gain
        - (1.0 - p) * P.defeat_penalty
        - P.war_cost * 2.0 * defence / max(attack + defence, 1e-300)
    )
