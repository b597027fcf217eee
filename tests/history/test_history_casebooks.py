"""The bundled held-out case books (issue 3): each is bundled, well formed,
disjoint from the development book and from every other bundled book, and
coded with states of the COW system of each year.

Nothing here predicts a row: ``heldout3`` stays unscored until a model change
is ready to be tested (``src/collsec/history/casebooks/heldout3.md``), so these
tests read the files and the COW system list only.
"""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import pytest

from collsec import data
from collsec.history.cases import ACTIONS, REVERSALS
from collsec.history.evaluate import BUNDLED_BOOKS, BookRow, read_case_book, resolve_case_book


def _book(name: str) -> list[BookRow]:
    return read_case_book(resolve_case_book(name))


def _key(r: BookRow) -> tuple[int, tuple[str, ...], str]:
    # What identifies a crisis apart from its id: the same war under another
    # id would leak between the books.
    return (r.case.year, r.case.aggressors, r.case.victim)


def _disjoint(a: list[BookRow], b: list[BookRow]) -> None:
    assert {r.case.id for r in a}.isdisjoint({r.case.id for r in b})
    assert {_key(r) for r in a}.isdisjoint({_key(r) for r in b})


@pytest.mark.parametrize("name", BUNDLED_BOOKS)
def test_bundled_name_resolves_to_the_packaged_book(name: str) -> None:
    path = resolve_case_book(name)
    assert path.name == f"{name}.csv"
    assert path.exists()


@pytest.mark.parametrize("name", BUNDLED_BOOKS)
def test_book_is_well_formed(name: str) -> None:
    rows = _book(name)
    assert len(rows) >= 15
    assert len({r.case.id for r in rows}) == len(rows)
    assert all(r.recorded["designated"] in ("yes", "no") for r in rows)
    assert all(r.recorded["action"] in ACTIONS for r in rows)
    assert all(r.recorded["reversed"] in REVERSALS for r in rows)
    # The League for crises to 1945, the UN from 1946.
    for r in rows:
        assert r.case.org == ("league" if r.case.year <= 1945 else "un"), r.case.id


@pytest.mark.parametrize("name", BUNDLED_BOOKS)
def test_book_is_disjoint_from_the_development_book(name: str, case_book: Path) -> None:
    _disjoint(_book(name), read_case_book(case_book))


@pytest.mark.parametrize(("one", "other"), list(itertools.combinations(BUNDLED_BOOKS, 2)))
def test_bundled_books_are_disjoint(one: str, other: str) -> None:
    _disjoint(_book(one), _book(other))


@pytest.mark.parametrize("name", BUNDLED_BOOKS)
def test_every_code_is_in_the_state_system_of_its_year(name: str, cow_dir: Path) -> None:
    missing = []
    with warnings.catch_warnings():
        # A year after the data's last uses its last year, as the model does.
        warnings.simplefilter("ignore", data.DataYearWarning)
        for r in _book(name):
            members = data.system_members(r.case.year, data_dir=cow_dir)["ccode"]
            system = {str(int(c)) for c in members}
            codes = (*r.case.aggressors, r.case.victim, *r.case.absent)
            missing += [(r.case.id, c) for c in codes if c not in system]
    assert missing == []
