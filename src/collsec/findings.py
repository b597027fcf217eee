"""Findings: what a run, a comparison or a sweep shows about the theory, computed once.

A :class:`Finding` is one claim of THEORY.md the results bear on, the claim in a
sentence, the measured effect with its 95% interval, and a verdict. The command
line (``collsec``, ``collsec compare``, ``collsec run``), the report
(:mod:`collsec.report`) and the dashboard all show these findings; none of them
computes them again.

What is measured
----------------
Contrasts between regimes, oriented so that a positive effect is what the claim
predicts (the collective-security regime is ``collective_security`` when the
comparison has it, else ``ideal_collective_security``):

====== ======================================================================
claim  effect
====== ======================================================================
C13    war rate per state-year, self-help minus collective security
C13    weakest-quartile survival, collective security minus self-help
C14    arms share, self-help minus collective security
C5/M1  attacks deterred per state-year, collective security minus self-help
C2/C12 share of wars covered by an arrangement, collective security minus
       collective defence (needs the yearly records)
====== ======================================================================

and, from the diagnoses in the crisis log (:mod:`collsec.diagnosis`), for each
of O1-O5 and M1-M3 the share of crises (where it applies) in which it failed,
under the collective-security regime (else ``as_specified``, else collective
defence, else the run's own regime; never the ideal, which forces them true).

Intervals and verdicts
----------------------
Every interval is the results' own method (:mod:`collsec.results`): a 95%
percentile bootstrap over replications, seeded from the run's seed. A contrast
between two regimes of one comparison is *paired*: the regimes ran on the same
world with the same seeds, so replication ``i`` of one is set against
replication ``i`` of the other and pairs are resampled together (the same
resamples as the summary table). Regimes that did not share seeds and
replications are resampled independently, and the interval is that of the
difference of the two resampled means. A failure share pools the crises of the
resampled replications (a cluster bootstrap: crises of one replication are not
independent). In a sweep each cell's pairs are resampled within the cell, and the
effect is the mean over cells (the design's average).

A contrast *holds* when its interval lies above zero, *fails* when it lies
below, and is *undecided* when it contains zero. A condition (O1-M3) *holds*
when the interval of its failure share lies below one half (it held in most
crises), *fails* when it lies above one half, and is *undecided* otherwise.
On fewer than :data:`MIN_REPLICATIONS` replications (pairs, for a contrast;
pairs over all cells, in a sweep) every verdict is *undecided*, and the console
says why: a bootstrap over a handful of replications is far too narrow (over
one, it has no width), so its interval cannot decide a claim.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console, Group
from rich.text import Text

from collsec.diagnosis import CONDITIONS
from collsec.i18n import N_, _, regime_label
from collsec.results import (
    Comparison,
    SimulationResult,
    bootstrap_indices,
    covered_share,
    interval_around,
    resampled_means,
)
from collsec.scenario import Scenario

VERDICTS: tuple[str, ...] = ("holds", "fails", "undecided")
"""The verdicts a finding can have."""

VERDICT_LABELS: dict[str, str] = {
    "holds": N_("holds"),
    "fails": N_("fails"),
    "undecided": N_("undecided"),
}
"""Each verdict in words (translated when shown)."""

VERDICT_STYLES: dict[str, str] = {"holds": "green", "fails": "red", "undecided": "yellow"}
"""How a verdict is coloured on a console."""

MIN_REPLICATIONS = 10
"""Fewer replications than this give no verdict (undecided): a percentile
bootstrap over a handful of replications is far too narrow (over one it has no
width at all), so its interval cannot decide a claim."""

SHARE_REFERENCE = 0.5
"""A condition's failure share is set against one half: held, or failed, in most crises."""

CS_REGIMES: tuple[str, ...] = ("collective_security", "ideal_collective_security", "as_specified")
"""The regimes a contrast takes as collective security, in order of preference
(``as_specified`` only when the scenario's arrangements include collective security)."""

DIAGNOSED_REGIMES: tuple[str, ...] = ("collective_security", "as_specified", "collective_defense")
"""Regimes whose crisis log gives the condition findings, in order of preference."""


@dataclass(frozen=True)
class _Contrast:
    claim: str
    statement: str
    measure: str
    metric: str
    higher: str  # "cs": collective security should be higher; else the other regime
    other: str


