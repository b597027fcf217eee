"""Trigger-time inputs of the probability model: what decides whether a crisis
reaches the organisation, and which body can decide it.

Most International Crisis Behavior crises never came before the League or the
UN at all (no agenda step), and ICB counts General Assembly condemnations that
a Council veto cannot stop. The simulation models neither, so its share of
findings ranks crises no better than chance. These inputs give the
probability model's logits (:mod:`collsec.history.calibration`) what a
forecaster knows **when the crisis begins**, never what happened after the
trigger, and never the crisis' own outcome fields (``globorg``, ``globact``,
``outcom``):

From the case itself (any case book, and ``collsec case``):

- ``aggressor_permanent``: the aggressor holds a permanent Council seat, so
  the Council cannot decide against it; in the UN era a finding then needs the
  General Assembly (the second deciding body).
- ``victim_<region>``: the victim's region from its Correlates of War code
  (Americas 2-199, Europe 200-399, Africa 400-599, Middle East 600-699, Asia
  and Oceania 700-999; Europe is the reference): where the organisation's
  members look first.

From the ICB actor row of the victim (optional ``icb_*`` columns of a case
book, written by ``collsec cases from-icb``; ICB2 codebook v15 variables 1, 6,
50, 53, 54, 64, each coded at the onset of the crisis for the actor):

- ``violent_trigger``: the trigger was a violent act (``triggr`` 9);
- ``intra_war``: the crisis arose within an ongoing war (``iwc`` 2-10);
- ``protracted``: a protracted conflict setting (``pc`` 2-3);
- ``threat_great_power``: the source of threat is a great power or superpower
  (``southpow`` 3-4);
- ``victim_small``: the victim is a small power (``powsta`` 1);
- ``power_discrepancy``: ICB's power discrepancy at onset (``powdis``),
  divided by 100 and clipped to [-1, 1].

A book without the ``icb_*`` columns (the development books, ``collsec
case``) lacks the ICB inputs; the fit then leaves them out
(:func:`collsec.history.scores.fit_logit`), and a model that needs them gives
the simulated shares only (:func:`collsec.history.cases.predict_case`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from collsec.history.interests import _ideal, _ideal_points

ICB_COLUMNS: tuple[str, ...] = (
    "icb_triggr",
    "icb_iwc",
    "icb_pc",
    "icb_southpow",
    "icb_powsta",
    "icb_powdis",
)
"""Optional case-book columns: the victim's ICB codes at the onset of the crisis."""

REGIONS: tuple[tuple[str, int, int], ...] = (
    ("victim_americas", 2, 199),
    ("victim_africa", 400, 599),
    ("victim_mideast", 600, 699),
    ("victim_asia", 700, 999),
)
"""Regions by COW code range (Europe, 200-399, is the reference)."""

CASE_INPUTS: tuple[str, ...] = ("aggressor_permanent", *(r[0] for r in REGIONS))
"""The inputs every case has."""

ASSEMBLY_INPUTS: tuple[str, ...] = ("ga_isolation", "victim_ga_isolation")
"""The inputs of the General Assembly as a second deciding body (:func:`ga_isolation`)."""

ICB_INPUTS: tuple[str, ...] = (
    "violent_trigger",
    "intra_war",
    "protracted",
    "threat_great_power",
    "victim_small",
    "power_discrepancy",
)
"""The inputs a case has when its book carries the ICB columns."""


def case_inputs(
    aggressors: Iterable[str], victim: str, permanent: Iterable[str]
) -> dict[str, float]:
    """The trigger-time inputs of any case: a permanent-member aggressor, the victim's region."""
    perm = {str(int(c)) for c in permanent}
    code = int(victim)
    out = {"aggressor_permanent": float(any(str(int(a)) in perm for a in aggressors))}
    for name, lo, hi in REGIONS:
        out[name] = float(lo <= code <= hi)
    return out


def icb_inputs(attributes: Mapping[str, float]) -> dict[str, float]:
    """The ICB trigger-time inputs from a row's ``icb_*`` codes.

    Empty for a row with none of the columns; a single code left blank counts
    as its neutral value (no violent trigger, not intra-war, not protracted,
    not a great-power threat, not small, no power discrepancy): in the ICB
    book only ``powdis`` is ever blank (16 League-era crises).
    """
    if not any(k in attributes for k in ICB_COLUMNS):
        return {}
    a = {"icb_triggr": 0.0, "icb_iwc": 1.0, "icb_pc": 1.0, "icb_southpow": 1.0}
    a |= {"icb_powsta": 0.0, "icb_powdis": 0.0, **attributes}
    return {
        "violent_trigger": float(a["icb_triggr"] == 9),
        "intra_war": float(a["icb_iwc"] >= 2),
        "protracted": float(a["icb_pc"] >= 2),
        "threat_great_power": float(a["icb_southpow"] >= 3),
        "victim_small": float(a["icb_powsta"] == 1),
        "power_discrepancy": max(-1.0, min(1.0, float(a["icb_powdis"]) / 100.0)),
    }


def onset_codes(data_dir: Path | str | None) -> pd.DataFrame | None:
    """The victim-side onset codes of ICB's actor file (``icb2v15.csv``), by crisis actor.

    ``collsec.data.load_icb`` declares only the columns the case mapping reads;
    these six are read here from the same file (in ``data_dir`` or its
    ``icb/`` subfolder), as numbers, ICB's missing-value codes left as they
    are (none of the six has one in v15). ``None`` when the file is not there:
    the columns are optional.
    """
    if data_dir is None:
        return None
    base = Path(data_dir)
    for folder in (base / "icb", base):
        path = folder / "icb2v15.csv"
        if path.is_file():
            break
    else:
        return None
    names = [c[len("icb_") :] for c in ICB_COLUMNS]
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", usecols=["crisno", "cracno", *names])
    except (OSError, ValueError, pd.errors.ParserError):
        return None
    return df.apply(pd.to_numeric, errors="coerce")


def ga_isolation(
    year: int, org: str, aggressors: Sequence[str], victim: str, data_dir: Path | str | None
) -> dict[str, float]:
    """How far the aggressor and the victim stand from the General Assembly's median.

    The Assembly decides by majority where a veto stops the Council, and its
    majority condemns the states that vote far from it. ``ga_isolation`` is
    the distance of the aggressor's UNGA ideal point (Bailey, Strezhnev and
    Voeten 2017) from the median of all states' ideal points, both of the
    year before the crisis (the year itself for a new member), and
    ``victim_ga_isolation`` the victim's; 0 under the League, before 1946,
    or for a state with no ideal point.

    Raises
    ------
    collsec.history.interests.MissingDataFileError
        If the UNGA file is not in the data folder.
    """
    out = {"ga_isolation": 0.0, "victim_ga_isolation": 0.0}
    if org != "un" or year < 1946:
        return out
    pts = _ideal_points(None if data_dir is None else str(data_dir))
    prior = [v for (_c, y), v in pts.items() if y == year - 1] or [
        v for (_c, y), v in pts.items() if y == year
    ]
    if not prior:
        return out
    median = float(np.median(prior))
    for name, code in (("ga_isolation", aggressors[0]), ("victim_ga_isolation", victim)):
        x = _ideal(pts, str(code), year)
        if x is not None:
            out[name] = abs(x - median)
    return out
