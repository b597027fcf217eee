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
        The only values allowed (NA is not checked): numbers, or for a
        ``"string"`` column the exact texts.
    """

    name: str
    dtype: Dtype = "Int64"
    na_codes: tuple[int | str, ...] = ()
    nullable: bool = True
    min: float | None = None
    max: float | None = None
    allowed: frozenset[int] | frozenset[str] | None = None


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


# --- Crisis, voting and sanctions data (ICB, UNGA ideal points, TIES, UNSC vetoes) ---
#
# ICB codes follow Gleditsch and Ward, not COW (see collsec.data.gwcow); its
# day fields use 66, 77 and 88 for an approximate day (not defined in the v15
# codebook), read as unknown. A few codes lie outside the codebook's ranges in
# the release itself (icb1 crisis 120 has globorg 10; icb2 outcom 6 and 9):
# they are accepted and documented in docs/data.md, so the release loads.

_ICB_DAY_NA = (66, 77, 88)
_ICB_STATE = (995, 996, 997)  # internal, non-state actor, several states (trigent)


def _icb_code(name: str, nullable: bool = False) -> Column:
    # A Gleditsch-Ward state code, or one of the trigger codes 995-997.
    return Column(name, "Int64", nullable=nullable, min=1, max=999)


def _codes(name: str, low: int, high: int, *, extra: tuple[int, ...] = ()) -> Column:
    return Column(name, "Int64", allowed=frozenset(range(low, high + 1)) | frozenset(extra))


def _icb1() -> Schema:
    return Schema(
        columns=(
            Column("crisno", "Int64", nullable=False, min=1),
            _text("crisname"),
            _icb_code("trigent"),
            _year("yrtrig"),
            _month("motrig"),
            _day("datrig", _ICB_DAY_NA),
            _year("yrterm", nullable=True),
            _month("moterm"),
            _day("daterm", _ICB_DAY_NA),
            _codes("viol", 1, 4),
            Column("cractr", "Int64", min=0),
            _codes("soglact", 0, 7),
            _codes("globorg", 0, 5, extra=(10,)),
            _codes("globactm", 0, 13),
            _codes("globefct", 0, 6),
            _codes("globefor", 0, 6),
            _codes("globefac", 0, 14),
            _codes("globpace", 0, 4),
            _codes("subout", 1, 2),
            _codes("forout", 1, 7),
            _codes("exsat", 1, 7),
            _codes("outesr", 1, 3),
            _codes("period", 1, 6),
        ),
        unique=("crisno",),
    )


def _icb2() -> Schema:
    return Schema(
        columns=(
            Column("crisno", "Int64", nullable=False, min=1),
            Column("cracno", "Int64", nullable=False, min=1),
            _icb_code("cracid"),
            _text("actor"),
            _text("crisname"),
            _codes("triggr", 1, 9),
            _year("yrtrig"),
            _month("motrig"),
            _day("datrig", _ICB_DAY_NA),
            _icb_code("trigent"),
            _codes("trigloc", 1, 2),
            _icb_code("southv", nullable=True),
            _codes("globorg", 1, 6),
            _codes("globact", 1, 15),
            _codes("globfavr", 1, 7),
            _codes("globmemb", 1, 4),
            _codes("outcom", 1, 5, extra=(6, 9)),
            Column("outfor", "Int64", na_codes=(99,), min=1, max=15),
            _codes("outesr", 1, 3),
            _year("yrterm", nullable=True),
            _codes("viol", 1, 4),
        ),
        unique=("crisno", "cracno"),
    )


def _icbdy() -> Schema:
    # Hewitt's dyad-years; 9999 in actnuma/actnumb: that state was not a crisis
    # actor in the dyad. No key is unique (ten dyad-years appear twice).
    return Schema(
        columns=(
            Column("crisno", "Int64", nullable=False, min=1),
            _year(),
            _text("crisname"),
            _icb_code("statea"),
            _text("namea"),
            Column("actnuma", "Int64", min=1),
            _icb_code("stateb"),
            _text("nameb"),
            Column("actnumb", "Int64", min=1),
            _year("trgyrdy"),
            _month("trgmody"),
            _day("trgdady"),
            _year("trmyrdy"),
            _month("trmmody"),
            _day("trmdady"),
            _flag("ongoing"),
            Column("crdynum", "Int64", nullable=False, min=1),
        ),
    )


def _unga_year() -> Schema:
    ideal = [Column(c, "Float64", min=-10, max=10) for c in ("idealpointfp", "idealpointall")]
    return Schema(
        columns=(
            _ccode(),
            _text("iso3c", nullable=True),
            _text("countryname", nullable=True),
            _year(),
            *ideal,
            Column("idealpointlegacy", "Float64", min=-10, max=10),
            Column("nvotesfp", "Int64", min=0),
            Column("nvotesall", "Int64", min=0),
            Column("nvotesLegacy", "Int64", min=0),
        ),
        unique=("ccode", "year"),
    )


def _unga_session() -> Schema:
    agree = [Column(c, "Float64", na_codes=("NA",), min=0, max=1) for c in _UNGA_AGREE]
    return Schema(
        columns=(
            _ccode(),
            Column("session", "Int64", nullable=False, min=1, max=200),
            Column("NVotesAll", "Int64", na_codes=("NA",), min=0),
            Column("IdealPointAll", "Float64", na_codes=("NA",), min=-10, max=10),
            _text("iso3c", nullable=True, na_codes=("NA",)),
            _text("Countryname", nullable=True, na_codes=("NA",)),
            *agree,
        ),
        unique=("ccode", "session"),
    )


_UNGA_AGREE = (
    "USAgree",
    "RUSSAgree",
    "BrazilAgree",
    "ChinaAgree",
    "IndiaAgree",
    "IsraelAgree",
)


def _ties_state(name: str) -> Column:
    # COW codes, and 1000 for the European Union / EC acting as one sender or target.
    return Column(name, "Int64", min=1, max=1000)


def _ties() -> Schema:
    return Schema(
        columns=(
            Column("caseid", "Int64", nullable=False, min=1),
            _year("startyear"),
            _month("startmonth"),
            _day("startday"),
            _year("endyear", nullable=True),
            _month("endmonth"),
            _day("endday"),
            *(_ties_state(f"sender{k}") for k in range(1, 6)),
            _ties_state("primarysender"),
            Column("targetstate", "Int64", nullable=False, min=1, max=1000),
            _flag("institution"),
            # Space-separated COW IGO numbers ("1830 3750"); 4400 is the UN.
            _text("institutionid", nullable=True),
            _flag("threat", nullable=False),
            _flag("imposition", nullable=False),
            # Multi-coded ("2 7"): kept as text, split on whitespace.
            _text("sanctiontype", nullable=True),
            # 1-5 outcomes at the threat stage, 6-10 after imposition.
            Column("finaloutcome", "Int64", min=1, max=10),
            Column("settlementnaturesender", "Int64", na_codes=_MISSING, min=0, max=10),
            Column("settlementnaturetarget", "Int64", na_codes=_MISSING, min=0, max=10),
        ),
        unique=("caseid",),
    )


_VETO_MEMBERS = frozenset({"USSR", "Russia", "USA", "UK", "France", "China"})


def _unsc() -> Schema:
    # The dummy columns are incomplete (PROVENANCE.md): the names are the record.
    veto = [_text(f"member_veto{k}", nullable=k > 1) for k in (1, 2, 3)]
    veto = [Column(c.name, "string", nullable=c.nullable, allowed=_VETO_MEMBERS) for c in veto]
    return Schema(
        columns=(
            _year(),
            _text("date"),
            _month("month"),
            _text("draft"),
            _text("meeting_record", nullable=True),
            _text("agenda_item", nullable=True),
            _text("crisis_topic", nullable=True),
            _text("region", nullable=True),
            *veto,
            _flag("single_veto"),
            _flag("multiple_vetoes"),
        ),
    )


SCHEMAS.update(
    {
        "icb1": _icb1(),
        "icb2": _icb2(),
        "icbdy": _icbdy(),
        "unga_year": _unga_year(),
        "unga_session": _unga_session(),
        "ties": _ties(),
        "unsc_vetoes": _unsc(),
    }
)
