"""Cached runs: a chapter, a sandbox comparison, one replication, one crisis.

One store per server (``st.cache_resource``), shared by every session, so a
second student asking for the same chapter gets it at once. Results are
read, never changed, so no copy is made. The runs that draw a progress bar
are looked up by hand (:class:`RunStore`): Streamlit's caches replay the
elements a cached function draws, and a progress bar drawn outside the
function cannot be replayed.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

from collsec.dashboard import runs
from collsec.dashboard.chapters import CaseVariant, chapter
from collsec.history.cases import CasePrediction
from collsec.results import Comparison, SimulationResult
from collsec.scenario import scenario_from_data

Progress = Callable[[int], None]


class RunStore:
    """A small least-recently-used store of finished runs, safe across sessions."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The stored value, or None."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: Hashable, value: Any) -> None:
        """Store a value, dropping the least recently used beyond :attr:`size`."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@st.cache_resource
def _store() -> RunStore:
    return RunStore(48)


def _stored(key: Hashable, make: Callable[[], Any]) -> Any:
    """The stored run of ``key``, made (and stored) if it is not there yet."""
    found = _store().get(key)
    if found is None:
        found = make()
        _store().put(key, found)
    return found


def chapter_run(number: int, seed: int, progress: Progress | None = None) -> Comparison:
    """A synthetic chapter's runs."""
    out: Comparison = _stored(
        ("chapter", number, seed), lambda: runs.run_chapter(chapter(number), seed, progress)
    )
    return out


def combination_run(number: int, off: tuple[str, ...], seed: int) -> SimulationResult:
    """A chapter's world with some switches off (the student's own world)."""
    out: SimulationResult = _stored(
        ("combination", number, off, seed),
        lambda: runs.run_combination(chapter(number), off, seed),
    )
    return out


def sandbox_run(
    scenario_json: str, regimes: tuple[str, ...], progress: Progress | None = None
) -> Comparison:
    """A sandbox comparison, keyed by the scenario's JSON."""
    out: Comparison = _stored(
        ("sandbox", scenario_json, regimes),
        lambda: runs.run_sandbox(scenario_from_data(json.loads(scenario_json)), regimes, progress),
    )
    return out


@st.cache_resource(max_entries=32, show_spinner=False)
def replication_run(scenario_json: str, regime: str, replication: int) -> SimulationResult:
    """One replication again with per-state detail (the network)."""
    sc = scenario_from_data(json.loads(scenario_json))
    return runs.one_replication(sc, regime, replication)


@st.cache_resource(max_entries=128, show_spinner=False)
def case_prediction(cv: CaseVariant, data_dir: str | None) -> CasePrediction:
    """One crisis predicted (``collsec case``)."""
    return runs.predict_variant(cv, data_dir)


WARM_ENV = "COLLSEC_DASHBOARD_WARM"
"""Set to ``1`` (``collsec dashboard`` does) to run every guided chapter once at server start."""


def _warm_all() -> None:
    import os
    import warnings

    from collsec.dashboard.chapters import CHAPTERS
    from collsec.errors import CollsecError

    warnings.simplefilter("ignore")
    for ch in CHAPTERS:
        if ch.historical:
            try:
                for cv in ch.cases:
                    runs.predict_variant(cv, os.environ.get("COLLSEC_DATA_DIR"))
            except CollsecError:
                continue  # no data: the page says so when asked
        else:
            chapter_run(ch.number, ch.seed)


@st.cache_resource
def warm() -> threading.Thread | None:
    """Start running every guided chapter in the background, once per server.

    A lecturer's first click then finds its chapter already run (the store
    holds it); each chapter is also fast on its own (``benchmarks/dashboard_runs.py``).
    """
    import os

    if os.environ.get(WARM_ENV) != "1":
        return None
    t = threading.Thread(target=_warm_all, name="collsec-warm", daemon=True)
    t.start()
    return t


@st.cache_resource(show_spinner=False)
def icb_book() -> list[tuple[Any, dict[str, str]]]:
    """The ICB case book (``collsec cases from-icb``), built once from the data folder.

    Rows are read back through :func:`collsec.history.evaluate.read_case_book`,
    so they are validated as any case book is.
    """
    import tempfile
    from pathlib import Path

    from collsec.history.evaluate import read_case_book
    from collsec.history.icb import icb_case_book, write_icb_book

    book = icb_case_book(None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "icb.csv"
        write_icb_book(book, path)
        rows = read_case_book(path)
    return [(r.case, dict(r.recorded)) for r in rows]