CONTRASTS: tuple[_Contrast, ...] = (
    _Contrast(
        "C13",
        N_("Collective security prevents more wars than self-help."),
        N_("wars per state-year, self-help minus {regime}"),
        "war_rate",
        "other",
        "self_help",
    ),
    _Contrast(
        "C13",
        N_("Weak states, who cannot defend themselves alone, survive better under it."),
        N_("survival of the weakest quartile, {regime} minus self-help"),
        "weak_survival",
        "cs",
        "self_help",
    ),
    _Contrast(
        "C14",
        N_("States that secure themselves alone carry a heavier arms burden."),
        N_("share of capability in arms, self-help minus {regime}"),
        "arms_share",
        "other",
        "self_help",
    ),
    _Contrast(
        "C5/M1",
        N_(
            "A coalition of overwhelming power deters aggressors (M1; C5: the League, "
            "without the great powers, lacked one): under self-help no coalition forms, "
            "so this measures how many attacks the coalition deters."
        ),
        N_("attacks deterred per state-year, {regime} minus self-help"),
        "deterred_rate",
        "cs",
        "self_help",
    ),
    _Contrast(
        "C2/C12",
        N_(
            "Collective security answers aggression that collective defence leaves alone, "
            "among its own members too."
        ),
        N_("share of wars covered by an arrangement, {regime} minus collective defence"),
        "covered_share",
        "cs",
        "collective_defense",
    ),
)
"""The regime contrasts, each oriented so that a positive effect supports the claim."""

CONDITION_STATEMENTS: dict[str, str] = {
    "O1": N_("O1 agreement: the members agree which state is the aggressor."),
    "O2": N_("O2 equal commitment: the members are equally committed to contain aggression."),
    "O3": N_("O3 freedom and ability: the members are free and able to act."),
    "O4": N_("O4 sufficient power: the members' combined power can defeat the aggressor."),
    "O5": N_("O5 deterrence or defeat: the aggressor is deterred, or defeated."),
    "M1": N_("M1 overwhelming force: the system's forces dwarf the aggressor's."),
    "M2": N_("M2 shared conception: the members share one view of the order's security."),
    "M3": N_("M3 subordinated interests: the members set their own interests aside."),
}
"""Each condition of the diagnosis in a sentence (THEORY.md)."""

_FAILED_MEASURE = N_("share of crises in which it failed, {regime}")


@dataclass(frozen=True)
class Finding:
    """One claim the results bear on, its measured effect and the verdict.

    Attributes
    ----------
    claim
        The claim's id in THEORY.md: ``"C13"``, ``"C2/C12"``, ``"O1"``, ...
    statement
        The claim in a sentence (translated when the finding was made).
    effect
        The measured effect (see :attr:`measure`).
    interval
        ``(low, high)``: its 95% interval (percentile bootstrap).
    verdict
        ``holds``, ``fails`` or ``undecided`` (the interval contains :attr:`reference`).
    measure
        What :attr:`effect` measures, in words (translated).
    reference
        The value of "no effect": 0 for a contrast, one half for a failure share.
    replications
        How many replications (pairs, in a contrast) the interval rests on; fewer
        than :data:`MIN_REPLICATIONS` leave the verdict undecided.
    """

    claim: str
    statement: str
    effect: float
    interval: tuple[float, float]
    verdict: str
    measure: str = ""
    reference: float = 0.0
    replications: int = MIN_REPLICATIONS

    def to_dict(self) -> dict[str, Any]:
        """``{"claim", "statement", "effect", "interval", "verdict"}`` (for JSON)."""
        return {
            "claim": self.claim,
            "statement": self.statement,
            "effect": self.effect,
            "interval": [self.interval[0], self.interval[1]],
            "verdict": self.verdict,
        }


def verdict_of(low: float, high: float, reference: float = 0.0, higher_holds: bool = True) -> str:
    """``holds``, ``fails`` or ``undecided`` for an interval against ``reference``.

    With ``higher_holds`` the claim holds when the interval lies above the
    reference; otherwise when it lies below. An interval that contains the
    reference (or is not a number) is undecided.
    """
    if not (np.isfinite(low) and np.isfinite(high)):
        return "undecided"
    if low > reference:
        return "holds" if higher_holds else "fails"
    if high < reference:
        return "fails" if higher_holds else "holds"
    return "undecided"


