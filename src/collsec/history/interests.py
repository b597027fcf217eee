"""Inputs of case prediction beyond the Correlates of War: UN votes and sanctions.

Two measures, each a general rule that reads only the data (never a case's id,
year or state by name):

- **Patron closeness** (M2, interest similarity in the UN era): Bailey,
  Strezhnev and Voeten's (2017) General Assembly ideal points
  (``idealpointall``) of the year before the crisis. For every permanent member
  of the Security Council that is not a party, the distance to the victim minus
  the distance to the lead aggressor: positive when that great power votes
  nearer the aggressor than the victim. ``patron_closeness`` is the largest of
  these, floored at 0: how far the aggressor's nearest great-power friend
  leans its way, whether or not an alliance ties them (India and the Soviet
  Union in 1971, Israel and the United States in 2006).
- **Sanction record** (members' willingness to sanction): the Threat and
  Imposition of Economic Sanctions data (TIES v4, Morgan, Bapat and Kobayashi
  2014). ``log(1 + k)``, ``k`` the number of TIES cases (threatened or
  imposed) against the lead aggressor, begun in the ``window`` years before
  the crisis year, by a permanent member or through the UN (IGO 4400). Only
  cases begun before the crisis year count, so the crisis' own sanctions never
  enter its prediction.

Under the League, and where a state has no ideal point (not a UN member), both
are 0: there are no General Assembly votes before 1946 and no TIES cases
before 1945.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from collsec.data.errors import DataError
from collsec.data.loaders import find_file, load, resolve_data_dir
from collsec.data.registry import load_registry
from collsec.errors import CollsecError
from collsec.i18n import _

UN_IGO = "4400"
SANCTION_WINDOW = 10


class MissingDataFileError(CollsecError):
    """A UNGA or TIES file is not in the data folder (case prediction then goes without)."""


def _folders(data_dir: str | None) -> list[Path]:
    """Where to look: the folder given, then its parent (a COW folder beside ``unga/``)."""
    folder = resolve_data_dir(data_dir)
    return [folder, folder.parent]


def _load(name: str, data_dir: str | None) -> pd.DataFrame:
    """``collsec.data``'s loader of ``name``, from the folder or its parent."""
    registry = load_registry()
    entry = registry.datasets[name]
    for folder in _folders(data_dir):
        try:
            find_file(entry, folder)
        except DataError:
            continue
        return load(name, folder, registry=registry)
    raise MissingDataFileError(
        _("{file} not found in {where} or its parent folder").format(
            file=entry.file, where=data_dir or resolve_data_dir(None)
        ),
        source=entry.file,
    )


@functools.lru_cache(maxsize=4)
def _ideal_points(data_dir: str | None) -> dict[tuple[str, int], float]:
    df = _load("unga_year", data_dir).dropna(subset=["idealpointall"])
    return {
        (str(int(c)), int(y)): float(v)
        for c, y, v in zip(df["ccode"], df["year"], df["idealpointall"], strict=True)
    }


@functools.lru_cache(maxsize=4)
def _sanction_cases(data_dir: str | None) -> tuple[tuple[int, str, frozenset[str]], ...]:
    df = _load("ties", data_dir)
    senders = [f"sender{k}" for k in range(1, 6)]
    out = []
    records = df[["startyear", "targetstate", "institutionid", *senders]].to_dict("records")
    for row in records:
        if pd.isna(row["startyear"]) or pd.isna(row["targetstate"]):
            continue
        who = {str(int(row[c])) for c in senders if not pd.isna(row[c])}
        igo = row["institutionid"]
        if not pd.isna(igo):
            who |= {str(x) for x in str(igo).split()}
        out.append((int(row["startyear"]), str(int(row["targetstate"])), frozenset(who)))
    return tuple(out)


def _ideal(points: dict[tuple[str, int], float], code: str, year: int) -> float | None:
    """The ideal point of the year before ``year``, else of ``year`` (a new member)."""
    v = points.get((code, year - 1))
    return points.get((code, year)) if v is None else v


def patron_closeness(
    year: int,
    aggressors: Sequence[str],
    victim: str,
    permanent: Sequence[str],
    data_dir: Path | str | None = None,
) -> float:
    """How far the nearest non-party permanent member leans to the aggressor (>= 0)."""
    if year < 1946:
        return 0.0
    pts = _ideal_points(None if data_dir is None else str(data_dir))
    xa, xv = _ideal(pts, aggressors[0], year), _ideal(pts, victim, year)
    if xa is None or xv is None:
        return 0.0
    best = 0.0
    for p in permanent:
        if p in aggressors or p == victim:
            continue
        xp = _ideal(pts, p, year)
        if xp is not None:
            best = max(best, abs(xp - xv) - abs(xp - xa))
    return float(best)


def sanction_record(
    year: int,
    aggressor: str,
    permanent: Sequence[str],
    data_dir: Path | str | None = None,
    window: int = SANCTION_WINDOW,
) -> float:
    """``log(1 + k)``: TIES cases against ``aggressor`` by a permanent member or the UN."""
    if year < 1946:
        return 0.0
    senders = {*permanent, UN_IGO}
    k = sum(
        1
        for start, target, who in _sanction_cases(None if data_dir is None else str(data_dir))
        if target == aggressor and year - window <= start < year and who & senders
    )
    return math.log1p(k)


def crisis_inputs(
    year: int,
    org: str,
    aggressors: Sequence[str],
    victim: str,
    permanent: Sequence[str],
    data_dir: Path | str | None = None,
) -> dict[str, float]:
    """Both measures for one crisis (0 under the League)."""
    if org != "un":
        return {"patron_closeness": 0.0, "sanction_record": 0.0}
    return {
        "patron_closeness": patron_closeness(year, aggressors, victim, permanent, data_dir),
        "sanction_record": sanction_record(year, aggressors[0], permanent, data_dir),
    }
