"""Loaders for the crisis, voting and sanctions data: ICB, UNGA ideal points, TIES, UNSC vetoes.

Each is a registry entry (``registry.json``) with a declared schema
(:mod:`collsec.data.schemas`), read, checked and Parquet-cached exactly as the
Correlates of War files (:func:`collsec.data.loaders.load`). A data folder may
hold the files flat or in their own subfolders (``icb/``, ``unga/``, ``ties/``,
``unsc/``), as ``shared/data`` does.

The ICB files may be the full v15 release or the registered extract of it
(the crises triggered before 2000); ``df.attrs["collsec"]["variant"]`` says
which (``"release"`` or ``"extract"``), as does ``collsec data status``. ICB's
state codes are Gleditsch-Ward: the loaders add their COW equivalents
(``cow_`` columns, see :func:`collsec.data.gwcow.gw_to_cow`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd

from collsec.data.gwcow import gw_to_cow
from collsec.data.loaders import load, load_choice
from collsec.i18n import _

__all__ = ["load_icb", "load_ties", "load_unga", "load_unsc_vetoes"]

_ICB_NAMES = {"crisis": "icb1", "actor": "icb2", "dyadic": "icbdy"}
# (code column, year column) pairs that get a COW twin, per ICB level.
_ICB_CODES: dict[str, tuple[tuple[str, str], ...]] = {
    "crisis": (("trigent", "yrtrig"),),
    "actor": (("cracid", "yrtrig"), ("trigent", "yrtrig"), ("southv", "yrtrig")),
    "dyadic": (("statea", "year"), ("stateb", "year")),
}


def _cow_twin(codes: pd.Series, years: pd.Series) -> pd.Series:
    out = [
        pd.NA if pd.isna(c) else gw_to_cow(int(c), int(y))
        for c, y in zip(codes.tolist(), years.tolist(), strict=True)
    ]
    return pd.Series(out, index=codes.index, dtype="Int64")


def load_icb(
    level: Literal["crisis", "actor", "dyadic"] = "crisis",
    data_dir: Path | str | None = None,
    *,
    verify: bool = True,
    use_cache: bool = True,
) -> pd.DataFrame:
    """Load International Crisis Behavior v15: crises, crisis actors or dyad-years.

    Parameters
    ----------
    level
        ``"crisis"`` (``icb1v15.csv``, one row per crisis), ``"actor"``
        (``icb2v15.csv``, one row per crisis actor) or ``"dyadic"``
        (``icbdy_v15.csv``, one row per dyad-year).
    data_dir, verify, use_cache
        As for :func:`collsec.data.load`. The full release and the registered
        extract both pass ``verify``.

    Returns
    -------
    pandas.DataFrame
        The declared columns (codes as in the codebooks; the day codes 66, 77
        and 88 are ``<NA>``), plus ``cow_<column>`` for each state-code column
        (``<NA>`` for 995-997 and for states with no COW equivalent).
        ``attrs["collsec"]["variant"]`` is ``"release"`` or ``"extract"``.

    Raises
    ------
    DataError
        As for :func:`collsec.data.load`, or for an unknown level.

    References
    ----------
    Brecher & Wilkenfeld (2000) [brecher2000].
    """
    df = load_choice(
        level,
        _ICB_NAMES,
        _("unknown ICB level {name!r}; use {choices}"),
        data_dir,
        field="level",
        verify=verify,
        use_cache=use_cache,
    )
    attrs = dict(df.attrs)
    df = df.copy()
    for code, year in _ICB_CODES[level]:
        df[f"cow_{code}"] = _cow_twin(df[code], df[year])
    df.attrs = attrs
    return df


def load_unga(
    kind: Literal["year", "session"] = "year",
    data_dir: Path | str | None = None,
    *,
    verify: bool = True,
    use_cache: bool = True,
) -> pd.DataFrame:
    """Load the UN General Assembly ideal points (Bailey, Strezhnev and Voeten 2017).

    Parameters
    ----------
    kind
        ``"year"`` (``IdealpointsJuly2025.csv``, state-year 1946-2024: ideal
        points from final-passage votes ``idealpointfp``, from all votes
        ``idealpointall`` to 2023, and the session-based ``idealpointlegacy``)
        or ``"session"`` (``IdealpointestimatesAll_Jun2024.csv``, state-session
        1-78 = 1946-2023, with agreement shares with six states).
    data_dir, verify, use_cache
        As for :func:`collsec.data.load`.

    Returns
    -------
    pandas.DataFrame
        One row per (``ccode``, ``year``) or (``ccode``, ``session``); COW
        codes; higher ideal points lie nearer the US-led position.

    Raises
    ------
    DataError
        As for :func:`collsec.data.load`, or for an unknown kind.

    References
    ----------
    Bailey, Strezhnev & Voeten (2017) [bailey2017].
    """
    return load_choice(
        kind,
        {"year": "unga_year", "session": "unga_session"},
        _("unknown ideal-point file {name!r}; use {choices}"),
        data_dir,
        field="kind",
        verify=verify,
        use_cache=use_cache,
    )


def load_ties(
    data_dir: Path | str | None = None, *, verify: bool = True, use_cache: bool = True
) -> pd.DataFrame:
    """Load Threat and Imposition of Economic Sanctions v4.1, one row per case.

    Parameters
    ----------
    data_dir, verify, use_cache
        As for :func:`collsec.data.load`.

    Returns
    -------
    pandas.DataFrame
        ``caseid``, dates, ``sender1``-``sender5``, ``primarysender``,
        ``targetstate`` (COW codes; 1000 is the EU/EC as one actor),
        ``institution``, ``institutionid`` (space-separated COW IGO numbers;
        4400 the UN), ``threat``, ``imposition``, ``sanctiontype`` (text,
        space-separated codes), ``finaloutcome`` (1-5 at the threat stage,
        6-10 after imposition) and the settlement scales (-9 is ``<NA>``).

    Raises
    ------
    DataError
        As for :func:`collsec.data.load`.

    References
    ----------
    Morgan, Bapat & Kobayashi (2014) [morgan2014].
    """
    return load("ties", data_dir, verify=verify, use_cache=use_cache)


def load_unsc_vetoes(
    data_dir: Path | str | None = None, *, verify: bool = True, use_cache: bool = True
) -> pd.DataFrame:
    """Load the UN Security Council vetoes 1946-2022, one row per vetoed vote.

    A record of outcomes: for checking and calibrating the vote model, never
    an input when predicting the crisis it records.

    Parameters
    ----------
    data_dir, verify, use_cache
        As for :func:`collsec.data.load`.

    Returns
    -------
    pandas.DataFrame
        ``year, date, month, draft, meeting_record, agenda_item,
        crisis_topic, region, member_veto1-3, single_veto,
        multiple_vetoes``; the vetoing members are named in
        ``member_veto1``-``member_veto3`` (USSR, Russia, USA, UK, France,
        China); the file's 0/1 member dummies are incomplete and not loaded.

    Raises
    ------
    DataError
        As for :func:`collsec.data.load`.

    References
    ----------
    Yordan (2022) [yordan2022].
    """
    return load("unsc_vetoes", data_dir, verify=verify, use_cache=use_cache)
