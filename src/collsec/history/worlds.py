"""Historical worlds: a :class:`~collsec.scenario.Scenario` for any year from the COW data.

:func:`historical_scenario` turns the Correlates of War record of one year into
an :class:`~collsec.scenario.ExplicitWorld` with one collective-security
arrangement, the League of Nations (C4, C5, C15) or the United Nations (C9):

- **states**: the members of the state system that year; code = COW numeric
  code as a string, name = COW abbreviation;
- **capability**: the CINC score (NMC);
- **arms share**: how militarised a state is relative to its weight,
  ``arms_i = clip(arms_initial * m_i / cinc_i, arms_min, arms_max)`` where
  ``m_i`` is the mean of the state's shares of the system's military
  expenditure and military personnel (the military components of CINC) and the
  three numbers come from the scenario's arming parameters: a state exactly as
  militarised as it is strong gets the default arms share;
- **great powers**: the COW major powers of the year;
- **contiguity** (``edges``): COW direct contiguity up to a water type;
- **similarity**: Signorino and Ritter's (1999) S over valued alliance
  portfolios (:func:`s_score`), rescaled to [0, 1];
- **alliances**: one tie per allied pair, its strength from its strongest
  obligation (``tie_strength`` in ``params.yaml``);
- **revisionism**: the :class:`~collsec.scenario.StateSpec` default, or with
  ``revisionism: mids`` the share of the preceding years in which the state
  was a revisionist party to a militarized dispute (:func:`mid_revisionism`);
- **arrangement**: the League's or the UN's members that year, and its deciding
  body as the decision rule (:func:`league_council_rule`, :func:`un_council_rule`).

Where a year is past the end of a data set, the data layer uses its last year
and warns; the scenario's description records every year actually used, and
:func:`historical_record` gives them apart (:func:`describe_data_years` says
them in the active language).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from collsec import data
from collsec.errors import CollsecError
from collsec.history.preferences import SIMILARITY_SOURCES, UNGA_FIRST_YEAR, unga_similarity
from collsec.history.validation_settings import ValidationSettings, parse_validation
from collsec.i18n import N_, _
from collsec.scenario import (
    AllianceSpec,
    ArrangementSpec,
    AutomaticRule,
    CouncilRule,
    ExplicitWorld,
    MajorityRule,
    Parameters,
    Scenario,
    StateSpec,
    UnanimityRule,
)

Org = Literal["league", "un"]
ORGS: tuple[str, ...] = ("league", "un")
ORG_NAMES = {"league": N_("League of Nations"), "un": N_("United Nations")}
"""The organisations' names (English; translate with ``_`` where shown)."""

DATA_SETS: dict[str, str] = {
    "system": N_("system"),
    "capabilities": N_("capabilities"),
    "majors": N_("majors"),
    "org": N_("org"),
    "league": N_("league"),
    "un": N_("un"),
    "contiguity": N_("contiguity"),
    "alliances": N_("alliances"),
}
"""What each data set of a historical world is, as its year and its notes name it."""

FloatArray = NDArray[np.float64]

UN_P5_BASE: tuple[str, ...] = ("2", "200", "220", "365")
"""USA, United Kingdom, France, Soviet Union / Russia (UN Charter art. 23)."""

ROC, PRC = "713", "710"
"""China's seat: the Republic of China through 1971, the People's Republic from 1972
(General Assembly resolution 2758 of 25 October 1971 changed it late in 1971)."""


def league_nonpermanent_seats(year: int) -> int:
    """Non-permanent seats of the League Council in ``year`` (Walters 1952).

    Four in 1920-1922, six from 1923 (Assembly decision of September 1922),
    nine from 1927 (reform of September 1926), ten from 1934 and eleven from
    1937. The data do not hold the Council's composition, so which states held
    these seats is left to chance (a draw per crisis).
    """
    if year <= 1922:
        return 4
    if year <= 1926:
        return 6
    if year <= 1933:
        return 9
    if year <= 1936:
        return 10
    return 11


