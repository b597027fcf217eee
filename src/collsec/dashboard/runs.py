"""The runs the pages show: a chapter's variants, a sandbox comparison, one crisis.

Pure functions (no Streamlit): the app wraps them in its caches. Every run is
the library's own (:func:`collsec.api.simulate`,
:func:`collsec.history.cases.predict_case`); nothing is recomputed here.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from collsec import budget, findings
from collsec.api import simulate
from collsec.dashboard.chapters import NO_DIFFERENCE, CaseVariant, Chapter, Question
from collsec.errors import UnknownNameError
from collsec.history.cases import CasePrediction, predict_case
from collsec.i18n import N_, _
from collsec.results import (
    SUMMARY_METRICS,
    Comparison,
    SimulationResult,
    covered_share,
    interval_of_mean,
)
from collsec.scenario import Scenario, load_scenario, scenario_from_data

Progress = Callable[[int], None]


def apply_overrides(
    sc: Scenario, overrides: Sequence[tuple[str, Any]] | Mapping[str, Any]
) -> Scenario:
    """A validated copy of ``sc`` with dotted-path values replaced.

    Like :meth:`~collsec.scenario.Scenario.with_overrides`, and a whole number
    in the path indexes a list (``arrangements.0.members``).

    Raises
    ------
    UnknownNameError
        If a path does not name a field.
    ScenarioError
        If a value is invalid for its field.
    """
    items = overrides.items() if isinstance(overrides, Mapping) else overrides
    data = sc.to_dict()
    for path, value in items:
        node: Any = data
        parts = path.split(".")
        for k, part in enumerate(parts):
            last = k == len(parts) - 1
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                key: Any = int(part)
            elif isinstance(node, dict) and part in node:
                key = part
            else:
                raise UnknownNameError(
                    _("no such parameter {path!r}").format(path=path), field=path
                )
            if last:
                node[key] = value
            else:
                node = node[key]
    return scenario_from_data(data, source="overrides")


def variant_scenario(ch: Chapter, key: str, seed: int | None = None) -> Scenario:
    """The scenario of one variant of a synthetic chapter, at the chapter's run size."""
    v = ch.variant(key)
    sc = apply_overrides(load_scenario(v.scenario), v.overrides)
    return sc.replace(
        replications=ch.replications,
        horizon=ch.years,
        seed=ch.seed if seed is None else seed,
    )


def run_chapter(
    ch: Chapter, seed: int | None = None, progress: Progress | None = None
) -> Comparison:
    """Every variant of a synthetic chapter, same seed (common random numbers)."""
    results: dict[str, SimulationResult] = {}
    for v in ch.variants:
        sc = variant_scenario(ch, v.key, seed)
        results[v.key] = simulate(sc, v.regime, progress=progress, engine="numpy")
    return Comparison(results)


def metric_interval(result: SimulationResult, metric: str) -> tuple[float, float, float]:
    """Mean of ``metric`` over replications and its 95% interval, the results' own method.

    ``covered_share`` (C2) is the share of wars an arrangement covered
    (:func:`collsec.results.covered_share`); any other name is a summary metric.
    """
    if metric == "covered_share":
        return interval_of_mean(covered_share(result), result.bootstrap())
    return result.intervals()[metric]


def contrast_of(metric: str) -> Any:
    """The regime contrast of :mod:`collsec.findings` that measures ``metric``, or None."""
    return next((c for c in findings.CONTRASTS if c.metric == metric), None)


def finding_for(question: Question, found: Sequence[findings.Finding]) -> findings.Finding | None:
    """The finding that answers ``question``: a contrast on its metric between its two options."""
    c = contrast_of(question.metric)
    if c is None or len(question.options) != 2 or c.other not in question.options:
        return None
    statement = _(c.statement)
    return next((f for f in found if f.claim == c.claim and f.statement == statement), None)


def combination_scenario(ch: Chapter, off: Sequence[str], seed: int | None = None) -> Scenario:
    """The chapter's world with the variants named in ``off`` switched off together.

    Each switch is a variant's overrides; switched off together, their
    overrides are applied one after another (they touch different parameters).
    """
    base = ch.variants[0]
    overrides = [kv for key in off for kv in ch.variant(key).overrides]
    sc = apply_overrides(load_scenario(base.scenario), overrides)
    return sc.replace(
        replications=ch.replications, horizon=ch.years, seed=ch.seed if seed is None else seed
    )