def verdict_label(verdict: str) -> str:
    """A verdict in words, in the current language."""
    return _(VERDICT_LABELS[verdict])


# --------------------------------------------------------------------------- effects


def _values(result: SimulationResult, metric: str) -> np.ndarray:
    if metric == "covered_share":
        return covered_share(result)
    return np.asarray(result.per_replication[metric], dtype=float)


def _paired(a: SimulationResult, b: SimulationResult) -> bool:
    return (
        a.entropy == b.entropy
        and len(a.replications) == len(b.replications)
        and bool(np.array_equal(a.replications, b.replications))
    )


def _difference(
    a: SimulationResult, b: SimulationResult, metric: str
) -> tuple[float, float, float]:
    """Effect ``a - b`` on ``metric`` with its 95% interval (paired when the run allows)."""
    va, vb = _values(a, metric), _values(b, metric)
    if _paired(a, b):
        d = va - vb
        finite = d[np.isfinite(d)]
        if not finite.size:
            return float("nan"), float("nan"), float("nan")
        return interval_around(float(finite.mean()), resampled_means(d, a.bootstrap()))
    if not (np.isfinite(va).any() and np.isfinite(vb).any()):
        return float("nan"), float("nan"), float("nan")
    resampled = resampled_means(va, a.bootstrap()) - resampled_means(vb, b.bootstrap())
    return interval_around(float(np.nanmean(va) - np.nanmean(vb)), resampled)


def _has_cs(scenario: Scenario | None) -> bool:
    return scenario is not None and any(
        a.kind == "collective_security" for a in scenario.arrangements
    )


def _cs_regime(regimes: Sequence[str], scenario: Scenario | None) -> str | None:
    usable = [r for r in CS_REGIMES if r != "as_specified" or _has_cs(scenario)]
    return next((r for r in usable if r in regimes), None)


def _decided(verdict: str, replications: int) -> str:
    return verdict if replications >= MIN_REPLICATIONS else "undecided"


def _contrast_finding(
    c: _Contrast, cs: str, effect: tuple[float, float, float], replications: int
) -> Finding | None:
    m, lo, hi = effect
    if not np.isfinite(m):
        return None
    return Finding(
        claim=c.claim,
        statement=_(c.statement),
        effect=m,
        interval=(lo, hi),
        verdict=_decided(verdict_of(lo, hi), replications),
        measure=_(c.measure).format(regime=regime_label(cs)),
        reference=0.0,
        replications=replications,
    )


def contrast_findings(results: Mapping[str, SimulationResult]) -> list[Finding]:
    """The regime contrasts (C13, C14, C5/M1, C2/C12) the regimes in ``results`` allow."""
    if not results:
        return []
    cs = _cs_regime(list(results), next(iter(results.values())).scenario)
    if cs is None:
        return []
    out = []
    for c in CONTRASTS:
        if c.other not in results:
            continue
        if c.metric == "covered_share" and not (results[cs].yearly and results[c.other].yearly):
            continue
        pair = (results[cs], results[c.other])
        a, b = pair if c.higher == "cs" else pair[::-1]
        n = min(len(a.replications), len(b.replications))
        f = _contrast_finding(c, cs, _difference(a, b, c.metric), n)
        if f is not None:
            out.append(f)
    return out


