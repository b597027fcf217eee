"""Proper scores of probability forecasts, and the logistic models fitted by them.

- :func:`brier`: the mean squared difference between the forecast probability
  of each category and its 0/1 outcome, **summed over the categories** (Brier
  1950). For a yes/no outcome it is reported on the usual one-probability
  scale, ``mean (p - y)^2`` (half the two-category sum), in [0, 1]; for
  ``action`` (none, sanctions, military) it is the three-category sum, in
  [0, 2].
- :func:`log_loss`: the mean of ``-ln p`` of the category that happened, each
  probability clipped to ``[EPS, 1]`` so a forecast of 0 for what happened
  costs ``-ln EPS`` (6.9), not infinity.
- :func:`skill`: the Brier skill score ``1 - BS / BS_ref`` against a
  reference forecast, here the base rates (the frequency of each category in a
  book or in its training years, :func:`base_rates`): 0 is no better than the
  base rates, 1 perfect, negative worse.

:class:`Logit` is a binary logistic regression (scikit-learn, L2 penalty on
standardised inputs, coefficients returned on the raw scale, so they can be
written to ``params.yaml`` and read back without scikit-learn's objects);
:class:`ActionLogit` is the action model: a logit for *any measure* and one
for *military, given a measure*, so that ``P(none) = 1 - m``,
``P(sanctions) = m (1 - f)``, ``P(military) = m f``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from collsec.errors import CollsecError
from collsec.i18n import _

EPS = 1e-3
"""Floor of a probability inside the log loss."""

DEFAULT_C = 1.0
"""Inverse L2 strength on standardised inputs (scikit-learn's default): enough to
keep a fit finite when a rare category is separated by one input."""

FloatArray = NDArray[np.float64]


def brier(
    probs: Sequence[Mapping[str, float]], outcomes: Sequence[str], classes: Sequence[str]
) -> float:
    """Brier score of forecasts over ``classes`` (one probability for two classes)."""
    if not outcomes:
        return math.nan
    total = 0.0
    for p, y in zip(probs, outcomes, strict=True):
        total += sum((float(p.get(c, 0.0)) - (1.0 if y == c else 0.0)) ** 2 for c in classes)
    out = total / len(outcomes)
    return out / 2 if len(classes) == 2 else out


def log_loss(probs: Sequence[Mapping[str, float]], outcomes: Sequence[str]) -> float:
    """Mean ``-ln p`` of the category that happened (probabilities floored at ``EPS``)."""
    if not outcomes:
        return math.nan
    return -sum(
        math.log(max(float(p.get(y, 0.0)), EPS)) for p, y in zip(probs, outcomes, strict=True)
    ) / len(outcomes)


def skill(score: float, reference: float) -> float | None:
    """Brier skill score ``1 - score / reference`` (None when the reference is 0 or undefined)."""
    if not math.isfinite(score) or not math.isfinite(reference) or reference <= 0:
        return None
    return 1.0 - score / reference


def base_rates(outcomes: Sequence[str], classes: Sequence[str]) -> dict[str, float]:
    """Frequency of each class among ``outcomes``."""
    if not outcomes:
        raise CollsecError(_("no rows to read base rates from"), field="base_rates")
    n = len(outcomes)
    return {c: sum(y == c for y in outcomes) / n for c in classes}


def binary(p_yes: float) -> dict[str, float]:
    """``{"yes": p, "no": 1 - p}``."""
    return {"yes": float(p_yes), "no": 1.0 - float(p_yes)}


def scores(
    probs: Sequence[Mapping[str, float]],
    outcomes: Sequence[str],
    classes: Sequence[str],
    reference: Mapping[str, float],
) -> dict[str, float | None]:
    """Brier score, log loss and Brier skill score against the constant ``reference``."""
    bs = brier(probs, outcomes, classes)
    ref = brier([reference] * len(outcomes), outcomes, classes)
    return {
        "brier": bs,
        "log_loss": log_loss(probs, outcomes),
        "brier_skill": skill(bs, ref),
        "brier_reference": ref,
    }


def _sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -35.0, 35.0))), dtype=np.float64)


@dataclass(frozen=True)
class Logit:
    """``P(y) = 1 / (1 + exp(-(intercept + sum_k coef_k x_k)))`` on named raw inputs."""

    intercept: float
    coef: dict[str, float] = field(default_factory=dict)

    def predict(self, rows: Sequence[Mapping[str, float]]) -> FloatArray:
        """Probability of a yes for each row (a mapping with every input named in ``coef``)."""
        z = np.full(len(rows), self.intercept, dtype=np.float64)
        for k, b in self.coef.items():
            z += b * np.array([float(r[k]) for r in rows], dtype=np.float64)
        return _sigmoid(z)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (``params.yaml``)."""
        return {"intercept": self.intercept, "coef": dict(self.coef)}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], source: str = "params") -> Logit:
        """Read :meth:`to_dict`'s form; a bad value is a :class:`CollsecError`."""
        try:
            return cls(
                intercept=float(raw["intercept"]),
                coef={str(k): float(v) for k, v in (raw.get("coef") or {}).items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise CollsecError(
                _("not a logit (intercept and coef): {reason}").format(reason=err), source=source
            ) from None


def fit_logit(
    rows: Sequence[Mapping[str, float]],
    y: Sequence[bool],
    inputs: Sequence[str],
    *,
    C: float | None = DEFAULT_C,
) -> Logit:
    """Fit a binary logit by penalised maximum likelihood (log loss).

    Parameters
    ----------
    rows
        One mapping of inputs per row.
    y
        The outcome of each row.
    inputs
        The names of the inputs to use (an input with no variation gets 0; one
        missing from some row is left out).
    C
        Inverse L2 strength on standardised inputs; ``None``: unpenalised.

    Returns
    -------
    Logit
        Coefficients on the raw inputs. With one outcome only (all yes or all
        no) the fit is the constant ``logit`` of the share, clipped to
        ``[EPS, 1 - EPS]``.
    """
    from sklearn.linear_model import LogisticRegression

    # An input the data could not give for every row (no UNGA file) is left out.
    inputs = [k for k in inputs if all(k in r for r in rows)]
    yy = np.asarray([bool(v) for v in y], dtype=np.int64)
    if len(yy) == 0:
        raise CollsecError(_("no rows to fit on"), field="fit")
    share = float(np.clip(yy.mean(), EPS, 1 - EPS))
    if yy.min() == yy.max():
        return Logit(math.log(share / (1 - share)), dict.fromkeys(inputs, 0.0))
    X = np.array([[float(r[k]) for k in inputs] for r in rows], dtype=np.float64).reshape(
        len(rows), len(inputs)
    )
    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    live = sd > 1e-12
    if not live.any():
        return Logit(math.log(share / (1 - share)), dict.fromkeys(inputs, 0.0))
    Z = (X[:, live] - mu[live]) / sd[live]
    model = LogisticRegression(C=np.inf if C is None else C, max_iter=1000)
    model.fit(Z, yy)
    b_std = model.coef_[0]
    coef = dict.fromkeys(inputs, 0.0)
    names = [k for k, on in zip(inputs, live, strict=True) if on]
    for k, b, s in zip(names, b_std, sd[live], strict=True):
        coef[k] = float(b / s)
    intercept = float(model.intercept_[0] - sum(b_std * mu[live] / sd[live]))
    return Logit(intercept, coef)


ACTION_CLASSES: tuple[str, ...] = ("none", "sanctions", "military")


@dataclass(frozen=True)
class ActionLogit:
    """Any measure, then military given a measure."""

    measure: Logit
    military: Logit

    def predict(self, rows: Sequence[Mapping[str, float]]) -> list[dict[str, float]]:
        """``{"none", "sanctions", "military"}`` probabilities per row."""
        m = self.measure.predict(rows)
        f = self.military.predict(rows)
        return [
            {"none": float(1 - a), "sanctions": float(a * (1 - b)), "military": float(a * b)}
            for a, b in zip(m, f, strict=True)
        ]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (``params.yaml``)."""
        return {"measure": self.measure.to_dict(), "military": self.military.to_dict()}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], source: str = "params") -> ActionLogit:
        """Read :meth:`to_dict`'s form."""
        if not isinstance(raw, Mapping) or "measure" not in raw or "military" not in raw:
            raise CollsecError(_("needs 'measure' and 'military'"), source=source, field="action")
        return cls(
            Logit.from_dict(raw["measure"], source), Logit.from_dict(raw["military"], source)
        )


def fit_action(
    rows: Sequence[Mapping[str, float]],
    actions: Sequence[str],
    measure_inputs: Sequence[str],
    military_inputs: Sequence[str],
    *,
    C: float | None = DEFAULT_C,
) -> ActionLogit:
    """Fit :class:`ActionLogit`; the military logit on the rows with a measure only.

    With no measure in the rows, the military logit is the constant share of
    military among all measures: 0.5 (nothing to learn from).
    """
    measured = [a != "none" for a in actions]
    measure = fit_logit(rows, measured, measure_inputs, C=C)
    sub = [(r, a == "military") for r, a, m in zip(rows, actions, measured, strict=True) if m]
    if sub:
        military = fit_logit([r for r, _m in sub], [m for _r, m in sub], military_inputs, C=C)
    else:
        military = Logit(0.0, dict.fromkeys(military_inputs, 0.0))
    return ActionLogit(measure, military)
