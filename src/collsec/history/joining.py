"""Who joins an inter-state war: base rates from the Correlates of War record (O2, O3).

The participation rule of :func:`collsec.phases.response.assess` is a logit in
the joiner's affinity margin, its power against the aggressor's, its
obligations and the arrangement's credibility. Siverson and Starr (1991) read
the spread of a war as *opportunity* (a border with a party; O3, freedom and
ability to act) and *willingness* (an alliance with a party; O2, commitment).
This module turns the COW Inter-State War Data v4.0 into one row per (war,
potential joiner) with those covariates, so that the empirical joining rates
can be set beside the rule's.

Definitions (docs/history.md, "Who joins a war: the COW record"):

- *Initiating side*: the side of the participants coded ``Initiator == 1``.
  In v4.0 every war has initiators on exactly one side. If a table has them
  on both sides, the side of the earliest-entering initiator wins (ties: the
  side with more initiators, then side 1); with none, side 1. Each war's
  ``init_rule`` says which case applied.
- *Original participants*: states whose first entry date is within
  ``window_days`` of the war's earliest entry date (default 0: the same day).
  Every later entrant is a *joiner*, on the side of its first entry. A state
  coded on both sides (Italy, Romania and Bulgaria in World War II) counts
  with its first side only.
- *Potential joiners*: every state in the system in the war's start year that
  is not an original participant.
- *Covariates* at the year before the war's start year: great power (COW
  major for any part of that year), contiguity (COW direct contiguity type up
  to ``max_conttype``) with any original defender or initiator, a defence
  pact with any original defender (a shared alliance in which the joiner's
  own membership carries ``defense``), any shared alliance with any original
  defender or initiator, and the log ratio of the initiating side's summed
  CINC to the joiner's CINC. A CINC missing in the year before (a new state)
  falls back to the start year.

References
----------
Sarkees & Wayman (2010) [sarkees2010]; Siverson & Starr (1991) [siverson1991];
Gibler (2009) [gibler2009]; Stinnett et al. (2002) [stinnett2002];
Singer, Bremer & Stuckey (1972) [singer1972].
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from collsec.errors import CollsecError
from collsec.i18n import _

__all__ = [
    "COVARIATES",
    "ERAS",
    "LogitFit",
    "era_of",
    "fit_logit",
    "joiner_dyads",
    "joining_rates",
    "war_entries",
    "wilson_interval",
]

#: The eras of the rate tables: (first year, last year, label), by war start year.
ERAS: tuple[tuple[int, int, str], ...] = (
    (1816, 1919, "1816-1919"),
    (1920, 1945, "1920-1945"),
    (1946, 2003, "1946-2003"),
)

#: The covariates of :func:`joiner_dyads`, in the order the regression uses them.
COVARIATES: tuple[str, ...] = (
    "great_power",
    "contig_defender",
    "contig_initiator",
    "pact_defender",
    "ally_defender",
    "ally_initiator",
    "log_ratio",
)

# A CINC of exactly zero would make the log ratio infinite; COW scores are
# positive for every state-year in NMC 6.0, so this floor only guards input.
_CINC_FLOOR = 1e-9

_WAR_COLUMNS = ("WarNum", "WarName", "ccode", "Side", "StartYear1", "StartMonth1", "StartDay1")


def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise CollsecError(
            _("missing column(s) {columns}; pass the COW table as its loader returns it").format(
                columns=", ".join(missing)
            ),
            source=what,
            field=missing[0],
        )


def era_of(year: int) -> str:
    """Return the label of the era in :data:`ERAS` that holds ``year``.

    Raises
    ------
    CollsecError
        If no era holds the year.

    Examples
    --------
    >>> era_of(1939)
    '1920-1945'
    """
    for first, last, label in ERAS:
        if first <= year <= last:
            return label
    raise CollsecError(
        _("year {year} is outside the eras {first}-{last}").format(
            year=year, first=1816, last=2003
        ),
        field="year",
    )


def war_entries(wars: pd.DataFrame, *, window_days: int = 0) -> pd.DataFrame:
    """Return one row per (war, state): its first entry, side and role.

    Parameters
    ----------
    wars
        The COW Inter-State War table as :func:`collsec.data.load_wars` returns
        it (one row per participant spell and side).
    window_days
        A state whose first entry is at most this many days after the war's
        earliest entry is an original participant; later entrants are joiners.

    Returns
    -------
    pandas.DataFrame
        ``war_num, war_name, ccode, side, entry, war_start, start_year,
        original, init_side, init_rule, role``; ``role`` is ``"initiator"`` or
        ``"defender"`` (the side of the state's first entry relative to the
        initiating side) and ``init_rule`` is ``"coded"``, ``"ambiguous"`` or
        ``"none"`` (see the module docstring).

    Raises
    ------
    CollsecError
        If a column is missing or ``window_days`` is negative.
    """
    _require(wars, (*_WAR_COLUMNS, "Initiator"), "wars")
    if window_days < 0:
        raise CollsecError(
            _("must be 0 or more, not {value}").format(value=window_days), field="window_days"
        )
    w = wars.loc[:, [*_WAR_COLUMNS, "Initiator"]].copy()
    # A missing month or day (none in v4.0) is read as the earliest possible
    # date, so that an uncertain entry is never made later than it could be.
    date = pd.to_datetime(
        pd.DataFrame(
            {
                "year": w["StartYear1"].astype(int),
                "month": w["StartMonth1"].fillna(1).astype(int),
                "day": w["StartDay1"].fillna(1).astype(int),
            }
        )
    )
    w["entry"] = date.to_numpy()
    w["is_init"] = (w["Initiator"] == 1).fillna(False).astype(bool)
    w = w.sort_values(["WarNum", "entry", "Side", "ccode"], kind="stable")
    first = w.drop_duplicates(["WarNum", "ccode"], keep="first")
    rows = []
    for _war, g in first.groupby("WarNum", sort=True):
        war = int(g["WarNum"].iloc[0])
        start = g["entry"].min()
        init_side, rule = _initiating_side(g)
        lag = (g["entry"] - start).dt.days
        for (_row, r), d in zip(g.iterrows(), lag, strict=True):
            side = int(r["Side"])
            rows.append(
                {
                    "war_num": war,
                    "war_name": str(r["WarName"]),
                    "ccode": int(r["ccode"]),
                    "side": side,
                    "entry": r["entry"],
                    "war_start": start,
                    "start_year": int(start.year),
                    "original": bool(d <= window_days),
                    "init_side": init_side,
                    "init_rule": rule,
                    "role": "initiator" if side == init_side else "defender",
                }
            )
    return pd.DataFrame(rows)


def _initiating_side(g: pd.DataFrame) -> tuple[int, str]:
    init = g.loc[g["is_init"]]
    sides = sorted({int(s) for s in init["Side"]})
    if len(sides) == 1:
        return sides[0], "coded"
    if not sides:
        return 1, "none"
    earliest = init.loc[init["entry"] == init["entry"].min()]
    counts = earliest["Side"].astype(int).value_counts()
    best = counts[counts == counts.max()].index
    return int(min(best)), "ambiguous"


def joiner_dyads(
    entries: pd.DataFrame,
    *,
    system: pd.DataFrame,
    majors: pd.DataFrame,
    contiguity: pd.DataFrame,
    alliances: pd.DataFrame,
    nmc: pd.DataFrame,
    max_conttype: int = 3,
) -> pd.DataFrame:
    """Return one row per (war, potential joiner) with covariates and outcome.

    Parameters
    ----------
    entries
        From :func:`war_entries`.
    system
        COW state system, one row per state-year (``ccode, stateabb, year``).
    majors
        COW major powers, one row per spell (``ccode, styear, endyear``).
    contiguity
        COW direct contiguity, directed dyad-years (``state1no, state2no,
        year, conttype``).
    alliances
        COW alliances by member-year (``version4id, ccode, year, defense``).
    nmc
        COW capabilities (``ccode, year, cinc``).
    max_conttype
        The loosest contiguity type that counts as a border (1 land; 2, 3, 4,
        5 water up to 12, 24, 150, 400 miles).

    Returns
    -------
    pandas.DataFrame
        ``war_num, war_name, start_year, era, ccode, stateabb`` and the
        :data:`COVARIATES` (booleans and a float; ``log_ratio`` is NaN where
        the joiner's CINC is missing in both years), ``cinc, init_cinc``,
        ``outcome`` (``"defender"``, ``"initiator"`` or ``"none"``) and
        ``joined_defender``. ``attrs["outside"]`` lists the joiners that are not
        potential joiners (not in the system in the start year) as
        ``(war_num, ccode)`` pairs.

    Raises
    ------
    CollsecError
        If a table lacks a column or ``max_conttype`` is not 1-5.
    """
    if max_conttype not in (1, 2, 3, 4, 5):
        raise CollsecError(
            _("must be from {low} to {high}, not {value!r}").format(
                low=1, high=5, value=max_conttype
            ),
            field="max_conttype",
        )
    _require(system, ("ccode", "year"), "system")
    _require(majors, ("ccode", "styear", "endyear"), "majors")
    _require(contiguity, ("state1no", "state2no", "year", "conttype"), "contiguity")
    _require(alliances, ("version4id", "ccode", "year", "defense"), "alliances")
    _require(nmc, ("ccode", "year", "cinc"), "nmc")

    members: dict[int, set[int]] = defaultdict(set)
    for c, y in zip(system["ccode"].astype(int), system["year"].astype(int), strict=True):
        members[y].add(c)
    abb = (
        dict(zip(system["ccode"].astype(int), system["stateabb"].astype(str), strict=True))
        if "stateabb" in system.columns
        else {}
    )
    spells = [
        (int(c), int(a), int(b))
        for c, a, b in zip(majors["ccode"], majors["styear"], majors["endyear"], strict=True)
    ]
    con = contiguity.loc[contiguity["conttype"] <= max_conttype]
    border = set(
        zip(
            con["state1no"].astype(int),
            con["state2no"].astype(int),
            con["year"].astype(int),
            strict=True,
        )
    )
    # (year, ccode) -> {alliance: the member's own defence obligation}
    ties: dict[tuple[int, int], dict[int, bool]] = defaultdict(dict)
    defense = alliances["defense"].fillna(False).astype(bool)
    for a, c, y, d in zip(
        alliances["version4id"].astype(int),
        alliances["ccode"].astype(int),
        alliances["year"].astype(int),
        defense,
        strict=True,
    ):
        ties[(y, c)][a] = ties[(y, c)].get(a, False) or bool(d)
    cinc = {
        (int(c), int(y)): float(v)
        for c, y, v in zip(nmc["ccode"], nmc["year"], nmc["cinc"], strict=True)
        if not pd.isna(v)
    }

    def cinc_of(c: int, year: int) -> float:
        v = cinc.get((c, year - 1), cinc.get((c, year)))
        return math.nan if v is None else max(v, _CINC_FLOOR)

    rows = []
    outside: list[tuple[int, int]] = []
    for _war, g in entries.groupby("war_num", sort=True):
        war = int(g["war_num"].iloc[0])
        year = int(g["start_year"].iloc[0])
        before = year - 1
        orig = g.loc[g["original"]]
        defenders = [int(c) for c in orig.loc[orig["role"] == "defender", "ccode"]]
        initiators = [int(c) for c in orig.loc[orig["role"] == "initiator", "ccode"]]
        later = g.loc[~g["original"]]
        joined = dict(zip(later["ccode"].astype(int), later["role"], strict=True))
        init_c = [cinc_of(c, year) for c in initiators]
        init_cinc = float(np.nansum(init_c)) if initiators else math.nan
        candidates = sorted(members.get(year, set()) - {int(c) for c in orig["ccode"]})
        outside.extend((war, c) for c in sorted(set(joined) - set(candidates)))
        for c in candidates:
            mine = ties.get((before, c), {})
            theirs_d = [ties.get((before, o), {}) for o in defenders]
            theirs_i = [ties.get((before, o), {}) for o in initiators]
            own = cinc_of(c, year)
            role = joined.get(c)
            rows.append(
                {
                    "war_num": war,
                    "war_name": str(g["war_name"].iloc[0]),
                    "start_year": year,
                    "era": era_of(year),
                    "ccode": c,
                    "stateabb": abb.get(c, str(c)),
                    "great_power": any(m == c and a <= before <= b for m, a, b in spells),
                    "contig_defender": any((c, o, before) in border for o in defenders),
                    "contig_initiator": any((c, o, before) in border for o in initiators),
                    "pact_defender": _allied(mine, theirs_d, pact=True),
                    "ally_defender": _allied(mine, theirs_d, pact=False),
                    "ally_initiator": _allied(mine, theirs_i, pact=False),
                    "log_ratio": math.log(init_cinc / own)
                    if init_cinc > 0 and not math.isnan(own)
                    else math.nan,
                    "cinc": own,
                    "init_cinc": init_cinc,
                    "outcome": "none" if role is None else str(role),
                    "joined_defender": role == "defender",
                }
            )
    out = pd.DataFrame(rows)
    out.attrs["outside"] = outside
    return out


def _allied(mine: dict[int, bool], theirs: list[dict[int, bool]], *, pact: bool) -> bool:
    # ``mine`` maps each alliance of the joiner to its own defence obligation:
    # a pact counts only where the joiner itself is bound to defend (O2).
    for other in theirs:
        shared = mine.keys() & other.keys()
        if shared and (not pact or any(mine[a] for a in shared)):
            return True
    return False


def wilson_interval(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Return the Wilson score interval for ``k`` successes in ``n`` trials.

    Parameters
    ----------
    k, n
        Successes and trials (``0 <= k <= n``).
    z
        The normal quantile; the default gives a 95 % interval.

    Returns
    -------
    tuple of float
        ``(low, high)``; ``(nan, nan)`` when ``n`` is 0.

    Raises
    ------
    CollsecError
        If ``k`` is not between 0 and ``n``.

    References
    ----------
    Wilson (1927), "Probable Inference, the Law of Succession, and Statistical
    Inference", *JASA* 22: 209-212.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(0, 10)]
    [0.0, 0.2775]
    """
    if not 0 <= k <= n:
        raise CollsecError(_("need 0 <= k <= n, got k={k}, n={n}").format(k=k, n=n), field="k")
    if n == 0:
        return math.nan, math.nan
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def joining_rates(dyads: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Return the rate of joining the defending side in each cell of ``by``.

    Parameters
    ----------
    dyads
        From :func:`joiner_dyads`.
    by
        Columns that define the cells (may be empty: one overall row).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, then ``n`` (potential joiner-wars), ``wars`` (distinct
        wars), ``joined`` (joins of the defending side), ``joined_initiator``,
        ``rate``, ``low``, ``high`` (Wilson 95 %).
    """
    keys = list(by)
    groups = dyads.groupby(keys, sort=True) if keys else [((), dyads)]
    rows = []
    for key, g in groups:
        vals = key if isinstance(key, tuple) else (key,)
        n = len(g)
        k = int(g["joined_defender"].sum())
        low, high = wilson_interval(k, n)
        rows.append(
            {
                **dict(zip(keys, vals, strict=True)),
                "n": n,
                "wars": int(g["war_num"].nunique()),
                "joined": k,
                "joined_initiator": int((g["outcome"] == "initiator").sum()),
                "rate": k / n if n else math.nan,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class LogitFit:
    """A fitted logistic regression.

    Attributes
    ----------
    names
        The coefficient names (``"const"`` first).
    coef, se, se_cluster
        Estimates, model-based standard errors and standard errors clustered
        by group (NaN without groups).
    n, events
        Observations and ones in ``y``.
    loglik
        The maximised log-likelihood.
    iterations, converged
        Newton-Raphson steps and whether the step size fell below the
        tolerance (a coefficient running off to infinity, i.e. separation,
        shows up as no convergence).
    """

    names: tuple[str, ...]
    coef: np.ndarray
    se: np.ndarray
    se_cluster: np.ndarray
    n: int
    events: int
    loglik: float
    iterations: int
    converged: bool


def fit_logit(
    X: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    *,
    groups: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> LogitFit:
    """Fit ``P(y=1) = 1 / (1 + exp(-(b0 + X b)))`` by Newton-Raphson.

    Parameters
    ----------
    X
        ``[n, p]`` covariates, without the constant (one is added first).
    y
        ``[n]`` zeros and ones.
    names
        ``p`` covariate names.
    groups
        ``[n]`` cluster labels (e.g. the war) for cluster-robust standard
        errors (the sandwich with the usual ``G/(G-1)`` small-sample factor).
    max_iter, tol
        Newton steps at most, and the largest absolute step that counts as
        converged.

    Returns
    -------
    LogitFit

    Raises
    ------
    CollsecError
        If shapes disagree, ``y`` is not 0/1, or the information matrix is
        singular (a constant or collinear covariate).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[0] != y.shape[0] or X.shape[1] != len(names):
        raise CollsecError(
            _("X is {x}, y is {y}, names has {n}; they must agree").format(
                x=X.shape, y=y.shape, n=len(names)
            ),
            field="X",
        )
    if not np.isin(y, (0.0, 1.0)).all():
        raise CollsecError(_("must hold only 0 and 1"), field="y")
    Z = np.column_stack([np.ones(len(y)), X])
    beta = np.zeros(Z.shape[1])
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        p = 1.0 / (1.0 + np.exp(-(Z @ beta)))
        info = (Z * (p * (1 - p))[:, None]).T @ Z
        try:
            step = np.linalg.solve(info, Z.T @ (y - p))
        except np.linalg.LinAlgError as exc:
            raise CollsecError(
                _("the information matrix is singular: a covariate is constant or collinear"),
                field="X",
            ) from exc
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            converged = True
            break
    eta = Z @ beta
    p = 1.0 / (1.0 + np.exp(-eta))
    info = (Z * (p * (1 - p))[:, None]).T @ Z
    cov = np.linalg.inv(info)
    se = np.sqrt(np.diag(cov))
    se_cluster = np.full_like(se, np.nan)
    if groups is not None:
        scores = Z * (y - p)[:, None]
        labels, idx = np.unique(np.asarray(groups), return_inverse=True)
        summed = np.zeros((len(labels), Z.shape[1]))
        np.add.at(summed, idx, scores)
        g = len(labels)
        meat = summed.T @ summed * (g / (g - 1) if g > 1 else 1.0)
        se_cluster = np.sqrt(np.diag(cov @ meat @ cov))
    loglik = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
    return LogitFit(
        names=("const", *names),
        coef=beta,
        se=se,
        se_cluster=se_cluster,
        n=len(y),
        events=int(y.sum()),
        loglik=loglik,
        iterations=it,
        converged=converged,
    )
