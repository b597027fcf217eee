"""Shared fixtures of the core test suite: tiny hand-made worlds, data path, Hypothesis profile.

Tiny worlds are explicit scenarios of two to four states whose outcome can be
worked out by hand (STYLE.md: "analytic benchmarks"). :func:`tiny_batch` turns
one into a :class:`collsec.state.Batch` the phase functions can be called on
directly, exactly as :func:`collsec.engine.run_batch` builds it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from collsec.api import make_world
from collsec.arrangements import arrangements_for_regime
from collsec.scenario import Scenario, scenario_from_data
from collsec.seeds import replication_generators, root_sequence
from collsec.state import Batch

REPO = Path(__file__).resolve().parents[1]
COW_DIR = (REPO / ".." / "shared" / "data" / "cow").resolve()
"""The shared Correlates of War folder (read-only, never copied into the repo)."""

settings.register_profile(
    "collsec",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.register_profile("collsec-thorough", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("COLLSEC_HYPOTHESIS_PROFILE", "collsec"))


def state(code: str, capability: float, **kw: Any) -> dict[str, Any]:
    """One state of an explicit world, as plain data."""
    return {"code": code, "capability": capability, **kw}


def tiny_scenario(
    states: Sequence[dict[str, Any]],
    *,
    edges: Sequence[tuple[str, str]] | None = None,
    similarity: Sequence[Sequence[float]] | None = None,
    arrangements: Sequence[dict[str, Any]] = (),
    params: dict[str, Any] | None = None,
    horizon: int = 1,
    replications: int = 1,
    seed: int = 1,
    alliances: Sequence[dict[str, Any]] = (),
) -> Scenario:
    """An explicit scenario from plain data; edges default to a complete graph."""
    codes = [s["code"] for s in states]
    if edges is None:
        edges = [(a, b) for i, a in enumerate(codes) for b in codes[i + 1 :]]
    world: dict[str, Any] = {
        "kind": "explicit",
        "states": list(states),
        "edges": [list(e) for e in edges],
        "alliances": list(alliances),
    }
    if similarity is not None:
        world["similarity"] = [list(r) for r in similarity]
    data: dict[str, Any] = {
        "name": "tiny",
        "world": world,
        "arrangements": list(arrangements),
        "params": params or {},
        "horizon": horizon,
        "replications": replications,
        "seed": seed,
    }
    return scenario_from_data(data, source="test")


def tiny_batch(sc: Scenario, regime: str = "as_specified", replications: int = 1) -> Batch:
    """The year-0 batch of ``sc`` under ``regime``, built as the engine builds it."""
    root = root_sequence(sc.seed)
    world = make_world(sc, root)
    arrs = arrangements_for_regime(sc, world, regime)
    gens = replication_generators(root, 0, replications)
    return Batch.start(world, arrs, sc.params, gens)


@pytest.fixture
def make_scenario() -> Any:
    """The :func:`tiny_scenario` builder, for tests (test modules do not import conftest)."""
    return tiny_scenario


@pytest.fixture
def make_batch() -> Any:
    """The :func:`tiny_batch` builder."""
    return tiny_batch


@pytest.fixture
def make_state() -> Any:
    """The :func:`state` builder."""
    return state


@pytest.fixture
def cow_dir() -> Path:
    """The COW folder, or skip with the reason."""
    if not (COW_DIR / "system2016.csv").is_file():
        pytest.skip(f"COW data folder not found at {COW_DIR} (expected <repo>/../shared/data/cow)")
    return COW_DIR


@pytest.fixture
def two_states() -> Scenario:
    """A strong state A (capability 4) and a weak neighbour B (capability 1)."""
    return tiny_scenario(
        [state("A", 4.0, arms=0.1), state("B", 1.0, arms=0.1)],
        similarity=[[1.0, 0.2], [0.2, 1.0]],
    )


@pytest.fixture
def three_states_cs() -> Scenario:
    """Three states in one collective-security arrangement, deciding automatically."""
    return tiny_scenario(
        [state("A", 3.0, arms=0.2), state("B", 1.0, arms=0.2), state("C", 2.0, arms=0.2)],
        similarity=[[1.0, 0.2, 0.2], [0.2, 1.0, 0.8], [0.2, 0.8, 1.0]],
        arrangements=[
            {
                "name": "cs",
                "kind": "collective_security",
                "members": "all",
                "decision_rule": {"kind": "automatic"},
                "obligation": 1.0,
                "credibility": 1.0,
            }
        ],
    )


def finite_or_nan(values: np.ndarray) -> bool:
    """True when every value is finite or NaN (never infinite)."""
    v = np.asarray(values, dtype=float)
    return bool(np.all(np.isfinite(v) | np.isnan(v)))


# --------------------------------------------------------------------------- tiny sweeps

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
