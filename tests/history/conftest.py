"""Fixtures of the history tests: the shared COW folder, or a skip that says why."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

REPO = Path(__file__).resolve().parents[2]
COW = (REPO / ".." / "shared" / "data" / "cow").resolve()
CASES = (REPO / ".." / "shared" / "data" / "cases" / "cases.csv").resolve()


@pytest.fixture(scope="session")
def cow_dir() -> Path:
    """The Correlates of War folder; skips the test when it is absent."""
    if not (COW / "states2016.csv").exists():
        pytest.skip(f"Correlates of War data folder not found at {COW}")
    return COW


@pytest.fixture(scope="session")
def case_book() -> Path:
    """The development case book; skips the test when it is absent."""
    if not CASES.exists():
        pytest.skip(f"development case book not found at {CASES}")
    return CASES


@pytest.fixture
def history_app() -> typer.Typer:
    """A Typer app with the history commands registered (``case``, ``cases ...``)."""
    from collsec.history.commands import register

    app = typer.Typer()

    @app.callback()
    def _root() -> None:  # a group, so that subcommands keep their names
        """collsec (test app)."""

    register(app)
    return app
