"""War onsets from real starting conditions (issue 3, item 5; C5, O5, M1).

The record's rate and the model's are counted the same way (each war once,
per state-year); the model also reports the attacks its organisation deterred,
and revisionism can be read from the dispute record (docs/history.md, section 4).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from collsec.errors import CollsecError
from collsec.history.validate import record_onsets, validate
from collsec.history.worlds import load_history_params, mid_revisionism


def test_record_counts_each_war_once_in_its_start_year(cow_dir: Path) -> None:
    # 1939 starts World War II and the Russo-Finnish War (and Nomonhan); the
    # dozens of states that joined World War II later add nothing.
    rec = record_onsets(1939, 1939, cow_dir)
    assert rec["wars"] == 3


def test_mid_revisionism_is_a_yearly_frequency(cow_dir: Path) -> None:
    q = mid_revisionism(1920, [2, 255, 325, 365, 950], 10, data_dir=cow_dir)
    assert q.shape == (5,)
    assert ((q >= 0) & (q <= 1)).all()
    # Each value counts whole years of a ten-year window.
    assert np.allclose(q * 10, np.round(q * 10))
    # Russia (365) was a revisionist party to disputes in most years of 1910-1919.
    assert q[3] >= 0.5


def test_validate_reports_deterred_and_attempted_attacks(cow_dir: Path) -> None:
    v = validate(data_dir=cow_dir, reps=2, seed=3)
    for run in v.runs:
        assert run["attempted_per_state_year"] == pytest.approx(
            run["simulated_per_state_year"] + run["deterred_per_state_year"]
        )


def test_validate_rejects_an_unknown_revisionism_source(cow_dir: Path) -> None:
    with pytest.raises(CollsecError, match="revisionism"):
        validate(data_dir=cow_dir, reps=1, revisionism="guess")


def test_params_file_rejects_an_unknown_revisionism_source(tmp_path: Path) -> None:
    p = tmp_path / "params.yaml"
    p.write_text("revisionism: guess\n", encoding="utf-8")
    with pytest.raises(CollsecError, match="revisionism"):
        load_history_params(p)
