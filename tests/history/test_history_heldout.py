"""The held-out case book: ``collsec cases evaluate heldout`` runs on it, and a
local file wins over a bundled name (issue 3, C4, C5, C9); the books' form is
checked in ``test_history_casebooks.py``.

No accuracy is asserted: the book is a test set, and docs/history.md reports
the measured accuracy honestly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from collsec.history.evaluate import (
    OUTCOMES,
    read_case_book,
    resolve_case_book,
)

REPO = Path(__file__).resolve().parents[2]


def test_an_existing_file_wins_over_a_bundled_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "heldout").write_text("local", encoding="utf-8")
    assert resolve_case_book("heldout") == Path("heldout")


def test_cases_evaluate_heldout_runs_through_the_command(cow_dir: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), COLLSEC_DATA_DIR=str(cow_dir))
    proc = subprocess.run(
        [sys.executable, "-m", "collsec", "cases", "evaluate", "heldout", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out["cases"]) == len(read_case_book(resolve_case_book("heldout")))
    assert set(out["accuracy"]) == {*OUTCOMES, "overall"}
    assert all(0.0 <= v <= 1.0 for v in out["accuracy"].values())
