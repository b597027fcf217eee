"""The one-line text summary shown beside every chart (for every student, screen readers too).

Each line states, in words, the numbers the chart draws (means over
replications), so a student who cannot see the colours, or the chart, reads
the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from collsec.i18n import _, regime_label
from collsec.plots import capability_quartiles, war_severities
from collsec.results import SimulationResult

Results = Mapping[str, SimulationResult]


def _join(parts: list[str]) -> str:
    return "; ".join(parts)


def label_of(key: str, labels: Mapping[str, str] | None) -> str:
    """A variant's or regime's display name."""
    return labels[key] if labels and key in labels else regime_label(key)


def survival_summary(results: Results, labels: Mapping[str, str] | None = None) -> str:
    """Share of the weakest quartile alive at the end, per regime."""
    parts = []
    for k, r in results.items():
        if r.final_alive is None:
            continue
        q = capability_quartiles(r.world.capability)
        share = float(np.asarray(r.final_alive, dtype=float)[:, q == 0].mean())
        parts.append(f"{label_of(k, labels)} {share:.0%}")
    return _("Weakest quarter of states alive at the end: {parts}.").format(parts=_join(parts))


def arms_summary(results: Results, labels: Mapping[str, str] | None = None) -> str:
    """Mean arms share over the run and in its last year, per regime."""
    parts = []
    for k, r in results.items():
        if "arms_share" not in r.yearly:
            continue
        a = np.asarray(r.yearly["arms_share"], dtype=float).mean(axis=0)
        parts.append(
            _("{name} {mean:.3f} (last year {last:.3f})").format(
                name=label_of(k, labels), mean=float(a.mean()), last=float(a[-1])
            )
        )
    return _("Mean share of capability in arms: {parts}.").format(parts=_join(parts))


def metrics_summary(results: Results, labels: Mapping[str, str] | None = None) -> str:
    """Wars begun and attacks deterred per year, mean over the run, per regime."""
    parts = []
    for k, r in results.items():
        if "wars" not in r.yearly:
            continue
        wars = float(np.asarray(r.yearly["wars"]).mean())
        det = float(np.asarray(r.yearly["deterred"]).mean())
        parts.append(
            _("{name} {wars:.2f} wars and {det:.2f} deterred attacks a year").format(
                name=label_of(k, labels), wars=wars, det=det
            )
        )
    return _join(parts) + "."


def severity_summary(results: Results, labels: Mapping[str, str] | None = None) -> str:
    """Wars fought and the worst one's severity, per regime."""
    parts = []
    for k, r in results.items():
        s = war_severities(r)
        if s.size:
            parts.append(
                _("{name} {n} wars, the worst cost {worst:.1%} of world capability").format(
                    name=label_of(k, labels), n=int(s.size), worst=float(s.max())
                )
            )
        else:
            parts.append(_("{name} no war").format(name=label_of(k, labels)))
    return _join(parts) + "."


SUMMARIES = {
    "survival_by_quartile": survival_summary,
    "arms_over_time": arms_summary,
    "metrics_over_time": metrics_summary,
    "severity_ccdf": severity_summary,
}
"""The summary line of each plot of :mod:`collsec.plots`, by plot name."""
