"""Hostile input to case, cases evaluate and the history parameter file (issue 13, 4, 8, 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collsec import cli
from collsec.errors import CollsecError
from collsec.history.cases import Case, predict_case
from collsec.history.evaluate import evaluate_book
from collsec.history.worlds import load_history_params

HEADER = "id,year,organization,aggressors,victim,absent,designated,action,reversed"
KOREA_ARGS = ["--org", "un", "--year", "1950", "--aggressor", "731", "--victim", "732"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLLSEC_LANG": "en", "COLUMNS": "200"})


def _refused(res: object, *words: str) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    for w in words:
        assert w in res.stderr, (w, res.stderr)


def test_a_params_file_changes_only_what_it_names(tmp_path: Path) -> None:
    bundled = load_history_params()
    path = tmp_path / "p.yaml"
    path.write_text("draws: 300\noverrides:\n  params.response.vote_noise: 0.3\n", encoding="utf-8")
    mine = load_history_params(path)
    assert mine.draws == 300
    # Everything else is the bundled set's, not the built-in defaults.
    assert mine.power_measure == bundled.power_measure == "usable"
    assert mine.capability_lag == bundled.capability_lag == 1
    assert mine.instruments == bundled.instruments
    assert mine.overrides == {**bundled.overrides, "params.response.vote_noise": 0.3}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("draw: 500\n", ("'draw'", "draws")),
        ("overides:\n  params.response.vote_bias: 1\n", ("'overides'",)),
        ("name: a scenario\nworld:\n  kind: generated\n", ("'name'",)),
        ("", ("is empty",)),
        ("draws: true\n", ("draws", "not a whole number")),
        ("draws: 2.5\n", ("draws", "not a whole number")),
        ("draws: 0\n", ("draws", "from 1 to")),
        ("reversed_cutoffs:\n  lo: 0.1\n", ("reversed_cutoffs.lo",)),
        ("tie_strength:\n  defense: .nan\n", ("tie_strength.defense", "not a number")),
        ("overrides:\n  params.respons.vote_bias: 1\n", ("overrides.params.respons",)),
        ("overrides: [1, 2]\n", ("overrides", "mapping")),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", ("nested",)),
    ],
)
def test_a_bad_params_file_names_the_key(tmp_path: Path, text: str, words: tuple[str, ...]) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CollsecError) as info:
        load_history_params(path)
    assert str(path) in info.value.render()
    for w in words:
        assert w in info.value.render()


def test_case_and_cases_evaluate_refuse_an_unknown_key(runner: CliRunner, tmp_path: Path) -> None:
    params = tmp_path / "p.yaml"
    params.write_text("draw: 50\n", encoding="utf-8")
    book = tmp_path / "book.csv"
    book.write_text(HEADER + "\nkorea,1950,un,731,732,365,yes,military,partial\n")
    _refused(runner.invoke(cli.app, ["case", *KOREA_ARGS, "--params", str(params)]), "'draw'")
    res = runner.invoke(cli.app, ["cases", "evaluate", str(book), "--params", str(params)])
    _refused(res, "'draw'")


def test_case_draws_zero_is_refused_not_read_as_the_default(
    runner: CliRunner, cow_dir: Path
) -> None:
    for draws in ("0", "-3"):
        res = runner.invoke(cli.app, ["case", *KOREA_ARGS, "--draws", draws])
        _refused(res, "--draws", "from 1 to")
    with pytest.raises(CollsecError, match="from 1 to"):
        predict_case(Case(1950, "un", ("731",), "732"), data_dir=cow_dir, draws=0)


def test_a_book_with_a_header_and_no_rows_exits_2_in_both_modes(
    runner: CliRunner, tmp_path: Path
) -> None:
    book = tmp_path / "book.csv"
    book.write_text(HEADER + "\n", encoding="utf-8")
    for extra in ([], ["--json"]):
        res = runner.invoke(cli.app, ["cases", "evaluate", str(book), *extra])
        _refused(res, "book.csv", "no rows")
        assert res.stdout == ""
    with pytest.raises(CollsecError, match="at least one case"):
        evaluate_book([])


def test_a_book_row_past_the_data_warns_as_case_does(
    runner: CliRunner, tmp_path: Path, cow_dir: Path
) -> None:
    book = tmp_path / "book.csv"
    book.write_text(HEADER + "\nfuture,3000,un,2,365,,no,none,no\n", encoding="utf-8")
    args = ["cases", "evaluate", str(book), "--data-dir", str(cow_dir), "--json"]
    res = runner.invoke(cli.app, args)
    assert res.exit_code == 0, res.output
    assert "book.csv:2 (future)" in res.stderr
    assert "using 2016 for 3000" in res.stderr
    assert json.loads(res.stdout)["cases"][0]["id"] == "future"
    # The same notes `case` shows in its description, from the same warnings.
    pred = predict_case(Case(3000, "un", ("2",), "365"), data_dir=cow_dir, draws=20)
    assert any("using 2016 for 3000" in n for n in pred.notes)
    assert all(n in pred.description for n in pred.notes)
    inside = predict_case(Case(1950, "un", ("731",), "732"), data_dir=cow_dir, draws=20)
    assert inside.notes == []


def test_removing_a_state_that_is_not_a_member_is_refused(runner: CliRunner, cow_dir: Path) -> None:
    """QA 22: --remove-member of a non-member was accepted silently (the US in the League)."""
    args = ["case", "--org", "league", "--year", "1935", "--aggressor", "325", "--victim", "530"]
    res = runner.invoke(cli.app, [*args, "--remove-member", "2", "--data-dir", str(cow_dir)])
    assert res.exit_code == 2, res.output
    assert "not a member" in res.output
    assert "--remove-member: " in res.output  # the option, not the field behind it


def test_case_prints_its_labels_in_indonesian(runner: CliRunner, cow_dir: Path) -> None:
    """QA 6: the outcome, action, role and rule words follow the language (JSON keeps codes)."""
    from collsec.i18n import set_language

    args = [*KOREA_ARGS, "--absent", "365", "--draws", "200", "--data-dir", str(cow_dir)]
    set_language("id")
    try:
        res = runner.invoke(cli.app, ["case", *args])
    finally:
        set_language(None)
    assert res.exit_code == 0, res.output
    assert "aturan dewan" in res.stdout
    assert "militer" in res.stdout
    assert "menetapkan" in res.stdout
    as_json = runner.invoke(cli.app, ["case", *args, "--json"])
    assert json.loads(as_json.stdout)["rule"] == "council"


def test_an_empty_case_book_file_says_it_is_empty(runner: CliRunner, tmp_path: Path) -> None:
    """QA 10: a zero-byte book was reported as a missing 'id' column."""
    book = tmp_path / "empty.csv"
    book.write_text("", encoding="utf-8")
    res = runner.invoke(cli.app, ["cases", "evaluate", str(book)])
    assert res.exit_code == 2, res.output
    assert "empty.csv" in res.output
    assert "is empty" in res.output
    assert "missing column" not in res.output
