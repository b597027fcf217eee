"""``collsec case`` takes a state as its COW code or its COW abbreviation (QA)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

CASE = ["case", "--org", "league", "--year", "1935", "--draws", "20", "--seed", "1", "--json"]


def _case(history_app: typer.Typer, cow_dir: Path, *args: str) -> typer.testing.Result:
    return CliRunner().invoke(history_app, [*CASE, "--data-dir", str(cow_dir), *args])


def test_abbreviations_in_any_case_are_the_numeric_codes(
    history_app: typer.Typer, cow_dir: Path
) -> None:
    by_code = _case(history_app, cow_dir, "--aggressor", "325;255", "--victim", "530")
    by_abb = _case(history_app, cow_dir, "--aggressor", "ita,gmy", "--victim", "ETH")
    assert by_code.exit_code == 0, by_code.output
    assert by_abb.exit_code == 0, by_abb.output
    assert json.loads(by_abb.stdout)["case"]["aggressors"] == ["325", "255"]
    assert json.loads(by_abb.stdout) == json.loads(by_code.stdout)


def test_members_and_absentees_take_abbreviations(history_app: typer.Typer, cow_dir: Path) -> None:
    args = ["--aggressor", "ITA", "--victim", "ETH", "--add-member", "usa", "--absent", "FRN"]
    r = _case(history_app, cow_dir, *args, "--remove-member", "UKG")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["case"]["absent"] == ["220"]


@pytest.mark.parametrize(
    ("args", "option", "near"),
    [
        (["--aggressor", "ITL", "--victim", "ETH"], "--aggressor", "ITA (Italy, 325)"),
        (["--aggressor", "Italy", "--victim", "ETH"], "--aggressor", "ITA (Italy, 325)"),
        (["--aggressor", "ITA", "--victim", "ETHX"], "--victim", "ETH (Ethiopia, 530)"),
        (
            ["--aggressor", "ITA", "--victim", "ETH", "--add-member", "UAS"],
            "--add-member",
            "USA (United States of America, 2)",
        ),
    ],
)
def test_an_unknown_state_names_the_option_and_the_near_matches(
    history_app: typer.Typer, cow_dir: Path, args: list[str], option: str, near: str
) -> None:
    r = _case(history_app, cow_dir, *args)
    assert r.exit_code == 2, r.output
    assert f"error: {option}: " in r.output
    assert "neither a COW state code nor a COW abbreviation" in r.output
    assert near in r.output
    assert "Traceback" not in r.output


def test_nothing_near_is_said_plainly(history_app: typer.Typer, cow_dir: Path) -> None:
    r = _case(history_app, cow_dir, "--aggressor", "QQQQQQ", "--victim", "ETH")
    assert r.exit_code == 2, r.output
    assert "error: --aggressor: 'QQQQQQ' is neither a COW state code nor" in r.output
    assert "near" not in r.output


def test_an_unknown_numeric_code_names_the_option(history_app: typer.Typer, cow_dir: Path) -> None:
    r = _case(history_app, cow_dir, "--aggressor", "325", "--victim", "999")
    assert r.exit_code == 2, r.output
    assert "error: --victim: unknown state code '999'" in r.output
