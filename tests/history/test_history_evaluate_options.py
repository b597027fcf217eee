"""`cases evaluate` says what it fits on, refuses a bad --variant, and `case`
prints the time split's real figures (issue 12, QA)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from collsec.errors import CollsecError
from collsec.history.evaluate import OUT_OF_SAMPLE, check_variant, trust_sentence

HEADER = "id,year,organization,aggressors,victim,absent,designated,action,reversed"
ROWS = (
    "korea,1950,un,731,732,365,yes,military,partial",
    "suez,1956,un,200;220;666,651,,no,none,yes",
)


def _book(tmp_path: Path) -> Path:
    p = tmp_path / "book.csv"
    p.write_text("\n".join((HEADER, *ROWS)) + "\n", encoding="utf-8")
    return p


def test_without_a_split_the_logistic_baseline_says_it_is_in_sample(
    tmp_path: Path, cow_dir: Path, history_app: typer.Typer
) -> None:
    args = ["cases", "evaluate", str(_book(tmp_path)), "--data-dir", str(cow_dir)]
    plain = tmp_path / "plain.yaml"
    plain.write_text("draws: 100\n", encoding="utf-8")
    args += ["--params", str(plain)]
    r = CliRunner().invoke(history_app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    logistic = json.loads(r.stdout)["baselines"]["logistic"]
    assert logistic["in_sample"] is True
    assert logistic["fitted_on"] == "in sample: fitted on these same crises"
    table = CliRunner().invoke(history_app, args)
    assert table.exit_code == 0, table.output
    assert "in sample" in " ".join(table.stdout.split())


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--variant", "nosuch", "--train-to", "1950", "--test-from", "1951"], ["nosuch", "sim+"]),
        (["--variant", "sim"], ["--train-to", "--test-from"]),
    ],
)
def test_a_bad_or_idle_variant_exits_2_naming_the_option(
    tmp_path: Path, history_app: typer.Typer, extra: list[str], words: list[str]
) -> None:
    # Refused before any simulation: no data folder is needed to see the message.
    r = CliRunner().invoke(history_app, ["cases", "evaluate", str(_book(tmp_path)), *extra])
    assert r.exit_code == 2, r.output
    text = " ".join(r.output.split())
    assert "--variant" in text
    for w in words:
        assert w in text


def test_check_variant_accepts_every_model_variant_under_a_split() -> None:
    for v in ("sim", "sim+data", "logistic"):
        check_variant(v, fitted=True)
    check_variant(None, fitted=False)
    with pytest.raises(CollsecError):
        check_variant("sim", fitted=False)


def test_case_prints_the_recorded_time_split_not_placeholders(
    cow_dir: Path, history_app: typer.Typer
) -> None:
    """The sentence carries OUT_OF_SAMPLE's figures, which the slow test in
    test_history_cli recomputes; a table of zeros would fail here."""
    o = OUT_OF_SAMPLE
    assert o["cases"] > 0
    figures = [*o["brier_skill"].values(), *o["logistic_skill"].values()]
    assert any(abs(x) > 1e-3 for x in figures)
    args = ["case", "--org", "un", "--year", "1950", "--aggressor", "731", "--victim", "732"]
    r = CliRunner().invoke(history_app, [*args, "--draws", "100", "--data-dir", str(cow_dir)])
    assert r.exit_code == 0, r.output
    text = " ".join(r.stdout.split())
    assert " ".join(trust_sentence().split()) in text
    for x in figures:
        assert f"{x:+.2f}" in text
    assert f"{o['cases']} crises" in text
