"""Power-law MLE with a KS-chosen cutoff (Clauset, Shalizi and Newman 2009)."""

from __future__ import annotations

import numpy as np
import pytest

from collsec.errors import CollsecError
from collsec.history.powerlaw import ccdf, fit_power_law


@pytest.mark.parametrize("alpha", [1.5, 2.0, 2.5])
def test_recovers_alpha_of_a_pareto_sample(alpha: float) -> None:
    rng = np.random.default_rng(11)
    x = 3.0 * (1.0 - rng.random(4000)) ** (-1.0 / (alpha - 1.0))
    fit = fit_power_law(x)
    assert abs(fit.alpha - alpha) < 0.1


def test_finds_the_cutoff_above_a_non_power_law_body() -> None:
    rng = np.random.default_rng(12)
    body = rng.uniform(0.1, 1.0, 2000)
    tail = (1.0 - rng.random(2000)) ** (-1.0 / 1.5)  # alpha 2.5 above 1
    fit = fit_power_law(np.concatenate([body, tail]))
    assert abs(fit.alpha - 2.5) < 0.1
    assert fit.xmin >= 0.9


def test_too_few_values() -> None:
    with pytest.raises(CollsecError, match="at least 10 positive values"):
        fit_power_law([1.0, 2.0, 3.0])


def test_ccdf_starts_at_one_and_falls() -> None:
    x, p = ccdf([3.0, 1.0, 2.0])
    assert list(x) == [1.0, 2.0, 3.0]
    assert p[0] == 1.0
    assert (np.diff(p) < 0).all()
