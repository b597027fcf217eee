"""The third held-out case book (issue 3): well formed, disjoint from the
development book and both earlier held-out books, coded with states of the COW
system of each year, and bundled.

Nothing here predicts a row: the book stays unscored until a model change is
ready to be tested (``src/collsec/history/casebooks/heldout3.md``), so these
tests read the file and the COW system list only.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from collsec import data
from collsec.history.cases import ACTIONS, REVERSALS
from collsec.history.evaluate import BUNDLED_BOOKS, BookRow, read_case_book, resolve_case_book


def _book() -> list[BookRow]:
    return read_case_book(resolve_case_book("heldout3"))


def _key(r: BookRow) -> tuple[int, tuple[str, ...], str]:
    # What identifies a crisis apart from its id: the same war under another
    # id would leak between the books.
    return (r.case.year, r.case.aggressors, r.case.victim)


def test_bundled_name_resolves_to_the_packaged_book() -> None:
    assert "heldout3" in BUNDLED_BOOKS
    path = resolve_case_book("heldout3")
    assert path.name == "heldout3.csv"
    assert path.exists()


def test_book_parses_with_at_least_fifteen_rows() -> None:
    assert len(_book()) >= 15


def test_ids_are_unique_and_labels_in_the_schema() -> None:
    rows = _book()
    assert len({r.case.id for r in rows}) == len(rows)
    assert all(r.recorded["designated"] in ("yes", "no") for r in rows)
    assert all(r.recorded["action"] in ACTIONS for r in rows)
    assert all(r.recorded["reversed"] in REVERSALS for r in rows)


def test_organisation_follows_the_sampling_frame() -> None:
    # League for crises of 1920-1945, the UN from 1946 (heldout3.md).
    for r in _book():
        assert r.case.org == ("league" if r.case.year <= 1945 else "un"), r.case.id


@pytest.mark.parametrize("other", ["heldout", "heldout2"])
def test_book_is_disjoint_from_the_earlier_heldout_books(other: str) -> None:
    rows, first = _book(), read_case_book(resolve_case_book(other))
    assert {r.case.id for r in rows}.isdisjoint({r.case.id for r in first})
    assert {_key(r) for r in rows}.isdisjoint({_key(r) for r in first})


def test_book_is_disjoint_from_the_development_book(case_book: Path) -> None:
    rows, dev = _book(), read_case_book(case_book)
    assert {r.case.id for r in rows}.isdisjoint({r.case.id for r in dev})
    assert {_key(r) for r in rows}.isdisjoint({_key(r) for r in dev})


def test_every_code_is_in_the_state_system_of_its_year(cow_dir: Path) -> None:
    missing = []
    with warnings.catch_warnings():
        # A year after the data's last uses its last year, as the model does.
        warnings.simplefilter("ignore", data.DataYearWarning)
        for r in _book():
            members = data.system_members(r.case.year, data_dir=cow_dir)["ccode"]
            system = {str(int(c)) for c in members}
            codes = (*r.case.aggressors, r.case.victim, *r.case.absent)
            missing += [(r.case.id, c) for c in codes if c not in system]
    assert missing == []
