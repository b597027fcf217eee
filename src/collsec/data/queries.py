"""Small queries over the COW tables that the historical scenarios need.

Each query loads its data set (from the Parquet cache after the first time)
and returns a small tidy table with snake_case columns. A query for one year
records the year it used in ``df.attrs["year"]`` (and the year asked for in
``df.attrs["year_requested"]``): a year past the end of a data set uses its
last year and warns with :class:`~collsec.data.errors.DataYearWarning`; a year
before its first year raises :class:`~collsec.data.errors.DataError`.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Literal

import pandas as pd

from collsec.data.errors import DataError, DataYearWarning
from collsec.data.loaders import (
    load_alliances,
    load_contiguity,
    load_igo_league_un,
    load_majors,
    load_nmc,
    load_states,
    load_system,
    load_wars,
)
from collsec.data.registry import load_registry
from collsec.i18n import _

__all__ = [
    "alliance_members",
    "alliance_ties",
    "capabilities",
    "clamp_year",
    "contiguity",
    "league_members",
    "major_powers",
    "state_names",
    "system_members",
    "un_members",
    "war_battle_deaths",
    "wars",
]

DataDir = Path | str | None

_OBLIGATIONS = ("defense", "neutrality", "nonaggression", "entente")


def clamp_year(year: int, dataset: str) -> int:
    """Return the year to use for ``year`` in ``dataset``.

    Parameters
    ----------
    year
        The year asked for.
    dataset
        A registry name; its ``first_year`` and ``last_year`` bound the year.

    Returns
    -------
    int
        ``year``, or the data set's last year if ``year`` is later (with a
        :class:`DataYearWarning`).

    Raises
    ------
    DataError
        If ``year`` is before the data set's first year.
    """
    entry = load_registry()[dataset]
    if year < entry.first_year:
        raise DataError(
            _("year {year} is before the first year ({first}) of {title} v{version}").format(
                year=year, first=entry.first_year, title=entry.title, version=entry.version
            ),
            file=entry.file,
            field="year",
        )
    if year > entry.last_year:
        warnings.warn(
            _("{title} v{version} ends in {last}; using {last} for {year}").format(
                title=entry.title, version=entry.version, last=entry.last_year, year=year
            ),
            DataYearWarning,
            stacklevel=3,
        )
        return entry.last_year
    return year


def _stamp(df: pd.DataFrame, requested: int, used: int) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    df.attrs = {"year": used, "year_requested": requested}
    return df


def system_members(year: int, *, data_dir: DataDir = None) -> pd.DataFrame:
    """Return the members of the state system in ``year``.

    Parameters
    ----------
    year
        The year (1816-2016; later years use 2016 with a warning).
    data_dir
        The folder to read from (see :func:`collsec.data.resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        ``ccode, stateabb, year``, sorted by ccode.

    Raises
    ------
    DataError
        If the file is missing or bad, or the year is before 1816.
    """
    used = clamp_year(year, "system")
    sysdf = load_system(data_dir)
    out = sysdf.loc[sysdf["year"] == used, ["ccode", "stateabb", "year"]]
    return _stamp(out.sort_values("ccode"), year, used)


def major_powers(year: int, *, data_dir: DataDir = None) -> pd.DataFrame:
    """Return the major powers in ``year`` (a state counts if major for any part of it).

    Parameters
    ----------
    year
        The year (1816-2016; later years use 2016 with a warning).
    data_dir
        The folder to read from.

    Returns
    -------
    pandas.DataFrame
        ``ccode, stateabb, start_year, end_year, year``, sorted by ccode.

    Raises
    ------
    DataError
        If the file is missing or bad, or the year is before 1816.

    Examples
    --------
    In 1935 the majors were USA, UKG, FRN, GMY, ITA, RUS and JPN.
    """
    used = clamp_year(year, "majors")
    maj = load_majors(data_dir)
    out = maj.loc[(maj["styear"] <= used) & (maj["endyear"] >= used)]
    out = out.rename(columns={"styear": "start_year", "endyear": "end_year"})
    out = out[["ccode", "stateabb", "start_year", "end_year"]].assign(year=used)
    return _stamp(out.sort_values("ccode"), year, used)


def capabilities(
    year: int,
    *,
    version: Literal["6.0", "7.0"] | None = None,
    data_dir: DataDir = None,
) -> pd.DataFrame:
    """Return each state's material capabilities in ``year``.

    Parameters
    ----------
    year
        The year. NMC 6.0 covers 1816-2016 and 7.0 covers 1816-2022; later
        years use the last year with a warning.
    version
        ``"6.0"`` or ``"7.0"``; if ``None``, 6.0 up to 2016 and the
        reconstructed 7.0 after.
    data_dir
        The folder to read from.

    Returns
    -------
    pandas.DataFrame
        ``ccode, stateabb, year, milex, milper, irst, pec, tpop, upop, cinc``
        (milex in thousands of current dollars, milper and populations in
        thousands, irst in thousands of tons, pec in thousands of coal-ton
        equivalents); ``attrs["nmc_version"]`` is the version used.

    Raises
    ------
    DataError
        If the file is missing or bad, or the year is before 1816.
    """
    v6_last = load_registry()["nmc_v6"].last_year
    chosen: Literal["6.0", "7.0"] = version or ("7.0" if year > v6_last else "6.0")
    used = clamp_year(year, "nmc_v6" if chosen == "6.0" else "nmc_v7")
    nmc = load_nmc(chosen, data_dir)
    cols = ["ccode", "stateabb", "year", "milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]
    out = _stamp(nmc.loc[nmc["year"] == used, cols].sort_values("ccode"), year, used)
    out.attrs["nmc_version"] = chosen
    return out


def _igo_members(year: int, column: str, data_dir: DataDir) -> pd.DataFrame:
    used = clamp_year(year, "igo_league_un")
    igo = load_igo_league_un(data_dir)
    out = igo.loc[(igo["year"] == used) & (igo[column] == 1), ["ccode", "stateabb", "year"]]
    return _stamp(out.sort_values("ccode"), year, used)


def league_members(year: int, *, data_dir: DataDir = None) -> pd.DataFrame:
    """Return the full members of the League of Nations in ``year``.

    Parameters
    ----------
    year
        The year (coded 1919-1945 in COW IGO v3.0; empty outside those years;
        years after 2014 use 2014 with a warning).
    data_dir
        The folder to read from.

    Returns
    -------
    pandas.DataFrame
        ``ccode, stateabb, year``, sorted by ccode.

    Raises
    ------
    DataError
        If the file is missing or bad, or the year is before 1816.

    References
    ----------
    Pevehouse et al. (2020) [pevehouse2020].
    """
    return _igo_members(year, "lon", data_dir)


def un_members(year: int, *, data_dir: DataDir = None) -> pd.DataFrame:
    """Return the full members of the United Nations in ``year``.

    Parameters
    ----------
    year
        The year (coded from 1945 in COW IGO v3.0; years after 2014 use 2014
        with a warning).
    data_dir
        The folder to read from.

    Returns
    -------
    pandas.DataFrame
        ``ccode, stateabb, year``, sorted by ccode.

    Raises
    ------
    DataError
        If the file is missing or bad, or the year is before 1816.
    """
    return _igo_members(year, "un", data_dir)


def contiguity(year: int, *, max_type: int = 5, data_dir: DataDir = None) -> pd.DataFrame:
    """Return the contiguous pairs of states in ``year``, one row per pair.

    Parameters
    ----------
    year
        The year (1816-2016; later years use 2016 with a warning).
    max_type
        The loosest contiguity type to include: 1 land only; 2, 3, 4, 5 also
        water up to 12, 24, 150 and 400 miles.
    data_dir
        The folder to read from.

    Returns
    -------
    pandas.DataFrame
        ``ccode1, ccode2, stateabb1, stateabb2, conttype, year`` with
        ``ccode1 < ccode2``; where the type changed within the year, the
        closest type.

    Raises
    ------
    DataError
        If the file is missing or bad, the year is before 1816, or ``max_type``
        is not 1-5.

    References
    ----------
    Stinnett et al. (2002) [stinnett2002].
    """
    if max_type not in (1, 2, 3, 4, 5):
        raise DataError(
            _("{field} must be 1-5, not {value!r}").format(field="max_type", value=max_type),
            field="max_type",
        )
    used = clamp_year(year, "contiguity")
    con = load_contiguity(data_dir)
    sel = (
        (con["year"] == used) & (con["state1no"] < con["state2no"]) & (con["conttype"] <= max_type)
    )
    out = con.loc[sel].rename(
        columns={
            "state1no": "ccode1",
            "state2no": "ccode2",
            "state1ab": "stateabb1",
            "state2ab": "stateabb2",
        }
    )
    out = out[["ccode1", "ccode2", "stateabb1", "stateabb2", "conttype", "year"]]
    return _stamp(out.sort_values(["ccode1", "ccode2"]), year, used)


def alliance_members(year: int, *, data_dir: DataDir = None) -> pd.DataFrame:
    """Return the alliance memberships in force in ``year``, one row per alliance-member.

    Parameters
    ----------
    year
        The year (1816-2012; later years use 2012 with a warning).
    data_dir
        The folder holding the alliance files (never downloaded).

    Returns
    -------
    pandas.DataFrame
        ``alliance_id, ccode, ss_type, defense, neutrality, nonaggression,
        entente, year``.

    Raises
    ------
    DataError
        If the file is missing or bad, or the year is before 1816.

    References
    ----------
    Gibler (2009) [gibler2009].
    """
    used = clamp_year(year, "alliances_member_yearly")
    ally = load_alliances("member_yearly", data_dir)
    out = ally.loc[ally["year"] == used].rename(columns={"version4id": "alliance_id"})
    out = out[["alliance_id", "ccode", "ss_type", *_OBLIGATIONS, "year"]]
    return _stamp(out.sort_values(["alliance_id", "ccode"]), year, used)


def alliance_ties(year: int, *, data_dir: DataDir = None) -> pd.DataFrame:
    """Return the allied pairs of states in ``year``, one row per pair.

    Two states are tied when they are members of the same alliance in the
    year. An obligation flag is true if any alliance the pair shares carries it
    for either member (obligations can be asymmetric within an alliance; this
    undirected table does not keep who owes what).

    Parameters
    ----------
    year
        The year (1816-2012; later years use 2012 with a warning).
    data_dir
        The folder holding the alliance files (never downloaded).

    Returns
    -------
    pandas.DataFrame
        ``ccode1, ccode2, defense, neutrality, nonaggression, entente,
        n_alliances, year`` with ``ccode1 < ccode2``.

    Raises
    ------
    DataError
        If the file is missing or bad, or the year is before 1816.

    References
    ----------
    Gibler (2009) [gibler2009].
    """
    members = alliance_members(year, data_dir=data_dir)
    used = int(members.attrs["year"])
    flags = members[["alliance_id", "ccode", *_OBLIGATIONS]].copy()
    for col in _OBLIGATIONS:
        flags[col] = flags[col].fillna(False).astype(bool)
    pairs = flags.merge(flags, on="alliance_id", suffixes=("1", "2"))
    pairs = pairs.loc[pairs["ccode1"] < pairs["ccode2"]]
    for col in _OBLIGATIONS:
        pairs[col] = pairs[f"{col}1"] | pairs[f"{col}2"]
    agg = {col: (col, "any") for col in _OBLIGATIONS}
    out = pairs.groupby(["ccode1", "ccode2"], as_index=False).agg(
        **agg, n_alliances=("alliance_id", "nunique")
    )
    out["year"] = used
    return _stamp(out.sort_values(["ccode1", "ccode2"]), year, used)


def wars(*, data_dir: DataDir = None) -> pd.DataFrame:
    """Return the inter-state wars, one row per war participant.

    Parameters
    ----------
    data_dir
        The folder to read from.

    Returns
    -------
    pandas.DataFrame
        ``war_num, war_name, ccode, state_name, side, start_year, end_year,
        initiator, outcome, battle_deaths``. ``start_year`` is the first year
        of participation; ``end_year`` the last year of the last spell;
        ``initiator`` is true for a state on the side that began the war;
        ``battle_deaths`` is ``<NA>`` where COW codes it missing.

    Raises
    ------
    DataError
        If the file is missing or bad.

    References
    ----------
    Sarkees & Wayman (2010) [sarkees2010].
    """
    w = load_wars(data_dir)
    end = w["EndYear2"].fillna(w["EndYear1"])
    end = end.where(end >= w["EndYear1"], w["EndYear1"])
    out = pd.DataFrame(
        {
            "war_num": w["WarNum"],
            "war_name": w["WarName"],
            "ccode": w["ccode"],
            "state_name": w["StateName"],
            "side": w["Side"],
            "start_year": w["StartYear1"],
            "end_year": end,
            "initiator": (w["Initiator"] == 1).astype("boolean"),
            "outcome": w["Outcome"],
            "battle_deaths": w["BatDeath"],
        }
    )
    return out.sort_values(["war_num", "side", "ccode"]).reset_index(drop=True)


def war_battle_deaths(*, data_dir: DataDir = None) -> pd.DataFrame:
    """Return each war's total battle deaths, one row per war.

    Parameters
    ----------
    data_dir
        The folder to read from.

    Returns
    -------
    pandas.DataFrame
        ``war_num, war_name, start_year, end_year, n_participants,
        battle_deaths, n_missing``: the sum over participants with known
        deaths, and how many participants' deaths are missing.

    Raises
    ------
    DataError
        If the file is missing or bad.
    """
    part = wars(data_dir=data_dir)
    out = part.groupby("war_num", as_index=False).agg(
        war_name=("war_name", "first"),
        start_year=("start_year", "min"),
        end_year=("end_year", "max"),
        n_participants=("ccode", "size"),
        battle_deaths=("battle_deaths", "sum"),
        n_missing=("battle_deaths", lambda s: int(s.isna().sum())),
    )
    return out.astype({"battle_deaths": "Int64", "n_missing": "Int64", "n_participants": "Int64"})


def state_names(*, data_dir: DataDir = None) -> pd.DataFrame:
    """Return one row per COW state code with its abbreviation and name.

    Parameters
    ----------
    data_dir
        The folder to read from.

    Returns
    -------
    pandas.DataFrame
        ``ccode, stateabb, statenme``, sorted by ccode.

    Raises
    ------
    DataError
        If the file is missing or bad.
    """
    st = load_states(data_dir)
    out = st[["ccode", "stateabb", "statenme"]].drop_duplicates("ccode")
    return out.sort_values("ccode").reset_index(drop=True)
