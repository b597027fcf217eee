"""Cached runs: a chapter, a sandbox comparison, one replication, one crisis.

``st.cache_resource`` keeps one copy per argument set for the server's life
(results are read, never changed, so no copy is needed), so a second student
asking for the same chapter gets it at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import streamlit as st

from collsec.dashboard import runs
from collsec.dashboard.chapters import CaseVariant, chapter
from collsec.history.cases import CasePrediction
from collsec.results import Comparison, SimulationResult
from collsec.scenario import Scenario, scenario_from_data


@st.cache_resource(max_entries=32, show_spinner=False)
def chapter_run(
    number: int, seed: int, _progress: Callable[[int], None] | None = None
) -> Comparison:
    """A synthetic chapter's runs."""
    return runs.run_chapter(chapter(number), seed, _progress)


@st.cache_resource(max_entries=16, show_spinner=False)
def sandbox_run(
    scenario_json: str, regimes: tuple[str, ...], _progress: Callable[[int], None] | None = None
) -> Comparison:
    """A sandbox comparison, keyed by the scenario's JSON."""
    sc: Scenario = scenario_from_data(json.loads(scenario_json))
    return runs.run_sandbox(sc, regimes, _progress)


@st.cache_resource(max_entries=32, show_spinner=False)
def replication_run(scenario_json: str, regime: str, replication: int) -> SimulationResult:
    """One replication again with per-state detail (the network)."""
    sc = scenario_from_data(json.loads(scenario_json))
    return runs.one_replication(sc, regime, replication)


@st.cache_resource(max_entries=128, show_spinner=False)
def case_prediction(cv: CaseVariant, data_dir: str | None) -> CasePrediction:
    """One crisis predicted (``collsec case``)."""
    return runs.predict_variant(cv, data_dir)
