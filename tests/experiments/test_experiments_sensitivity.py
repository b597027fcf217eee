"""Sobol indices of war, deterrence and weak-state survival (C13) against stored values.

The stored values come from scripts/regenerate_sobol.py only; a deliberate
model change that moves them is committed together with the regenerated file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from collsec.experiments import load_spec, plan, run_sweep, spec_from_data
from collsec.experiments.sensitivity import (
    COLUMNS,
    RECOMMENDED_SAMPLES,
    analyze,
    check_sobol,
    few_samples_warning,
    save_plot,
)
from collsec.experiments.spec import SpecError

HERE = Path(__file__).resolve().parent


def test_sobol_indices_match_the_stored_values(tmp_path: Path) -> None:
    p = plan(load_spec(HERE / "sobol_spec.yaml"))
    stored = json.loads((HERE / "sobol_expected.json").read_text(encoding="utf-8"))
    if stored["spec_hash"] != p.hash:
        pytest.fail(
            "the base scenario or package version changed since sobol_expected.json was "
            "stored: check the change, then run scripts/regenerate_sobol.py"
        )
    run_sweep(p, tmp_path / "out")
    got = analyze(p, tmp_path / "out")
    assert list(got.columns) == COLUMNS
    assert len(got) == len(stored["indices"])
    for row, want in zip(got.to_dict("records"), stored["indices"], strict=True):
        assert (row["metric"], row["parameter"]) == (want["metric"], want["parameter"])
        for k in ("S1", "S1_conf", "ST", "ST_conf"):
            if want[k] is None:
                assert np.isnan(row[k])
            else:
                assert row[k] == pytest.approx(want[k], rel=1e-8, abs=1e-12)
    png = save_plot(got, tmp_path / "indices.png")
    assert png.stat().st_size > 0


def test_sensitivity_needs_a_sobol_design(tiny_spec) -> None:
    with pytest.raises(SpecError, match="needs design kind 'sobol'"):
        check_sobol(plan(spec_from_data(tiny_spec())))


@pytest.mark.parametrize(
    ("samples", "warned"),
    [(8, True), (RECOMMENDED_SAMPLES // 2, True), (RECOMMENDED_SAMPLES, False)],
)
def test_a_design_with_few_base_samples_is_warned(tiny_spec, samples: int, warned: bool) -> None:
    spec = spec_from_data(tiny_spec(design={"kind": "sobol", "samples": samples}))
    said = few_samples_warning(plan(spec))
    assert (said is not None) == warned
    if said is not None:
        assert f"only {samples} base samples" in said
        assert f"at least {RECOMMENDED_SAMPLES}" in said


def test_a_design_that_is_not_sobol_is_not_warned_about_samples(tiny_spec) -> None:
    assert few_samples_warning(plan(spec_from_data(tiny_spec()))) is None
