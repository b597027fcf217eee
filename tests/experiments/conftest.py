"""Tiny sweep specs for the experiments tests: few states, short horizons, few replications."""

from __future__ import annotations

from typing import Any

import pytest

TINY_BASE: dict[str, Any] = {
    "name": "tiny-sweep-base",
    "world": {"kind": "generated", "n_states": 6, "n_regions": 2, "n_great_powers": 1},
    "arrangements": [{"name": "cs", "kind": "collective_security", "members": "all"}],
}


def tiny_spec_data(**changes: Any) -> dict[str, Any]:
    """A grid sweep of 4 cells x 2 regimes x 3 replications over 12 years."""
    data: dict[str, Any] = {
        "name": "tiny",
        "base": TINY_BASE,
        "parameters": [
            {"path": "arrangements[0].obligation", "name": "obligation", "low": 0.2, "high": 0.9},
            {"path": "params.response.free_riding", "low": 0.0, "high": 1.0},
        ],
        "design": {"kind": "grid", "points": 2},
        "regimes": ["self_help", "as_specified"],
        "replications": 3,
        "years": 12,
        "seed": 5,
        "chunk": {"cells": 1, "replications": 2},
    }
    data.update(changes)
    return data


@pytest.fixture
def tiny_spec() -> Any:
    """The :func:`tiny_spec_data` builder."""
    return tiny_spec_data