def league_council_rule(
    permanent: tuple[str, ...], year: int, absent: tuple[str, ...] = ()
) -> CouncilRule:
    """The League Council as a decision rule: unanimity of the Council, parties excluded.

    The permanent members are approximated by the great powers that were
    League members that year (docs/history.md). Unanimity of the seated
    members is a council whose quota equals its seats: every present voter
    must say yes (Covenant art. 5 and 15; C4, C15).
    """
    seats = max(len(permanent) + league_nonpermanent_seats(year), 1)
    return CouncilRule(
        permanent=permanent,
        seats=seats,
        quota=seats,
        veto=True,
        absent=absent,
        parties_vote=False,
    )


def un_permanent(year: int) -> tuple[str, ...]:
    """State codes of the five permanent members of the Security Council in ``year``."""
    return (*UN_P5_BASE, ROC if year <= 1971 else PRC)


def un_council_rule(
    permanent: tuple[str, ...], year: int, absent: tuple[str, ...] = ()
) -> CouncilRule:
    """The Security Council: 9 of 15 (7 of 11 before 1966), veto, parties vote (C9).

    An absent permanent member does not block (the practice since Korea,
    June 1950): absent members are removed from the voters.
    """
    seats, quota = (15, 9) if year >= 1966 else (11, 7)
    return CouncilRule(
        permanent=permanent, seats=seats, quota=quota, veto=True, absent=absent, parties_vote=True
    )


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class HistoryParams:
    """The global settings of historical worlds and case prediction (``params.yaml``)."""

    draws: int = 2000
    seed: int = 20261127
    contiguity_max_type: int = 2
    tie_strength: dict[str, float] = field(
        default_factory=lambda: {
            "defense": 1.0,
            "neutrality": 0.6,
            "nonaggression": 0.6,
            "entente": 0.3,
        }
    )
    reversed_low: float = 0.35
    reversed_high: float = 0.8
    power_measure: str = "cinc"
    revisionism: str = "constant"
    revisionism_window: int = 10
    similarity: str = "alliances"
    capability_lag: int = 0
    validation: ValidationSettings = field(default_factory=ValidationSettings)
    overrides: dict[str, Any] = field(default_factory=dict)
    obligation: dict[str, float] = field(default_factory=dict)
    instruments: dict[str, tuple[str, ...]] = field(default_factory=dict)
    probability_model: dict[str, Any] = field(default_factory=dict)

    def with_(self, **changes: Any) -> HistoryParams:
        """Return a copy with fields replaced."""
        values = {k: getattr(self, k) for k in self.__dataclass_fields__}
        values.update(changes)
        return HistoryParams(**values)


HISTORY_KEYS: tuple[str, ...] = (
    "draws",
    "seed",
    "contiguity_max_type",
    "tie_strength",
    "power_measure",
    "revisionism",
    "revisionism_window",
    "capability_lag",
    "reversed_cutoffs",
    "overrides",
    "obligation",
    "instruments",
    "probability_model",
    "similarity",
    "validation",
)
"""The keys of a history parameter file (``params.yaml``); any other is an error."""

MAX_DRAWS = 100_000
"""Most Monte Carlo draws of one case (each holds a few ``[draws, states]`` arrays)."""

_MERGED = (
    "tie_strength",
    "reversed_cutoffs",
    "overrides",
    "obligation",
    "instruments",
    "validation",
)


def _read_params_file(path: Path | str | None) -> tuple[Any, str]:
    from collsec.textformats import parse_structured

    source = str(path) if path is not None else "collsec/history/params.yaml"
    try:
        if path is None:
            text = (resources.files("collsec.history") / "params.yaml").read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CollsecError(
            _("cannot read the history parameters: {reason}").format(reason=err), source=source
        ) from None
    suffix = Path(source).suffix.lower()
    raw = parse_structured(text, suffix if suffix in (".toml", ".json") else ".yaml", source)
    if raw is None:
        raise CollsecError(_("is empty: give at least one history parameter"), source=source)
    if not isinstance(raw, dict):
        raise CollsecError(_("must be a mapping"), source=source)
    for key in raw:
        if key not in HISTORY_KEYS:
            raise CollsecError(
                _("unknown history parameter {key!r}: choose from {choices}").format(
                    key=str(key), choices=", ".join(HISTORY_KEYS)
                ),
                source=source,
                field=str(key),
            )
    return raw, source


