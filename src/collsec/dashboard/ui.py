"""Drawing helpers the pages share: a chart with its summary line, a diagnosis in words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from collsec import findings, plots
from collsec.dashboard import words
from collsec.dashboard.summaries import SUMMARIES
from collsec.i18n import _
from collsec.results import SimulationResult, interval_caption

PLOTS = {
    "metrics_over_time": plots.metrics_over_time,
    "severity_ccdf": plots.severity_ccdf,
    "survival_by_quartile": plots.survival_by_quartile,
    "arms_over_time": plots.arms_over_time,
}


def chart(
    name: str, results: Mapping[str, SimulationResult], labels: Mapping[str, str] | None = None
) -> None:
    """One plot of :mod:`collsec.plots` with its one-line summary above it."""
    summary = SUMMARIES[name](results, labels)
    st.markdown(f"**{summary}**")
    fig = PLOTS[name](results)
    if labels:
        for ax in fig.axes:
            leg = ax.get_legend()
            if leg is not None:
                for text in leg.get_texts():
                    for key, label in labels.items():
                        from collsec.i18n import regime_label

                        if text.get_text().startswith(regime_label(key)):
                            text.set_text(label)
    st.pyplot(fig, clear_figure=False, width="stretch")


def diagnosis(verdicts: Mapping[str, tuple[float | None, bool | None]]) -> None:
    """A crisis' diagnosis: the headline, then one sentence a condition."""
    st.markdown("**" + words.headline(verdicts) + "**")
    st.markdown("\n".join(f"- {line}" for line in words.explain(verdicts)))


def findings_table(found: Sequence[findings.Finding]) -> None:
    """A run's findings (:mod:`collsec.findings`): claim, statement, effect, interval, verdict."""
    st.markdown("**" + _("What the run shows about the theory") + "**")
    st.table(
        [
            {
                _("claim"): f.claim,
                _("statement"): f.statement,
                _("measure"): f.measure,
                _("effect [95% interval]"): (
                    f"{findings.format_number(f.effect)} "
                    f"[{findings.format_number(f.interval[0])}, "
                    f"{findings.format_number(f.interval[1])}]"
                ),
                _("verdict"): findings.verdict_label(f.verdict),
            }
            for f in found
        ]
    )
    st.caption(interval_caption())


def error(err: Any) -> None:
    """A user's mistake, one line: the field (or file) and the reason."""
    text = err.render() if hasattr(err, "render") else str(err)
    st.error(_("Problem: {problem}").format(problem=text))
