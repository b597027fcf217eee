"""``collsec case`` in Bahasa Indonesia: the world's data years translated, each note once (QA)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collsec import cli
from collsec.history.cases import Case, predict_case
from collsec.history.worlds import describe_data_years
from collsec.i18n import set_language

PAST_THE_DATA = ["case", "--org", "un", "--year", "2022", "--aggressor", "365", "--victim", "369"]
"""A crisis after every COW data set ends: each data set's last year stands in, with a note."""


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    set_language(None)


def test_case_in_indonesian_says_the_data_years_in_indonesian_and_each_note_once(
    cow_dir: Path,
) -> None:
    set_language("id")
    args = [*PAST_THE_DATA, "--draws", "20", "--data-dir", str(cow_dir)]
    r = CliRunner().invoke(cli.app, args, terminal_width=250)
    assert r.exit_code == 0, r.output
    years = "Perserikatan Bangsa-Bangsa, 2022: tahun data COW yang dipakai: sistem negara"
    assert years in r.output
    for english in ("United Nations", "COW data of the years", "system:", "alliances:"):
        assert english not in r.output, english
    note = "aliansi: Formal Alliances: member-year v4.1 berakhir pada 2012"
    assert r.output.count(note) == 1, r.output


def test_the_notes_follow_the_language_of_each_call(cow_dir: Path) -> None:
    """The world is cached; its notes are not served in the language of the first call."""
    case = Case(2022, "un", ("365",), "369")
    set_language("en")
    english = predict_case(case, data_dir=cow_dir, draws=5)
    set_language("id")
    indonesian = predict_case(case, data_dir=cow_dir, draws=5)
    assert any(n.startswith("alliances: ") and "ends in 2012" in n for n in english.notes)
    assert any(n.startswith("aliansi: ") and "berakhir pada 2012" in n for n in indonesian.notes)
    assert english.data_years == indonesian.data_years
    assert english.data_years["alliances"] == 2012


def test_describe_data_years_in_both_languages() -> None:
    years = [("system", 1935), ("capabilities", 1934), ("org", 1935)]
    set_language("en")
    assert describe_data_years("league", 1935, years) == (
        "League of Nations, 1935: COW data of the years system 1935, capabilities 1934, org 1935"
    )
    set_language("id")
    assert describe_data_years("league", 1935, years) == (
        "Liga Bangsa-Bangsa, 1935: tahun data COW yang dipakai: "
        "sistem negara 1935, kapabilitas 1934, keanggotaan 1935"
    )