def _whole(raw: dict[str, Any], key: str, source: str) -> int:
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise CollsecError(
            _("{value!r} is not a whole number").format(value=value), source=source, field=key
        )
    return value


def _number(value: Any, source: str, fld: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise CollsecError(
            _("{value!r} is not a number").format(value=value), source=source, field=fld
        )
    return float(value)


def _table(raw: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise CollsecError(_("must be a mapping"), source=source, field=key)
    return {str(k): v for k, v in value.items()}


def load_history_params(path: Path | str | None = None) -> HistoryParams:
    """Read the global parameter set: the bundled ``params.yaml``, or a file over it.

    A file given with ``path`` changes the bundled set: the keys it names
    replace the bundled ones (a mapping such as ``overrides`` or
    ``tie_strength`` entry by entry); every other key keeps its bundled
    value, so ``draws: 500`` alone changes only the draws.

    Raises
    ------
    CollsecError
        If the file cannot be read, names a key that is not a history
        parameter (a typo such as ``draw``, or a scenario file), or a value is
        invalid; the message names the file and the key.
    """
    raw, bundled_source = _read_params_file(None)
    source = bundled_source
    if path is not None:
        mine, source = _read_params_file(path)
        for key, value in mine.items():
            if key in _MERGED and isinstance(value, dict) and isinstance(raw.get(key), dict):
                raw[key] = {**raw[key], **value}
            else:
                raw[key] = value
    for key in ("draws", "seed", "contiguity_max_type", "revisionism_window", "capability_lag"):
        if key in raw:
            raw[key] = _whole(raw, key, source)
    cut = _table(raw, "reversed_cutoffs", source)
    for key in cut:
        if key not in ("low", "high"):
            raise CollsecError(
                _("unknown history parameter {key!r}: choose from {choices}").format(
                    key=key, choices="low, high"
                ),
                source=source,
                field=f"reversed_cutoffs.{key}",
            )
    defaults = HistoryParams()
    ties = _table(raw, "tie_strength", source)
    instruments = _table(raw, "instruments", source)
    for org, listed in instruments.items():
        if not isinstance(listed, list | tuple):
            raise CollsecError(
                _("must be a list of instruments"), source=source, field=f"instruments.{org}"
            )
    overrides = _table(raw, "overrides", source)
    hp = HistoryParams(
        draws=raw.get("draws", defaults.draws),
        seed=raw.get("seed", defaults.seed),
        contiguity_max_type=raw.get("contiguity_max_type", defaults.contiguity_max_type),
        tie_strength={k: _number(v, source, f"tie_strength.{k}") for k, v in ties.items()}
        or defaults.tie_strength,
        reversed_low=_number(cut.get("low", 0.35), source, "reversed_cutoffs.low"),
        reversed_high=_number(cut.get("high", 0.8), source, "reversed_cutoffs.high"),
        power_measure=str(raw.get("power_measure", defaults.power_measure)),
        revisionism=str(raw.get("revisionism", defaults.revisionism)),
        revisionism_window=raw.get("revisionism_window", defaults.revisionism_window),
        similarity=str(raw.get("similarity", defaults.similarity)),
        capability_lag=raw.get("capability_lag", defaults.capability_lag),
        validation=parse_validation(raw.get("validation"), source),
        overrides=overrides,
        obligation={
            k: _number(v, source, f"obligation.{k}")
            for k, v in _table(raw, "obligation", source).items()
        },
        instruments={k: tuple(str(x) for x in v) for k, v in instruments.items()},
        probability_model=_table(raw, "probability_model", source),
    )
    if not 0.0 <= hp.reversed_low <= hp.reversed_high <= 1.0:
        raise CollsecError(_("need 0 <= low <= high <= 1"), source=source, field="reversed_cutoffs")
    if not 1 <= hp.draws <= MAX_DRAWS:
        raise CollsecError(
            _("must be from 1 to {n}").format(n=MAX_DRAWS), source=source, field="draws"
        )
    if hp.seed < 0:
        raise CollsecError(_("must be non-negative"), source=source, field="seed")
    for fld, allowed in (
        ("revisionism", REVISIONISM_SOURCES),
        ("power_measure", POWER_MEASURES),
        ("similarity", SIMILARITY_SOURCES),
        ("validation.revisionism", REVISIONISM_SOURCES),
        ("validation.power_measure", POWER_MEASURES),
        ("validation.similarity", SIMILARITY_SOURCES),
    ):
        obj = hp.validation if fld.startswith("validation.") else hp
        value = getattr(obj, fld.rsplit(".", 1)[-1])
        if value not in allowed:
            raise CollsecError(
                _("{value!r} is not one of {allowed}").format(
                    value=value, allowed=", ".join(allowed)
                ),
                source=source,
                field=fld,
            )
    if hp.revisionism_window < 1:
        raise CollsecError(_("must be at least 1"), source=source, field="revisionism_window")
    if not 0 <= hp.capability_lag <= 10:
        raise CollsecError(_("must be from 0 to 10"), source=source, field="capability_lag")
    try:
        params_with(hp.overrides)
    except CollsecError as err:
        raise CollsecError(err.message, source=source, field=f"overrides.{err.field}") from None
    return hp


# --------------------------------------------------------------------------- pieces


def region_of(ccode: int) -> str:
    """COW region of a state code: Americas, Europe, Africa, Middle East, Asia, Oceania."""
    if ccode < 200:
        return "Americas"
    if ccode < 400:
        return "Europe"
    if ccode < 630:
        return "Africa"
    if ccode < 700:
        return "Middle East"
    if ccode < 900:
        return "Asia"
    return "Oceania"


POWER_MEASURES: tuple[str, ...] = ("cinc", "usable")
"""How capability and arms are read from the NMC data (``power_measure``, docs/history.md)."""


REVISIONISM_SOURCES: tuple[str, ...] = ("constant", "mids")
"""Where a state's revisionism comes from (``revisionism``, docs/history.md): the
:class:`~collsec.scenario.StateSpec` default for every state, or the MID record."""


def mid_revisionism(
    year: int, codes: list[int], window: int, *, data_dir: Path | str | None = None
) -> FloatArray:
    """Revisionism from the Militarized Interstate Dispute record before ``year``.

    ``q_i`` is the share of the ``window`` years before ``year`` in which
    state ``i`` was a *revisionist state* (MIDB ``revstate``: a participant
    that sought to change the status quo; Jones, Bremer and Singer 1996) in at
    least one militarized dispute. It is an observed yearly frequency of
    seeking change by threat, display or use of force, so it lies in [0, 1]
    like the model's revisionism and needs no scale. A state absent from the
    record scores 0.

    Parameters
    ----------
    year
        The first simulated year; only disputes active before it count.
    codes
        COW state codes, in world order.
    window
        Years of record read (``revisionism_window`` in ``params.yaml``).
    data_dir
        The COW data folder.

    Returns
    -------
    numpy.ndarray
        ``[len(codes)]`` in [0, 1].
    """
    mids = data.load_midb(data_dir)
    lo = year - window
    rev = mids[
        mids["revstate"].fillna(False).astype(bool)
        & (mids["styear"] < year)
        & (mids["endyear"].fillna(mids["styear"]) >= lo)
    ]
    starts = rev["styear"].to_numpy(dtype=np.int64)
    ends = rev["endyear"].fillna(rev["styear"]).to_numpy(dtype=np.int64)
    states = rev["ccode"].to_numpy(dtype=np.int64)
    years: dict[int, set[int]] = {}
    for c, st, en in zip(states, starts, ends, strict=True):
        years.setdefault(int(c), set()).update(range(max(int(st), lo), min(int(en), year - 1) + 1))
    return np.array([len(years.get(c, ())) / window for c in codes], dtype=np.float64)


def _shares(caps: pd.DataFrame, cols: tuple[str, ...]) -> FloatArray:
    """``[len(cols), n]``: each state's share of each column's system total (NaN: missing)."""
    shares = []
    for col in cols:
        v = caps[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        # COW codes a missing value as -9; a negative amount is missing too.
        v = np.where(v >= 0, v, np.nan)
        tot = np.nansum(v)
        shares.append(v / tot if tot > 0 else np.full(len(v), np.nan))
    return np.vstack(shares)


def _mean_share(stacked: FloatArray) -> FloatArray:
    """Mean over the available components (a missing one is left out, as in CINC)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out: FloatArray = np.nanmean(stacked, axis=0)
    return out


def usable_capability(caps: pd.DataFrame) -> FloatArray:
    """Usable capability: the mean of a state's shares of military expenditure,
    iron and steel production and primary energy consumption.

    These are the CINC components that measure what a state can produce and
    pay for; total population, urban population and military personnel are
    left out because head count without industry overstates the power a poor
    populous state can bring to bear (Beckley 2010, 2018: CINC overstates
    China above all). A missing component is left out, as in CINC; a state
    with none of the three gets NaN (the caller's floor).
    """
    return _mean_share(_shares(caps, ("milex", "irst", "pec")))


def arms_shares(
    caps: pd.DataFrame, params: Parameters, capability: FloatArray | None = None
) -> FloatArray:
    """Arms share of each state from the military components of CINC.

    ``m_i`` is the mean of the state's shares of the system's military
    expenditure and military personnel (a missing component is left out, as
    in CINC itself); the arms share is
    ``clip(arms_initial * m_i / cinc_i, arms_min, arms_max)``. A state with no
    military data gets ``arms_initial``.

    With ``capability`` (the usable measure, :func:`usable_capability`),
    ``m_i`` is the share of military expenditure alone (military personnel
    where expenditure is missing) and it is divided by that capability:
    spending pays for soldiers and their equipment, so counting personnel
    besides would count a mass army twice.
    """
    a = params.arming
    if capability is None:
        m = _mean_share(_shares(caps, ("milex", "milper")))
        cinc = caps["cinc"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    else:
        milex, milper = _shares(caps, ("milex", "milper"))
        m = np.where(np.isfinite(milex), milex, milper)
        cinc = capability
    ratio = np.where(np.isfinite(m) & (cinc > 0), m / np.where(cinc > 0, cinc, 1.0), np.nan)
    out: FloatArray = np.where(
        np.isfinite(ratio),
        np.clip(a.arms_initial * ratio, a.arms_min, a.arms_max),
        a.arms_initial,
    )
    return out


def tie_matrix(codes: list[int], ties: pd.DataFrame, strength: dict[str, float]) -> FloatArray:
    """Alliance tie strength between every pair, ``[n, n]``, the strongest obligation counting."""
    index = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    t = np.zeros((n, n))
    for row in ties.itertuples(index=False):
        i, j = index.get(int(str(row.ccode1))), index.get(int(str(row.ccode2)))
        if i is None or j is None or i == j:
            continue
        s = max(
            (
                strength.get(k, 0.0)
                for k in ("defense", "neutrality", "nonaggression", "entente")
                if bool(getattr(row, k))
            ),
            default=0.0,
        )
        t[i, j] = t[j, i] = max(t[i, j], s)
    return t


def s_score(portfolio: FloatArray) -> FloatArray:
    """Signorino and Ritter's (1999) S between every pair of alliance portfolios.

    ``portfolio[i, k]`` is state ``i``'s tie to state ``k`` on a valued scale
    (its own entry at the top of the scale). With ``d_ij = sum_k |x_ik - x_jk|``
    and ``d_max`` the largest possible distance (the number of states times
    the scale's range), ``S_ij = 1 - 2 d_ij / d_max`` lies in [-1, 1]; identical
    portfolios give 1. Unweighted (every state counts the same).

    Returns
    -------
    numpy.ndarray
        ``[n, n]``, symmetric, ones on the diagonal.
    """
    n = portfolio.shape[0]
    if n == 0:
        return np.zeros((0, 0))
    rng = float(portfolio.max() - portfolio.min()) or 1.0
    d = np.abs(portfolio[:, None, :] - portfolio[None, :, :]).sum(axis=-1)
    s: FloatArray = 1.0 - 2.0 * d / (n * rng)
    return s


# --------------------------------------------------------------------------- the scenario


def _quiet(fn: Any, *args: Any, notes: list[str], what: str, **kw: Any) -> pd.DataFrame:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df: pd.DataFrame = fn(*args, **kw)
    for w in caught:
        if issubclass(w.category, data.DataYearWarning):
            # The data layer words the substitution in the active language; so
            # is the data set it is about.
            note = f"{_(DATA_SETS.get(what, what))}: {w.message}"
            notes.append(note)
            warnings.warn(note, data.DataYearWarning, stacklevel=3)
    return df


@dataclass(frozen=True)
class HistoricalRecord:
    """A historical scenario with the year of each data set it used and the notes on them.

    Attributes
    ----------
    scenario
        The scenario; its description says the years and the notes in one line.
    data_years
        ``(data set, year used)`` pairs, keys of :data:`DATA_SETS`.
    notes
        One line per data set whose last year stood in for the one asked.
    """

    scenario: Scenario
    data_years: tuple[tuple[str, int | None], ...]
    notes: tuple[str, ...]


def describe_data_years(org: str, year: int, data_years: Sequence[tuple[str, Any]]) -> str:
    """``League of Nations, 1935: COW data of the years system 1935, ...`` in the active language.

    Examples
    --------
    >>> describe_data_years("un", 1950, [("system", 1950), ("alliances", 1950)])
    'United Nations, 1950: COW data of the years system 1950, alliances 1950'
    """
    years = ", ".join(f"{_(DATA_SETS.get(k, k))} {v}" for k, v in data_years)
    return _("{organisation}, {year}: COW data of the years {years}").format(
        organisation=_(ORG_NAMES[org]), year=year, years=years
    )


def historical_scenario(
    year: int,
    org: str,
    *,
    data_dir: Path | str | None = None,
    hp: HistoryParams | None = None,
    absent: tuple[str, ...] = (),
    base: Parameters | None = None,
) -> Scenario:
    """Build the scenario of ``year`` with the League (``org="league"``) or the UN.

    The scenario of :func:`historical_record`, which takes the same arguments
    and raises the same errors.
    """
    return historical_record(year, org, data_dir=data_dir, hp=hp, absent=absent, base=base).scenario


def historical_record(
    year: int,
    org: str,
    *,
    data_dir: Path | str | None = None,
    hp: HistoryParams | None = None,
    absent: tuple[str, ...] = (),
    base: Parameters | None = None,
) -> HistoricalRecord:
    """Build the scenario of ``year`` with the League (``org="league"``) or the UN.

    Parameters
    ----------
    year
        The year whose data are used (each data set's last year if later).
    org
        ``league`` or ``un``.
    data_dir
        The COW data folder (else ``$COLLSEC_DATA_DIR``, else the download cache).
    hp
        Global history settings (the bundled ``params.yaml`` by default).
    absent
        State codes of council members absent from the vote.
    base
        Phase parameters (default: the scenario defaults with ``hp.overrides``).

    Returns
    -------
    HistoricalRecord
        The scenario (one state per system member, one collective-security
        arrangement), the data years it used and the notes on them.

    Raises
    ------
    CollsecError
        If ``org`` is unknown, the organisation did not exist in ``year``, or
        the data cannot be read.
    """
    if org not in ORGS:
        raise CollsecError(
            _("unknown organisation {org!r}: choose league or un").format(org=org), field="org"
        )
    hp = hp or load_history_params()
    params = base or params_with(hp.overrides)
    notes: list[str] = []
    system = _quiet(data.system_members, year, notes=notes, what="system", data_dir=data_dir)
    noted = len(notes)
    caps = _quiet(data.capabilities, year, notes=notes, what="capabilities", data_dir=data_dir)
    caps_year = caps.attrs.get("year")
    if hp.capability_lag:
        # The balance before the crisis: the crisis year's own figures carry
        # its mobilisation (docs/history.md). A state with no figures for the
        # earlier year (new to the system) keeps its own year's. When the
        # crisis year was already past the data, the lagged year's note would
        # say the same substitution again: it is kept once.
        lag_notes: list[str] = []
        with warnings.catch_warnings():
            if len(notes) > noted:
                warnings.simplefilter("ignore", data.DataYearWarning)
            before = _quiet(
                data.capabilities,
                year - hp.capability_lag,
                notes=lag_notes,
                what="capabilities",
                data_dir=data_dir,
            )
        if len(notes) == noted:
            notes.extend(lag_notes)
        fresh = caps[~caps["ccode"].isin(before["ccode"])]
        # Read before the concat, which drops attrs that differ between its inputs.
        caps_year = before.attrs.get("year")
        caps = pd.concat([before, fresh], ignore_index=True)
    majors = _quiet(data.major_powers, year, notes=notes, what="majors", data_dir=data_dir)
    members_fn = data.league_members if org == "league" else data.un_members
    orgm = _quiet(members_fn, year, notes=notes, what=org, data_dir=data_dir)
    league_gone = org == "league" and not 1920 <= year <= 1946
    if league_gone or (org == "un" and year < 1945) or orgm.empty:
        raise CollsecError(
            _("the {org} did not exist in {year}").format(org=_(ORG_NAMES[org]), year=year),
            field="year",
        )
    cont = _quiet(
        data.contiguity,
        year,
        notes=notes,
        what="contiguity",
        max_type=hp.contiguity_max_type,
        data_dir=data_dir,
    )
    ties = _quiet(data.alliance_ties, year, notes=notes, what="alliances", data_dir=data_dir)

    sys_codes = sorted(int(c) for c in system["ccode"])
    abb = {int(str(r.ccode)): str(r.stateabb) for r in system.itertuples(index=False)}
    caps = caps[caps["ccode"].isin(sys_codes)].set_index("ccode").reindex(sys_codes)
    caps = caps.reset_index()
    cinc: FloatArray
    if hp.power_measure == "usable":
        cinc = usable_capability(caps)
    else:
        raw_cinc = caps["cinc"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        cinc = np.asarray(raw_cinc, dtype=np.float64)
    positive = cinc[np.isfinite(cinc) & (cinc > 0)]
    floor = float(positive.min()) / 2.0 if positive.size else 1e-6
    # A state with no CINC (or zero) gets half the smallest observed score:
    # it exists and can be attacked, but weighs almost nothing.
    cinc = np.where(np.isfinite(cinc) & (cinc > 0), cinc, floor).astype(np.float64)
    arms = arms_shares(caps, params, cinc if hp.power_measure == "usable" else None)
    gp = {int(c) for c in majors["ccode"]}
    revisionism: FloatArray | None = None
    if hp.revisionism == "mids":
        revisionism = mid_revisionism(year, sys_codes, hp.revisionism_window, data_dir=data_dir)
    tmat = tie_matrix(sys_codes, ties, hp.tie_strength)
    top = max(hp.tie_strength.values(), default=1.0) or 1.0
    portfolio = tmat.copy()
    np.fill_diagonal(portfolio, top)
    sim = np.clip((s_score(portfolio) + 1.0) / 2.0, 0.0, 1.0)
    if hp.similarity == "unga" and year >= UNGA_FIRST_YEAR:
        sim = unga_similarity(year, sys_codes, sim, data_dir=data_dir)
    states = tuple(
        StateSpec(
            code=str(c),
            name=abb.get(c, str(c)),
            capability=float(cinc[i]),
            arms=float(arms[i]),
            region=region_of(c),
            great_power=c in gp,
            # Without a source the StateSpec default applies to every state.
            **({} if revisionism is None else {"revisionism": float(revisionism[i])}),
        )
        for i, c in enumerate(sys_codes)
    )
    in_sys = set(sys_codes)
    edges = tuple(
        sorted(
            {
                (str(min(a, b)), str(max(a, b)))
                for a, b in zip(cont["ccode1"].astype(int), cont["ccode2"].astype(int), strict=True)
                if a in in_sys and b in in_sys and a != b
            }
        )
    )
    alliances = tuple(
        AllianceSpec(members=(str(sys_codes[i]), str(sys_codes[j])), strength=float(tmat[i, j]))
        for i in range(len(sys_codes))
        for j in range(i + 1, len(sys_codes))
        if tmat[i, j] > 0
    )
    members = tuple(str(c) for c in sorted(int(x) for x in orgm["ccode"]) if c in in_sys)
    codes = {s.code for s in states}
    bad_absent = [c for c in absent if c not in codes]
    if bad_absent:
        raise CollsecError(
            _("state code {code!r} is not a state of the system in {year}").format(
                code=bad_absent[0], year=year
            ),
            field="absent",
        )
    arrangement = org_arrangement(
        org,
        year,
        members,
        tuple(s.code for s in states if s.great_power),
        codes,
        absent,
        obligation=hp.obligation.get(org),
        instruments=hp.instruments.get(org),
    )
    used = {
        "system": system.attrs.get("year"),
        "capabilities": caps_year,
        "org": orgm.attrs.get("year"),
        "contiguity": cont.attrs.get("year"),
        "alliances": ties.attrs.get("year"),
    }
    desc = f"{arrangement.name}, {year}: COW data of the years " + ", ".join(
        f"{k} {v}" for k, v in used.items()
    )
    if notes:
        desc += ". " + "; ".join(notes)
    sc = Scenario(
        name=f"{org}-{year}",
        description=desc,
        world=ExplicitWorld(
            states=states,
            edges=edges,
            similarity=tuple(tuple(float(x) for x in row) for row in sim),
            alliances=alliances,
        ),
        arrangements=(arrangement,),
        params=params,
    )
    return HistoricalRecord(sc, tuple(used.items()), tuple(dict.fromkeys(notes)))


RULES: tuple[str, ...] = ("automatic", "unanimity", "majority", "council")
"""Decision rules a counterfactual may impose (``--rule``)."""


def org_arrangement(
    org: str,
    year: int,
    members: tuple[str, ...],
    great_powers: tuple[str, ...],
    codes: set[str],
    absent: tuple[str, ...] = (),
    rule: str | None = None,
    obligation: float | None = None,
    instruments: tuple[str, ...] | None = None,
) -> ArrangementSpec:
    """The organisation's arrangement: its members and its deciding body.

    Parameters
    ----------
    org
        ``league`` or ``un``.
    year
        The year (sets council size and the Chinese seat).
    members
        Member state codes.
    great_powers
        The great powers of the year (League: the permanent Council seats).
    codes
        Every state code of the world.
    absent
        Council members absent from the vote.
    rule
        ``None`` for the organisation's own rule, else one of :data:`RULES`
        (a counterfactual): ``unanimity`` of all members, a simple
        ``majority`` of all members (parties excluded), the organisation's
        ``council``, or ``automatic`` designation.
    obligation, instruments
        How binding the promise to act is, and the measures it may take;
        ``None`` keeps the :class:`~collsec.scenario.ArrangementSpec` default.
    """
    if rule is not None and rule not in RULES:
        raise CollsecError(
            _("unknown rule {rule!r}: choose one of {rules}").format(
                rule=rule, rules=", ".join(RULES)
            ),
            field="rule",
        )
    if org == "league":
        perm = tuple(c for c in members if c in set(great_powers))
        council = league_council_rule(perm, year, absent)
        name = "League of Nations"
    else:
        perm = tuple(c for c in un_permanent(year) if c in codes)
        council = un_council_rule(perm, year, absent)
        name = "United Nations"
    spec: Any
    if rule in (None, "council"):
        spec = council
    elif rule == "automatic":
        spec = AutomaticRule()
    elif rule == "unanimity":
        spec = UnanimityRule(parties_vote=False)
    else:
        spec = MajorityRule(parties_vote=False)
    extra: dict[str, Any] = {} if obligation is None else {"obligation": obligation}
    if instruments is not None:
        extra["instruments"] = instruments
    return ArrangementSpec(
        name=name, kind="collective_security", members=members, decision_rule=spec, **extra
    )


def params_with(overrides: dict[str, Any]) -> Parameters:
    """The default phase parameters with dotted ``params.*`` overrides applied."""
    if not overrides:
        return Parameters()
    sc = Scenario(
        world=ExplicitWorld(
            states=(StateSpec(code="A", capability=1.0), StateSpec(code="B", capability=1.0)),
            edges=(("A", "B"),),
        )
    )
    return sc.with_overrides(overrides).params
