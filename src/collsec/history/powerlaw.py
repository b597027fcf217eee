"""Power-law fit of war severity (Clauset, Shalizi and Newman 2009).

For a continuous power law ``p(x) ~ x^-alpha`` above a cutoff ``xmin``, the
maximum-likelihood exponent is

    alpha = 1 + n / sum_i ln(x_i / xmin)        (x_i >= xmin, n of them),

and ``xmin`` is the candidate (each distinct observed value) that minimises
the Kolmogorov-Smirnov distance between the data above it and the fitted
law's CDF ``1 - (x / xmin)^(1 - alpha)``. The standard error of alpha is
``(alpha - 1) / sqrt(n)``. Written for this project from the paper's formulas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from collsec.errors import CollsecError
from collsec.i18n import _

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PowerLawFit:
    """A fitted power-law tail.

    Attributes
    ----------
    alpha
        The exponent of the density.
    xmin
        The lower cutoff.
    n_tail, n
        Observations at or above ``xmin``, and in all.
    ks
        The Kolmogorov-Smirnov distance of the tail to the fit.
    se
        Standard error of ``alpha``.
    """

    alpha: float
    xmin: float
    n_tail: int
    n: int
    ks: float
    se: float

    def to_dict(self) -> dict[str, float | int]:
        """Plain data."""
        return {
            "alpha": self.alpha,
            "xmin": self.xmin,
            "n_tail": self.n_tail,
            "n": self.n,
            "ks": self.ks,
            "se": self.se,
        }


def alpha_mle(x: FloatArray, xmin: float) -> float:
    """Continuous MLE of alpha for the values of sorted ``x`` at or above ``xmin``."""
    tail = x[x >= xmin]
    s = float(np.log(tail / xmin).sum())
    return float("inf") if s <= 0 else 1.0 + len(tail) / s


def _ks(tail: FloatArray, xmin: float, alpha: float) -> float:
    """KS distance between a sorted tail and the power law's CDF."""
    n = len(tail)
    model = 1.0 - (tail / xmin) ** (1.0 - alpha)
    upper = np.arange(1, n + 1) / n
    lower = np.arange(0, n) / n
    return float(max(np.abs(upper - model).max(), np.abs(model - lower).max()))


def fit_power_law(values: ArrayLike, *, min_tail: int = 10) -> PowerLawFit:
    """Fit a power-law tail by maximum likelihood with a KS-chosen cutoff.

    Parameters
    ----------
    values
        Positive observations (non-positive and non-finite values are dropped).
    min_tail
        Fewest observations a candidate cutoff must leave in the tail.

    Returns
    -------
    PowerLawFit

    Raises
    ------
    CollsecError
        If fewer than ``min_tail`` positive observations are given.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = (1 - rng.random(5000)) ** (-1 / 1.5)   # Pareto, alpha = 2.5
    >>> round(fit_power_law(x).alpha, 1)
    2.5
    """
    x = np.asarray(values, dtype=float)
    x = np.sort(x[np.isfinite(x) & (x > 0)])
    n = len(x)
    if n < max(min_tail, 2):
        raise CollsecError(
            _("need at least {need} positive values to fit a power law, got {got}").format(
                need=max(min_tail, 2), got=n
            ),
            field="severity",
        )
    candidates = np.unique(x[: n - min_tail + 1])
    best: tuple[float, float, float, int] | None = None
    for xmin in candidates:
        tail = x[x >= xmin]
        a = alpha_mle(x, float(xmin))
        if not np.isfinite(a):
            continue
        d = _ks(tail, float(xmin), a)
        if best is None or d < best[0]:
            best = (d, float(xmin), a, len(tail))
    if best is None:
        raise CollsecError(_("all values are equal: no power-law tail to fit"), field="severity")
    d, xmin, a, k = best
    return PowerLawFit(alpha=a, xmin=xmin, n_tail=k, n=n, ks=d, se=float((a - 1.0) / np.sqrt(k)))


def ccdf(values: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Empirical complementary CDF: sorted values and ``P(X >= x)``."""
    x = np.sort(np.asarray(values, dtype=float))
    x = x[np.isfinite(x) & (x > 0)]
    p: FloatArray = 1.0 - np.arange(len(x)) / max(len(x), 1)
    return x, p
