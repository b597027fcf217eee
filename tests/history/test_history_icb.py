"""The ICB case book: each branch of the mapping on hand-made rows, the shared files, the CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from collsec.errors import CollsecError
from collsec.history.commands import register
from collsec.history.evaluate import read_case_book
from collsec.history.icb import (
    ACTIVITY,
    REASONS,
    build_icb_book,
    icb_case_book,
    organisation_of,
    recorded_response,
    reversal,
    write_icb_book,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="module")
def shared() -> Path:
    if not (SHARED / "icb" / "icb1v15.csv").is_file():
        pytest.skip(f"ICB data folder not found at {SHARED / 'icb'}")
    return SHARED


# --- the mapping, branch by branch -------------------------------------------


def test_organisation_by_trigger_year() -> None:
    assert [organisation_of(y) for y in (1919, 1920, 1939, 1940, 1944, 1945, 1999)] == [
        None,
        "league",
        "league",
        None,
        None,
        "un",
        "un",
    ]


@pytest.mark.parametrize(
    ("globorg", "globactm", "globefct", "expected"),
    [
        (1, 1, 1, ("no", "none")),  # no activity
        (5, 2, 3, ("no", "none")),  # discussion
        (5, 3, 3, ("no", "none")),  # fact-finding
        (3, 4, 5, ("no", "none")),  # good offices
        (5, 5, 3, ("yes", "none")),  # condemnation by the Council
        (4, 6, 4, ("yes", "none")),  # call to withdraw by the Assembly
        (3, 5, 3, ("no", "none")),  # condemnation by the Secretary-General: not a finding
        (2, 6, 3, ("no", "none")),  # a lesser organ's call
        (5, 7, 5, ("no", "none")),  # mediation
        (5, 8, 6, ("no", "none")),  # arbitration
        (5, 9, 4, ("yes", "sanctions")),  # sanctions
        (5, 10, 5, ("no", "none")),  # observer group
        (5, 11, 5, ("yes", "military")),  # authorised force
        (5, 12, 5, ("yes", "military")),  # emergency force
        (2, 13, 3, ("no", "none")),  # general/other
        (10, 2, 3, "organ-out-of-range"),
        (5, 14, 3, "activity-out-of-range"),
        (1, 5, 3, "codes-disagree"),
        (5, 1, 3, "codes-disagree"),
        (5, 5, 1, "codes-disagree"),
    ],
)
def test_recorded_response(globorg: int, globactm: int, globefct: int, expected: object) -> None:
    assert recorded_response(globorg, globactm, globefct) == expected


def test_every_activity_code_is_mapped() -> None:
    assert sorted(ACTIVITY) == list(range(1, 14))


@pytest.mark.parametrize(
    ("victim", "aggressor", "years", "expected"),
    [
        (1, 4, 0, "yes"),  # the victim won, the aggressor lost
        (1, None, 1, "yes"),
        (None, 4, 0, "yes"),
        (1, 1, 0, "partial"),  # each claims victory
        (2, 2, 0, "partial"),  # compromise
        (2, None, 0, "partial"),
        (4, 1, 0, "no"),  # the victim lost
        (3, 3, 0, "no"),  # stalemate: nothing undone
        (3, 2, 0, "no"),
        (5, 1, 0, "no"),  # the victim's "other" is unusable; the aggressor won
        (1, 4, 6, "no"),  # undone, but only after more than five years
        (2, 2, 5, "partial"),
        (5, None, 0, None),
        (9, 5, 0, None),
    ],
)
def test_reversal(
    victim: int | None, aggressor: int | None, years: int, expected: str | None
) -> None:
    assert reversal(victim, aggressor, years) == expected


def _crisis(
    crisno: int,
    year: int,
    org: int = 5,
    act: int = 5,
    efct: int = 3,
    term: int | None = None,
    viol: int = 2,
) -> dict:
    return {
        "crisno": crisno,
        "crisname": f"CRISIS {crisno}",
        "yrtrig": year,
        "yrterm": year if term is None else term,
        "globorg": org,
        "globactm": act,
        "globefct": efct,
        "viol": viol,
    }


def _actor(
    crisno: int,
    cracno: int,
    cracid: int,
    trigent: int,
    triggr: int,
    year: int,
    outcom: int,
    month: int = 1,
) -> dict:
    return {
        "crisno": crisno,
        "cracno": cracno,
        "cracid": cracid,
        "actor": f"A{cracid}",
        "trigent": trigent,
        "triggr": triggr,
        "yrtrig": year,
        "motrig": month,
        "datrig": 1,
        "outcom": outcom,
    }


def _frames(crises: list[dict], actors: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    c = pd.DataFrame(crises).astype({"yrterm": "Int64"})
    a = pd.DataFrame(actors).astype({"datrig": "Int64", "motrig": "Int64", "outcom": "Int64"})
    return c, a


def test_book_builder_every_branch() -> None:
    crises, actors = _frames(
        [
            _crisis(1, 1919),  # before the League
            _crisis(2, 1935, org=5, act=9, efct=4),  # a League case: sanctions
            _crisis(3, 1942),  # 1940-44
            _crisis(4, 1950, org=5, act=12, efct=5),  # UN, military
            _crisis(5, 1960, org=1, act=1, efct=1),  # non-state trigger only
            _crisis(6, 1924),  # Hijaz: no COW code
            _crisis(7, 1970),  # aggressor not in the system
            _crisis(8, 1975, org=3, act=5, efct=3),  # victim's outcome unusable
            _crisis(9, 1994, org=4, act=6, efct=4),  # GW 260 after 1990 is COW 255
            _crisis(10, 1980, org=5, act=14, efct=3),  # out-of-range activity
            _crisis(11, 1956, org=4, act=6, efct=3, viol=3),  # political trigger, violent crisis
            _crisis(12, 1957, viol=2),  # political trigger, no serious violence
        ],
        [
            _actor(1, 1, 2, 20, 9, 1919, 1),
            _actor(2, 2, 530, 325, 9, 1935, 4),
            _actor(2, 3, 325, 996, 3, 1935, 1),
            _actor(3, 4, 2, 740, 9, 1942, 1),
            # two victims of crisis 4: the earlier trigger is the one taken
            _actor(4, 5, 2, 731, 9, 1950, 2, month=7),
            _actor(4, 6, 732, 731, 9, 1950, 2, month=6),
            _actor(4, 7, 731, 996, 9, 1950, 4),
            _actor(5, 8, 100, 996, 9, 1960, 1),
            _actor(5, 9, 101, 100, 2, 1960, 1),  # a political act is not aggression
            _actor(6, 10, 671, 670, 9, 1924, 4),
            _actor(7, 11, 2, 999, 9, 1970, 1),
            _actor(8, 12, 94, 93, 9, 1975, 5),
            _actor(9, 13, 2, 260, 7, 1994, 1),
            _actor(10, 14, 2, 20, 9, 1980, 1),
            _actor(11, 15, 310, 365, 2, 1956, 4),
            _actor(12, 16, 310, 365, 2, 1957, 4),
        ],
    )
    book = build_icb_book(crises, actors, in_system=lambda code, year: code != 999)
    by_no = {r["id"].split("-")[0]: r for r in book.rows}
    assert set(by_no) == {"icb002", "icb004", "icb009", "icb011"}
    assert (by_no["icb011"]["aggressors"], by_no["icb011"]["victim"]) == ("365", "310")
    assert {k: by_no["icb002"][k] for k in ("organization", "aggressors", "victim")} == {
        "organization": "league",
        "aggressors": "325",
        "victim": "530",
    }
    assert (by_no["icb002"]["designated"], by_no["icb002"]["action"]) == ("yes", "sanctions")
    assert by_no["icb002"]["reversed"] == "no"  # Ethiopia (the victim) lost
    assert (by_no["icb004"]["victim"], by_no["icb004"]["action"]) == ("732", "military")
    assert by_no["icb004"]["reversed"] == "yes"  # the aggressor (731) was defeated
    assert (by_no["icb009"]["aggressors"], by_no["icb009"]["designated"]) == ("255", "yes")
    kinds = {u["crisno"]: u["kind"] for u in book.unmapped}
    assert kinds == {
        1: "before-league",
        3: "no-organisation",
        5: "no-state-trigger",
        6: "no-cow-code",
        7: "not-in-system",
        8: "no-outcome",
        10: "activity-out-of-range",
        12: "no-state-trigger",
    }
    assert len(book.rows) + len(book.unmapped) == len(crises)
    assert all(u["reason"] and "{" not in u["reason"] for u in book.unmapped)
    assert set(kinds.values()) <= set(REASONS)


def test_years_choose_crises() -> None:
    crises, actors = _frames(
        [_crisis(2, 1935, act=9, efct=4), _crisis(4, 1950, act=12, efct=5)],
        [_actor(2, 1, 530, 325, 9, 1935, 4), _actor(4, 2, 732, 731, 9, 1950, 1)],
    )
    book = build_icb_book(crises, actors, first=1940, last=1950)
    assert [r["year"] for r in book.rows] == ["1950"]
    assert (book.first, book.last) == (1940, 1950)


@pytest.mark.parametrize(
    ("first", "last", "match"),
    [
        (1950, 1940, r"--from 1950 is after --to 1940"),
        (1900, None, r"year 1900 is outside the ICB data \(1935-1950\)"),
        (None, 2030, r"year 2030 is outside the ICB data"),
    ],
)
def test_bad_years(first: int | None, last: int | None, match: str) -> None:
    crises, actors = _frames(
        [_crisis(2, 1935, act=9, efct=4), _crisis(4, 1950, act=12, efct=5)],
        [_actor(2, 1, 530, 325, 9, 1935, 4), _actor(4, 2, 732, 731, 9, 1950, 1)],
    )
    with pytest.raises(CollsecError, match=match):
        build_icb_book(crises, actors, first=first, last=last)


# --- the shared files ----------------------------------------------------------

ROWS = 265
"""Crises of 1918-1999 with a state aggressor and a state victim that map."""


def test_shared_book(shared: Path, tmp_path: Path) -> None:
    book = icb_case_book(shared)
    assert book.variant == "extract"
    assert (book.first, book.last) == (1918, 1999)
    assert len(book.rows) == ROWS
    assert len(book.rows) + len(book.unmapped) == 433  # every crisis accounted for
    assert book.reasons() == {
        "no-state-trigger": 129,
        "no-organisation": 22,
        "before-league": 11,
        "not-in-system": 5,
        "no-cow-code": 1,
    }
    labels = book.labels()
    assert labels["organization"] == {"league": 43, "un": 222}
    assert labels["designated"] == {"no": 201, "yes": 64}
    assert labels["action"] == {"none": 251, "military": 10, "sanctions": 4}
    assert labels["reversed"] == {"no": 140, "partial": 56, "yes": 69}
    path = tmp_path / "icb.csv"
    side = write_icb_book(book, path)
    rows = read_case_book(path)  # the schema cases evaluate reads
    assert len(rows) == ROWS
    abyssinia = next(r for r in rows if r.case.id.startswith("icb047-"))
    assert (abyssinia.case.org, abyssinia.case.aggressors, abyssinia.case.victim) == (
        "league",
        ("325",),
        "530",
    )
    assert (abyssinia.recorded["designated"], abyssinia.recorded["action"]) == ("yes", "sanctions")
    korea = next(r for r in rows if r.case.id.startswith("icb132-"))
    assert (korea.case.org, korea.recorded["action"]) == ("un", "military")
    with side.open(newline="", encoding="utf-8") as fh:
        unmapped = list(csv.DictReader(fh))
    assert len(unmapped) == 433 - ROWS
    assert all(u["reason"] for u in unmapped)


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """collsec (test app)."""

    register(app)
    return app


def test_command_writes_book_and_side_file(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "book.csv"
    res = CliRunner().invoke(
        _app(),
        [
            "cases",
            "from-icb",
            "--data-dir",
            str(shared),
            "--from",
            "1930",
            "--to",
            "1939",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "book.unmapped.csv").is_file()
    rows = read_case_book(out)
    assert rows
    assert all(1930 <= r.case.year <= 1939 and r.case.org == "league" for r in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "1980", "--to", "1970"], "--from 1980 is after --to 1970"),
        (["--from", "1800"], "year 1800 is outside the ICB data (1918-1999)"),
        (["--to", "2019"], "year 2019 is outside the ICB data (1918-1999)"),
    ],
)
def test_command_bad_years_exit_2(
    shared: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    res = CliRunner().invoke(
        _app(),
        ["cases", "from-icb", "--data-dir", str(shared), *args, "-o", str(tmp_path / "b.csv")],
    )
    assert res.exit_code == 2
    assert message in res.output
    assert not (tmp_path / "b.csv").exists()


def test_command_bad_icb_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "icb1v15.csv").write_text("crisno\n1\n")
    env = {
        **os.environ,
        "COLLSEC_CACHE_DIR": str(tmp_path / "cache"),
        "PYTHONPATH": str(REPO / "src"),
    }
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "collsec",
            "cases",
            "from-icb",
            "--data-dir",
            str(tmp_path),
            "-o",
            str(tmp_path / "book.csv"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert res.returncode == 2, res.stderr
    assert "icb1v15.csv" in res.stderr
    assert "Traceback" not in res.stderr


def test_command_unwritable_output_exits_2(shared: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = CliRunner().invoke(
        _app(), ["cases", "from-icb", "--data-dir", str(shared), "-o", str(blocker / "b.csv")]
    )
    assert res.exit_code == 2
    assert "cannot write the results here" in res.output


@pytest.mark.slow
def test_cases_evaluate_reads_the_icb_book(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "icb.csv"
    write_icb_book(icb_case_book(shared), out)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "collsec",
            "cases",
            "evaluate",
            str(out),
            "--data-dir",
            str(shared),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["cases"]) == ROWS
