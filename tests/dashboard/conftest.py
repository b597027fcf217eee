"""Fixtures of the dashboard tests: the app script, the COW folder, a clean cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("streamlit")

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "src" / "collsec" / "dashboard" / "app.py"
COW = (REPO / ".." / "shared" / "data" / "cow").resolve()


@pytest.fixture
def app_path() -> str:
    """The Streamlit script of the dashboard."""
    return str(APP)


@pytest.fixture
def cow_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The Correlates of War folder as the app's data folder; skips when absent."""
    if not (COW / "states2016.csv").exists():
        pytest.skip(f"Correlates of War data folder not found at {COW}")
    monkeypatch.setenv("COLLSEC_DATA_DIR", str(COW))
    return COW


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts with the server's language English and leaves no language set."""
    from collsec.i18n import set_language, set_thread_language

    monkeypatch.setenv("COLLSEC_LANG", "en")
    yield
    set_thread_language(None)
    set_language(None)