def condition_counts(
    crises: pd.DataFrame, replications: np.ndarray
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per condition: ``(failed, applicable)`` crisis counts per replication ``[r]``.

    A crisis counts for a condition when its verdict is recorded (not missing:
    the condition applies); it failed when the verdict is false.
    """
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if not len(crises) or "replication" not in crises:
        return out
    pos = pd.Index(replications).get_indexer(crises["replication"].to_numpy())
    keep = pos >= 0
    for cond in CONDITIONS:
        col = f"{cond}_holds"
        if col not in crises:
            continue
        verdicts = crises[col]
        recorded = ~verdicts.isna().to_numpy()
        applies = recorded & keep
        held = np.array([bool(v) if r else False for v, r in zip(verdicts, recorded, strict=True)])
        failed = applies & ~held
        n = len(replications)
        out[cond] = (
            np.bincount(pos[failed], minlength=n).astype(float),
            np.bincount(pos[applies], minlength=n).astype(float),
        )
    return out


def condition_findings(result: SimulationResult) -> list[Finding]:
    """Share of crises in which each of O1-O5 and M1-M3 failed, from ``result``'s crisis log."""
    counts = condition_counts(result.crises, result.replications)
    if not counts:
        return []
    idx = result.bootstrap()
    out = []
    for cond, (failed, applies) in counts.items():
        total = applies.sum()
        if total <= 0:
            continue
        share = float(failed.sum() / total)
        tot_f = np.empty(idx.shape[0])
        tot_a = np.empty(idx.shape[0])
        for start in range(0, idx.shape[0], 500):
            block = idx[start : start + 500]
            tot_f[start : start + 500] = failed[block].sum(axis=1)
            tot_a[start : start + 500] = applies[block].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            resampled = np.where(tot_a > 0, tot_f / np.maximum(tot_a, 1), np.nan)
        _s, lo, hi = interval_around(share, resampled)
        out.append(
            Finding(
                claim=cond,
                statement=_(CONDITION_STATEMENTS[cond]),
                effect=share,
                interval=(lo, hi),
                verdict=_decided(
                    verdict_of(lo, hi, SHARE_REFERENCE, higher_holds=False),
                    len(result.replications),
                ),
                measure=_(_FAILED_MEASURE).format(regime=regime_label(result.regime)),
                reference=SHARE_REFERENCE,
                replications=len(result.replications),
            )
        )
    return out


def diagnosed_regime(regimes: Sequence[str]) -> str | None:
    """The regime whose crisis log gives the condition findings (None: none fits)."""
    preferred = next((r for r in DIAGNOSED_REGIMES if r in regimes), None)
    if preferred is not None:
        return preferred
    others = [r for r in regimes if r != "ideal_collective_security"]
    return others[0] if len(regimes) == 1 and others else None


# --------------------------------------------------------------------------- entry points


def findings_from_results(results: Mapping[str, SimulationResult]) -> list[Finding]:
    """Findings of ``results`` (regime name to result): contrasts, then conditions."""
    out = contrast_findings(results)
    regime = diagnosed_regime(list(results))
    if regime is not None:
        out.extend(condition_findings(results[regime]))
    return out


def findings_from_comparison(comparison: Comparison) -> list[Finding]:
    """Findings of a comparison (:func:`collsec.compare`)."""
    return findings_from_results(comparison.results)


def findings_from_run(result: SimulationResult) -> list[Finding]:
    """Findings of one regime's run (:func:`collsec.simulate`): its conditions (O1-M3)."""
    return findings_from_results({result.regime: result})


def _sweep_entropy(seeds: np.ndarray) -> int:
    state = np.random.SeedSequence([int(s) for s in seeds]).generate_state(4, np.uint32)
    return int.from_bytes(state.astype("<u4").tobytes(), "little")


def findings_from_sweep(rows: pd.DataFrame, scenario: Scenario | None = None) -> list[Finding]:
    """Regime contrasts over a sweep's rows (:func:`collsec.experiments.store.load_results`).

    In every cell the regimes share seeds, so replication ``i`` of one regime is
    paired with replication ``i`` of the other; pairs are resampled within each
    cell (seeded from the cell's seed) and the effect is the mean over cells.
    A sweep keeps no crisis log and no yearly records, so there are no
    condition findings and no C2/C12. ``scenario`` is the sweep's base
    scenario: with it, ``as_specified`` counts as collective security when its
    arrangements include one.
    """
    if not len(rows) or "regime" not in rows:
        return []
    regimes = list(dict.fromkeys(rows["regime"]))
    cs = _cs_regime(regimes, scenario)
    if cs is None:
        return []
    out = []
    for c in CONTRASTS:
        if c.other not in regimes or c.metric not in rows:
            continue
        hi_regime, lo_regime = (cs, c.other) if c.higher == "cs" else (c.other, cs)
        cell_means, cell_resampled, pairs = [], [], 0
        for _cell, part in rows.groupby("cell", sort=True):
            wide = part.pivot_table(
                index="replication", columns="regime", values=c.metric, aggfunc="first"
            )
            if hi_regime not in wide or lo_regime not in wide:
                continue
            d = (wide[hi_regime] - wide[lo_regime]).to_numpy(dtype=float)
            if not np.isfinite(d).any():
                continue
            seeds = part["cell_seed"].unique() if "cell_seed" in part else np.array([0])
            idx = bootstrap_indices(len(d), _sweep_entropy(seeds))
            cell_means.append(float(np.nanmean(d)))
            pairs += int(np.isfinite(d).sum())
            cell_resampled.append(resampled_means(d, idx))
        if not cell_means:
            continue
        pooled = np.mean(np.vstack(cell_resampled), axis=0)
        f = _contrast_finding(c, cs, interval_around(float(np.mean(cell_means)), pooled), pairs)
        if f is not None:
            out.append(f)
    return out


def findings_for(obj: Comparison | SimulationResult | pd.DataFrame) -> list[Finding]:
    """Findings of a comparison, a run, or a sweep's rows (dispatches on the type)."""
    if isinstance(obj, Comparison):
        return findings_from_comparison(obj)
    if isinstance(obj, SimulationResult):
        return findings_from_run(obj)
    if isinstance(obj, pd.DataFrame):
        return findings_from_sweep(obj)
    raise TypeError(f"no findings for a {type(obj).__name__}")


# --------------------------------------------------------------------------- words


def format_number(v: Any) -> str:
    """Three significant digits; ``–`` for a missing value; 0 for rounding noise."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "–"
    if not np.isfinite(f):
        return "–"
    return "0" if abs(f) < 1e-12 else f"{f:.3g}"


def finding_line(f: Finding) -> str:
    """One finding in one line: claim, verdict in words, statement, effect and interval."""
    return _("{claim} {verdict}: {statement} ({measure}: {effect} [{low}, {high}])").format(
        claim=f.claim,
        verdict=verdict_label(f.verdict),
        statement=f.statement,
        measure=f.measure,
        effect=format_number(f.effect),
        low=format_number(f.interval[0]),
        high=format_number(f.interval[1]),
    )


def summary_lines(findings: Sequence[Finding]) -> list[str]:
    """A few lines in words: each contrast, then the conditions grouped by verdict."""
    lines = [finding_line(f) for f in findings if f.claim not in CONDITIONS]
    conds = [f for f in findings if f.claim in CONDITIONS]
    if conds:
        worst = sorted(conds, key=lambda f: -f.effect)
        lines.append(
            _("Failed most often ({measure}): {items}").format(
                measure=conds[0].measure,
                items=", ".join(f"{f.claim} {format_number(f.effect)}" for f in worst),
            )
        )
        groups = (
            ("holds", N_("held in most crises: {items}")),
            ("fails", N_("failed in most crises: {items}")),
            ("undecided", N_("undecided: {items}")),
        )
        parts = [
            _(msg).format(items=", ".join(f.claim for f in conds if f.verdict == v))
            for v, msg in groups
            if any(f.verdict == v for f in conds)
        ]
        lines.append("; ".join(parts) + ".")
    return lines


def findings_renderable(findings: Sequence[Finding]) -> Group:
    """The "What this run shows" list for a rich console."""
    title = Text("\n" + _("What this run shows"), style="bold")
    if not findings:
        body = [Text(_("Nothing the theory claims can be read from this run."), style="dim")]
    else:
        body = [Text("• " + line) for line in summary_lines(findings)]
        for line, f in zip(body, findings, strict=False):  # contrasts come first
            if f.claim not in CONDITIONS:
                line.stylize("bold", 2, 2 + len(f.claim))
                start = 3 + len(f.claim)
                end = start + len(verdict_label(f.verdict))
                line.stylize(VERDICT_STYLES[f.verdict], start, end)
    note = Text(
        _(
            "holds / fails: the 95% interval lies on one side of no effect (0; for a "
            "condition, failing in half the crises); undecided: it contains it."
        ),
        style="dim",
    )
    few = min((f.replications for f in findings), default=MIN_REPLICATIONS)
    if few < MIN_REPLICATIONS:
        warn = _(
            "Too few replications ({n}) for a verdict: every claim is undecided below {min}; "
            "run more with --reps."
        ).format(n=few, min=MIN_REPLICATIONS)
        return Group(title, *body, note, Text(warn, style="yellow"))
    return Group(title, *body, note)


def print_findings(findings: Sequence[Finding], console: Console) -> None:
    """Print the "What this run shows" list on ``console``."""
    console.print(findings_renderable(findings))
