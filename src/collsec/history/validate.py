"""History as a test of the whole model: simulate from real starting conditions.

:func:`validate` starts the simulation from the historical world of 1920 with
the League of Nations and of 1946 with the United Nations
(:func:`~collsec.history.worlds.historical_scenario`), runs each with the
scenario's default parameters to the end of its span, and puts two numbers
beside the Correlates of War record:

- **war onsets per state-year**: wars begun in the span divided by the
  state-years of the system in the span (the record counts each COW
  inter-state war once, in its start year, however many states joined it;
  the model counts each attack once, its coalition included). Beside it the
  model's *deterred* attacks per state-year (would-be attacks the
  arrangement stopped, O5, M1) and their sum with the wars, the *attempted*
  attacks: the onset rate the model would show if the organisation deterred
  no one;
- **the power-law exponent of war severity**, fitted by maximum likelihood
  with a KS-chosen cutoff (:mod:`collsec.history.powerlaw`). The record uses
  battle deaths per war over every war of the Inter-State War Data (about 1.5,
  Clauset 2018); the model's severity is in capability units, and an exponent
  is scale-free, so only exponents are compared.

The tail of the simulated severity is set mostly by ``war.intensity_sigma``
(the log-normal spread of a war's intensity) and by the spread of
capabilities of the states that fight. The core's phase parameters are the
scenario defaults except the history parameters of the ``validation`` block
of ``params.yaml`` (:mod:`collsec.history.validation_settings`), each read
from data: the participation logit fitted on the war record, interest
similarity from General Assembly votes, the organisations' recorded rate of
sanctions after a finding, and a foresight that counts only a coalition that
may fight (docs/history.md, section 4).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from collsec import data
from collsec.api import simulate
from collsec.errors import CollsecError
from collsec.history.powerlaw import PowerLawFit, ccdf, fit_power_law
from collsec.history.preferences import SIMILARITY_SOURCES
from collsec.history.worlds import (
    POWER_MEASURES,
    REVISIONISM_SOURCES,
    HistoryParams,
    historical_scenario,
    load_history_params,
    params_with,
)
from collsec.i18n import _
from collsec.scenario import Parameters

SPANS: tuple[tuple[str, int, int], ...] = (("league", 1920, 1939), ("un", 1946, 2003))
"""The runs: organisation, first and last year (the League's working years; the
UN from its first full year to the last year of the Inter-State War Data)."""


@dataclass
class Validation:
    """Simulated and recorded war statistics.

    Attributes
    ----------
    runs
        Per run: organisation, span, simulated and recorded onsets per
        state-year.
    simulated_fit, record_fit
        Power-law fits of simulated severity (pooled over runs) and of
        recorded battle deaths.
    simulated_severity, record_severity
        The values fitted.
    """

    runs: list[dict[str, Any]]
    simulated_fit: PowerLawFit | None
    record_fit: PowerLawFit
    simulated_severity: np.ndarray
    record_severity: np.ndarray
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def difference(self) -> float | None:
        """Simulated minus recorded exponent."""
        if self.simulated_fit is None:
            return None
        return self.simulated_fit.alpha - self.record_fit.alpha

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        d = self.difference
        return {
            "settings": self.settings,
            "runs": self.runs,
            "severity_exponent": {
                "simulated": None if self.simulated_fit is None else self.simulated_fit.to_dict(),
                "record": self.record_fit.to_dict(),
                "difference": d,
                "within_0.2": None if d is None else abs(d) <= 0.2,
            },
        }


def record_onsets(first: int, last: int, data_dir: Path | str | None) -> dict[str, float]:
    """Wars begun and state-years of the system in ``first..last`` (COW record)."""
    w = data.wars(data_dir=data_dir)
    starts = w.groupby("war_num")["start_year"].min()
    onsets = int(((starts >= first) & (starts <= last)).sum())
    state_years = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", data.DataYearWarning)
        for y in range(first, last + 1):
            state_years += len(data.system_members(y, data_dir=data_dir))
    return {
        "wars": onsets,
        "state_years": state_years,
        "per_state_year": onsets / max(state_years, 1),
    }


def validate(
    *,
    data_dir: Path | str | None = None,
    reps: int = 40,
    seed: int = 20261127,
    hp: HistoryParams | None = None,
    progress: Callable[[int], None] | None = None,
    base: Parameters | None = None,
    power_measure: str | None = None,
    revisionism: str | None = None,
    similarity: str | None = None,
) -> Validation:
    """Simulate 1920 (League) and 1946 (UN) and compare with the record.

    Parameters
    ----------
    data_dir
        The COW data folder.
    reps
        Replications per run.
    seed
        Seed of the runs.
    hp
        History settings (the world's construction).
    progress
        Called with replication-years done.
    base
        Phase parameters. Default: the scenario defaults with the
        ``validation`` block of ``params.yaml`` applied (its ``overrides``, and
        ``response.sanction_penalty`` scaled by its ``sanction_willingness``);
        a ``base`` given is used as it is, for sensitivity studies.
    power_measure
        Capability of the starting worlds: ``cinc`` or ``usable`` (as case
        prediction); ``None`` for the ``validation`` block's.
    revisionism
        ``constant`` (the state default for every state) or ``mids`` (from the
        dispute record before the start, :func:`~collsec.history.worlds.mid_revisionism`);
        ``None`` for the ``validation`` block's.
    similarity
        Interest similarity of the worlds: ``alliances`` (S-score of alliance
        portfolios) or ``unga`` (from 1946, General Assembly ideal points,
        :func:`~collsec.history.preferences.unga_similarity`); ``None`` for
        the ``validation`` block's.

    Raises
    ------
    CollsecError
        If ``reps`` is not positive or the data cannot be read.
    """
    if reps < 1:
        raise CollsecError(_("must be at least 1"), field="reps")
    runs: list[dict[str, Any]] = []
    sev: list[np.ndarray] = []
    # The whole model runs with the scenario's default phase parameters and the
    # history parameters of params.yaml's `validation` block, each read from
    # data (docs/history.md, section 4); the case-prediction overrides are
    # settings of one crisis' response and are not applied here.
    hp = hp or load_history_params()
    vs = hp.validation
    power_measure = power_measure or vs.power_measure
    revisionism = revisionism or vs.revisionism
    similarity = similarity or vs.similarity
    base_given = base
    if base is None:
        base = params_with(vs.overrides)
        response = base.response.model_copy(
            update={"sanction_penalty": base.response.sanction_penalty * vs.sanction_willingness}
        )
        base = base.model_copy(update={"response": response})
    world_hp = hp.with_(
        overrides={},
        power_measure=power_measure,
        revisionism=revisionism,
        similarity=similarity,
        capability_lag=0,
    )
    for name, value, allowed in (
        ("power_measure", power_measure, POWER_MEASURES),
        ("revisionism", revisionism, REVISIONISM_SOURCES),
        ("similarity", similarity, SIMILARITY_SOURCES),
    ):
        if value not in allowed:
            raise CollsecError(
                _("{value!r} is not one of {allowed}").format(
                    value=value, allowed=", ".join(allowed)
                ),
                field=name,
            )
    for org, first, last in SPANS:
        sc = historical_scenario(first, org, data_dir=data_dir, hp=world_hp, base=base)
        years = last - first + 1
        res = simulate(
            sc, "as_specified", replications=reps, years=years, seed=seed, progress=progress
        )
        wars = float(res.yearly["wars"].sum())
        deterred = float(res.yearly["deterred"].sum())
        designated = float(res.yearly["designated"].sum())
        state_years = float(res.yearly["states"].sum())
        if len(res.crises):
            fought = res.crises[res.crises["outcome"] != "deterred"]
            sev.append(np.asarray(fought["severity"], dtype=float))
        rec = record_onsets(first, last, data_dir)
        runs.append(
            {
                "organization": org,
                "first": first,
                "last": last,
                "replications": reps,
                "simulated_per_state_year": wars / max(state_years, 1.0),
                "deterred_per_state_year": deterred / max(state_years, 1.0),
                "attempted_per_state_year": (wars + deterred) / max(state_years, 1.0),
                "designated_share_of_wars": designated / wars if wars else None,
                "record_per_state_year": rec["per_state_year"],
                "record_wars": rec["wars"],
                "record_state_years": rec["state_years"],
            }
        )
    sim = np.concatenate(sev) if sev else np.zeros(0)
    sim = sim[np.isfinite(sim) & (sim > 0)]
    deaths = data.war_battle_deaths(data_dir=data_dir)["battle_deaths"]
    rec_sev = deaths.dropna().to_numpy(dtype=float)
    rec_fit = fit_power_law(rec_sev)
    sim_fit = fit_power_law(sim) if len(sim) >= 10 else None
    settings = {
        "power_measure": power_measure,
        "revisionism": revisionism,
        "similarity": similarity,
        "sanction_penalty": base.response.sanction_penalty,
        "overrides": dict(vs.overrides) if base_given is None else {},
    }
    return Validation(runs, sim_fit, rec_fit, sim, rec_sev, settings)


def plot_ccdf(v: Validation, path: Path) -> Path:
    """Write both complementary CDFs (log-log), each against its own fitted cutoff."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    for values, fit, label in (
        (v.record_severity, v.record_fit, _("record: battle deaths (COW)")),
        (v.simulated_severity, v.simulated_fit, _("model: severity (capability)")),
    ):
        if fit is None or len(values) == 0:
            continue
        x, p = ccdf(values)
        ax.loglog(x / fit.xmin, p, ".", ms=3, label=f"{label}, alpha={fit.alpha:.2f}")
        xs = np.logspace(0, np.log10(max(x.max() / fit.xmin, 1.01)), 50)
        share = fit.n_tail / fit.n
        ax.loglog(xs, share * xs ** (1.0 - fit.alpha), "-", lw=1)
    ax.set_xlabel(_("severity / fitted xmin"))
    ax.set_ylabel("P(X >= x)")
    ax.set_title(_("War severity: complementary CDF"))
    ax.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