def run_combination(ch: Chapter, off: Sequence[str], seed: int | None = None) -> SimulationResult:
    """One run of the chapter's world with the switches ``off`` (the student's own world)."""
    return simulate(combination_scenario(ch, off, seed), ch.variants[0].regime, engine="numpy")


def answer(
    question: Question, comparison: Comparison, found: Sequence[findings.Finding] = ()
) -> str:
    """The option that answers ``question``, or :data:`NO_DIFFERENCE`.

    A question between two regimes that :mod:`collsec.findings` contrasts is
    answered by that finding's verdict (its effect is oriented: positive means
    the regime the claim favours has the higher value). A question that ranks a
    chapter's variants is answered by their 95% intervals: the option with the
    lowest (highest) mean when its interval lies wholly below (above) every
    other option's; otherwise the run cannot tell them apart.
    """
    f = finding_for(question, found)
    if f is not None:
        c = contrast_of(question.metric)
        cs = next(o for o in question.options if o != c.other)
        higher, lower = (cs, c.other) if c.higher == "cs" else (c.other, cs)
        if f.verdict == "undecided":
            return NO_DIFFERENCE
        top, bottom = (higher, lower) if f.verdict == "holds" else (lower, higher)
        return top if question.pick == "highest" else bottom
    stats = {o: metric_interval(comparison.results[o], question.metric) for o in question.options}
    sign = 1.0 if question.pick == "lowest" else -1.0
    best = min(stats, key=lambda o: sign * stats[o][0])
    _m, lo, hi = stats[best]
    for o, (_m2, lo2, hi2) in stats.items():
        if o == best:
            continue
        clear = hi < lo2 if sign > 0 else lo > hi2
        if not clear:
            return NO_DIFFERENCE
    return best


def predict_variant(
    cv: CaseVariant, data_dir: str | None = None, draws: int | None = None
) -> CasePrediction:
    """The model's prediction of one crisis variant (``collsec case``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return predict_case(
            cv.case,
            data_dir=data_dir,
            draws=draws,
            add_members=cv.add_members,
            remove_members=cv.remove_members,
            rule=cv.rule,
        )


MAX_SECONDS = 30.0
"""The longest sandbox run the app starts (by :func:`collsec.budget.estimate`); a
larger one, or one above the machine's memory (:func:`collsec.budget.check`),
is refused with its estimated cost."""


def refusal(sc: Scenario, regimes: Sequence[str]) -> str | None:
    """Why a sandbox run is refused (its estimated cost), or None when it may start."""
    try:
        est = budget.check(sc, regimes=len(regimes), engine="numpy")
    except budget.BudgetError as err:
        return err.message
    if est.seconds > MAX_SECONDS:
        return _(
            "{reps} replications x {years} years x {n} states x {k} regime(s) would take "
            "{estimate}; a teaching run may take {limit}: use fewer replications, years or regimes"
        ).format(
            reps=sc.replications,
            years=sc.horizon,
            n=budget.n_states(sc),
            k=len(regimes),
            estimate=est.describe(),
            limit=budget.format_seconds(MAX_SECONDS),
        )
    return None


def run_sandbox(
    sc: Scenario, regimes: Sequence[str], progress: Progress | None = None
) -> Comparison:
    """The sandbox's comparison: ``regimes`` on ``sc``'s world, same seeds (C10)."""
    return Comparison({r: simulate(sc, r, progress=progress, engine="numpy") for r in regimes})


def one_replication(sc: Scenario, regime: str, replication: int) -> SimulationResult:
    """Replication ``replication`` of a run again, with per-state detail (the network).

    The same numbers as in the full run: replication ``k`` draws from its own
    seed child whatever else is run (README, Reproducibility).
    """
    one = sc.replace(replications=1, output={"yearly": True, "crises": True, "states": True})
    return simulate(one, regime, first_replication=replication, engine="numpy")


METRIC_MEANINGS: dict[str, str] = {
    **SUMMARY_METRICS,
    "covered_share": N_("share of wars covered by an arrangement (C2)"),
}
"""Each metric's meaning, as a message id (:data:`collsec.results.SUMMARY_METRICS`)."""
