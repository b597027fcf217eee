"""The declared schema of every data file: columns, dtypes, missing codes, ranges.

Each data set is declared once here. The loaders read the CSV as text, convert
each declared column to its dtype, turn the COW missing-value codes into
``<NA>`` where the code means "no value" (-9 missing, -8 not applicable,
-7 ongoing), and check ranges. Column names are kept as in the source file so
that a user can check a value against the codebook.

Codes that carry meaning are kept, not turned into NA: in the IGO extract -1
means "the IGO did not exist (or the state was not in the system)", which is
different from "not a member" (0) and from missing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["SCHEMAS", "Column", "Schema"]

Dtype = str  # one of "Int64", "Float64", "string", "boolean"

_MISSING = (-9,)
_WAR_NA = (-9, -8, -7)
_YEAR_MAX = 2100


@dataclass(frozen=True)
class Column:
    """One declared column.

    Attributes
    ----------
    name
        The column name in the source file.
    dtype
        ``"Int64"``, ``"Float64"``, ``"string"`` or ``"boolean"`` (from 0/1).
    na_codes
        Values that mean "no value" and become ``<NA>``.
    nullable
        Whether ``<NA>`` is allowed after the codes are turned into NA.
    min, max
        Inclusive bounds for numbers (NA is not checked).
    allowed
        The only values allowed (NA is not checked).
    """

    name: str
    dtype: Dtype = "Int64"
    na_codes: tuple[int | str, ...] = ()
    nullable: bool = True
    min: float | None = None
    max: float | None = None
    allowed: frozenset[int] | None = None


@dataclass(frozen=True)
class Schema:
    """The declared layout of one data file.

    Attributes
    ----------
    columns
        The declared columns, in output order. Undeclared columns are dropped.
    unique
        Columns whose combination must be unique, checked after ``postprocess``.
    postprocess
        A function applied to the validated table before it is cached.
    """

    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()
    postprocess: Callable[[pd.DataFrame], pd.DataFrame] | None = field(default=None, compare=False)

    def fingerprint(self) -> str:
        """Return a short hash of the declaration, so a changed schema misses the cache."""
        post = getattr(self.postprocess, "__qualname__", "")
        text = repr((self.columns, self.unique, post))
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def _ccode(name: str = "ccode", nullable: bool = False) -> Column:
    return Column(name, "Int64", nullable=nullable, min=1, max=999)


def _year(name: str = "year", nullable: bool = False, na_codes: tuple[int, ...] = ()) -> Column:
    return Column(name, "Int64", na_codes=na_codes, nullable=nullable, min=1000, max=_YEAR_MAX)


def _month(name: str, na_codes: tuple[int, ...] = ()) -> Column:
    return Column(name, "Int64", na_codes=na_codes, min=1, max=12)


def _day(name: str, na_codes: tuple[int, ...] = ()) -> Column:
    return Column(name, "Int64", na_codes=na_codes, min=1, max=31)


def _flag(name: str, nullable: bool = True) -> Column:
    return Column(name, "boolean", nullable=nullable)


def _text(name: str, nullable: bool = False, na_codes: tuple[int | str, ...] = ()) -> Column:
    return Column(name, "string", na_codes=na_codes, nullable=nullable)


def _nmc() -> Schema:
    # -9 is "missing" in every component; cinc is never missing in the release.
    comps = [Column(c, "Float64", na_codes=_MISSING, min=0) for c in ("milex", "milper")]
    comps += [Column(c, "Float64", na_codes=_MISSING, min=0) for c in ("irst", "pec")]
    comps += [Column(c, "Float64", na_codes=_MISSING, min=0) for c in ("tpop", "upop")]
    return Schema(
        columns=(
            _text("stateabb"),
            _ccode(),
            _year(),
            *comps,
            Column("cinc", "Float64", nullable=False, min=0, max=1),
            Column("version", "Int64"),
        ),
        unique=("ccode", "year"),
    )


def _spell_dates(prefix_st: str, prefix_end: str) -> tuple[Column, ...]:
    return (
        _year(f"{prefix_st}year"),
        _month(f"{prefix_st}month"),
        _day(f"{prefix_st}day"),
        _year(f"{prefix_end}year"),
        _month(f"{prefix_end}month"),
        _day(f"{prefix_end}day"),
    )


def _alliance(yearly: bool) -> Schema:
    cols = [
        Column("version4id", "Int64", nullable=False, min=1),
        _ccode(),
        _text("state_name"),
        _day("all_st_day"),
        _month("all_st_month"),
        _year("all_st_year"),
        _day("all_end_day"),
        _month("all_end_month"),
        _year("all_end_year", nullable=True),
        _text("ss_type"),
        _day("mem_st_day"),
        _month("mem_st_month"),
        _year("mem_st_year"),
        _day("mem_end_day"),
        _month("mem_end_month"),
        _year("mem_end_year", nullable=True),
        _flag("left_censor"),
        _flag("right_censor"),
        _flag("defense"),
        _flag("neutrality"),
        _flag("nonaggression"),
        _flag("entente"),
    ]
    if yearly:
        cols.append(_year())
    cols.append(Column("version", "Float64"))
    unique = ("version4id", "ccode", "year") if yearly else ()
    return Schema(columns=tuple(cols), unique=unique)


def _min_conttype_per_dyad_year(df: pd.DataFrame) -> pd.DataFrame:
    # 58 directed dyad-years appear twice with two types because the type
    # changed within the year (e.g. NTH-FRN 1830: 1 and 5). PROVENANCE.md: keep
    # the closest (minimum) type, so each directed dyad-year is one row.
    df = df.sort_values(["state1no", "state2no", "year", "conttype"], kind="stable")
    df = df.drop_duplicates(["state1no", "state2no", "year"], keep="first")
    return df.reset_index(drop=True)


SCHEMAS: dict[str, Schema] = {
    "nmc_v6": _nmc(),
    "nmc_v7": _nmc(),
    "states": Schema(
        columns=(
            _text("stateabb"),
            _ccode(),
            _text("statenme"),
            *_spell_dates("st", "end"),
            Column("version", "Int64"),
        ),
        unique=("ccode", "styear"),
    ),
    "system": Schema(
        columns=(_text("stateabb"), _ccode(), _year(), Column("version", "Int64")),
        unique=("ccode", "year"),
    ),
    "majors": Schema(
        columns=(
            _text("stateabb"),
            _ccode(),
            *_spell_dates("st", "end"),
            Column("version", "Int64"),
        ),
        unique=("ccode", "styear"),
    ),
    "alliances_member_yearly": _alliance(yearly=True),
    "alliances_member": _alliance(yearly=False),
    "contiguity": Schema(
        columns=(
            Column("dyad", "Int64", nullable=False, min=1),
            _ccode("state1no"),
            _text("state1ab"),
            _ccode("state2no"),
            _text("state2ab"),
            _year(),
            Column("conttype", "Int64", nullable=False, min=1, max=5),
            Column("version", "Float64"),
        ),
        unique=("state1no", "state2no", "year"),
        postprocess=_min_conttype_per_dyad_year,
    ),
    "contiguity_master": Schema(
        columns=(
            Column("dyad", "Int64", nullable=False, min=1),
            _ccode("statelno"),
            _text("statelab"),
            _ccode("statehno"),
            _text("statehab"),
            Column("conttype", "Int64", nullable=False, min=1, max=5),
            Column("begin", "Int64", nullable=False, min=100001, max=_YEAR_MAX * 100 + 12),
            Column("end", "Int64", nullable=False, min=100001, max=_YEAR_MAX * 100 + 12),
            _text("notes", nullable=True),
            Column("version", "Float64"),
        ),
    ),
    "igo_league_un": Schema(
        columns=(
            _ccode(),
            _year(),
            _text("stateabb", nullable=True),
            _text("igo_state", nullable=True),
            # 1 member, 0 not a member, -1 IGO not in existence / state not in
            # the system; 2 associate, 3 observer may occur in other releases.
            Column("lon", "Int64", nullable=False, allowed=frozenset({-1, 0, 1, 2, 3})),
            Column("un", "Int64", nullable=False, allowed=frozenset({-1, 0, 1, 2, 3})),
        ),
        unique=("ccode", "year"),
    ),
    "wars": Schema(
        columns=(
            Column("WarNum", "Int64", nullable=False, min=1),
            _text("WarName"),
            Column("WarType", "Int64", min=1),
            _ccode(),
            _text("StateName"),
            Column("Side", "Int64", nullable=False, allowed=frozenset({1, 2})),
            _month("StartMonth1", _WAR_NA),
            _day("StartDay1", _WAR_NA),
            _year("StartYear1"),
            _month("EndMonth1", _WAR_NA),
            _day("EndDay1", _WAR_NA),
            _year("EndYear1", nullable=True, na_codes=_WAR_NA),
            _month("StartMonth2", _WAR_NA),
            _day("StartDay2", _WAR_NA),
            _year("StartYear2", nullable=True, na_codes=_WAR_NA),
            _month("EndMonth2", _WAR_NA),
            _day("EndDay2", _WAR_NA),
            _year("EndYear2", nullable=True, na_codes=_WAR_NA),
            # Can list two states ("404, 410"), so kept as text.
            _text("TransFrom", nullable=True, na_codes=("-8", "-9")),
            Column("WhereFought", "Int64", na_codes=_WAR_NA, min=1),
            Column("Initiator", "Int64", allowed=frozenset({1, 2})),
            Column("Outcome", "Int64", na_codes=_WAR_NA, min=1, max=8),
            Column("TransTo", "Int64", na_codes=_WAR_NA, min=1),
            Column("BatDeath", "Int64", na_codes=_WAR_NA, min=0),
            Column("Version", "Int64"),
        ),
        unique=("WarNum", "ccode", "Side"),
    ),
    "midb": Schema(
        columns=(
            Column("dispnum", "Int64", nullable=False, min=1),
            _text("stabb"),
            _ccode(),
            _day("stday", _MISSING),
            _month("stmon", _MISSING),
            _year("styear"),
            _day("endday", _MISSING),
            _month("endmon", _MISSING),
            _year("endyear"),
            _flag("sidea", nullable=False),
            _flag("revstate"),
            Column("revtype1", "Int64", na_codes=_MISSING, min=0, max=4),
            Column("revtype2", "Int64", na_codes=_MISSING, min=0, max=4),
            Column("fatality", "Int64", na_codes=_MISSING, min=0, max=6),
            Column("fatalpre", "Int64", na_codes=_MISSING, min=0),
            Column("hiact", "Int64", na_codes=_MISSING, min=0, max=21),
            Column("hostlev", "Int64", na_codes=_MISSING, min=1, max=5),
            _flag("orig"),
            Column("version", "Int64"),
        ),
    ),
}
