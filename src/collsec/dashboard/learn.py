"""Learn: the guided chapters (predict, run, reveal beside the prediction, debrief)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from collsec import findings
from collsec.dashboard import cache, runs, session, ui, words
from collsec.dashboard.chapters import CHAPTERS, NO_DIFFERENCE, Chapter, chapter
from collsec.dashboard.content import chapter_text
from collsec.errors import CollsecError
from collsec.i18n import _, get_language

OUTCOME_NAMES = {
    "designated": "designated",
    "action": "action",
    "reversed": "reversed",
}


def _outcome_label(outcome: str) -> str:
    return {"designated": _("designated"), "action": _("action"), "reversed": _("reversed")}[
        outcome
    ]


def value_label(value: str) -> str:
    """A predicted or recorded label (yes, no, partial, none, sanctions, military)."""
    return {
        "yes": _("yes"),
        "no": _("no"),
        "partial": _("partial"),
        "none": _("none"),
        "sanctions": _("sanctions"),
        "military": _("military"),
    }.get(value, value)


def _option_label(ch: Chapter, option: str) -> str:
    if option == NO_DIFFERENCE:
        return _("no clear difference")
    return _(ch.variant(option).label)


def _pred_key(ch: Chapter, q: str) -> str:
    return f"{ch.number}.{q}"


def _ask(
    ch: Chapter, s: dict[str, Any], key: str, text: str, options: list[str], fmt: Any
) -> str | None:
    """A prediction radio bound to the state; returns the choice or None."""
    pk = _pred_key(ch, key)
    current = s["pred"].get(pk) or None
    if current not in options:
        current = None
    choice = st.radio(
        _(text),
        options,
        index=None,
        format_func=fmt,
        key=session.key(f"pred.{pk}", current, translated=True),
    )
    s["pred"][pk] = choice or ""
    return choice


def render(s: dict[str, Any]) -> None:
    """Draw the Learn page for state ``s``."""
    lang = get_language()
    number = st.selectbox(
        _("Chapter"),
        [c.number for c in CHAPTERS],
        format_func=lambda n: f"{n}. {chapter_text(lang, n)['title']}",
        key=session.key("ch", s["ch"], translated=True),
    )
    if number != s["ch"]:
        s["ran"] = False
    s["ch"] = number
    ch = chapter(number)
    text = chapter_text(lang, number)
    st.header(f"{number}. {text['title']}")
    st.caption(_("Claims of the theory: {claims}").format(claims=", ".join(ch.claims)))
    st.markdown(text.get("intro", ""))
    if ch.historical:
        _historical(ch, s, text)
    else:
        _synthetic(ch, s, text)
    if text.get("try"):
        st.subheader(_("Things to try"))
        st.markdown(text["try"])
    if text.get("debrief"):
        with st.expander(_("For the teacher: debrief questions")):
            st.markdown(text["debrief"])


def _reveal(question: str, guess: str, answer: tuple[str, str], right: bool, miss: str) -> None:
    """The answer beside the prediction, and whether the bet was right."""
    cols = st.columns(2)
    cols[0].metric(_("Your prediction"), guess)
    cols[1].metric(*answer)
    if right:
        st.success(_("{question} You predicted it.").format(question=question))
    else:
        st.info(miss.format(question=question))


def _run_button(s: dict[str, Any], ready: bool) -> None:
    if st.button(_("Run"), type="primary", disabled=not ready, key="run"):
        s["ran"] = True
    if not ready:
        st.caption(_("Place your bets first: answer every question, then run."))


def _synthetic(ch: Chapter, s: dict[str, Any], text: dict[str, str]) -> None:
    st.subheader(_("Place your bets"))
    choices: dict[str, str | None] = {}
    for q in ch.questions:
        options = list(q.options) + ([NO_DIFFERENCE] if q.allow_none else [])
        choices[q.key] = _ask(ch, s, q.key, q.text, options, lambda o: _option_label(ch, o))
    _run_button(s, all(choices.values()))
    if not s["ran"] or not all(choices.values()):
        return
    bar = st.progress(0.0, text=_("Running..."))
    total = ch.replications * ch.years * len(ch.variants)
    done = [0]

    def advance(k: int) -> None:
        done[0] += k
        bar.progress(min(done[0] / total, 1.0), text=_("Running..."))

    cmp = cache.chapter_run(ch.number, ch.seed, advance)
    bar.empty()
    found = findings.findings_from_results(cmp.results)
    st.subheader(_("The answer"))
    labels = {v.key: _(v.label) for v in ch.variants}
    for q in ch.questions:
        truth = runs.answer(q, cmp, found)
        guess = choices[q.key]
        _reveal(
            _(q.text),
            _option_label(ch, guess or ""),
            (_("The run"), _option_label(ch, truth)),
            guess == truth,
            _("{question} Not what you predicted: look at the numbers."),
        )
        rows = []
        for o in q.options:
            m, lo, hi = runs.metric_interval(cmp.results[o], q.metric)
            rows.append(
                {
                    _("world"): labels[o],
                    _("mean"): round(m, 4),
                    _("95% interval"): f"[{lo:.4g}, {hi:.4g}]",
                }
            )
        st.caption(_(runs.METRIC_MEANINGS.get(q.metric, q.metric)))
        st.table(rows)
    if found:
        ui.findings_table(found)
    for name in ch.plots:
        ui.chart(name, cmp.results, labels)
    _why(ch, cmp, labels)
    _own_world(ch, s, cmp)


def _why(ch: Chapter, cmp: Any, labels: dict[str, str]) -> None:
    """The diagnosis in words: which condition failed most often in each run's crises."""
    del ch
    st.subheader(_("Why: the diagnosis in words"))
    for key, res in cmp.results.items():
        conds = findings.condition_findings(res)
        if not conds:
            st.markdown(
                _("**{world}**: no arrangement was called on, so no condition applies.").format(
                    world=labels[key]
                )
            )
            continue
        worst = max(conds, key=lambda f: f.effect)
        st.markdown(
            _(
                "**{world}**: in {n} crises, the condition that failed most often was {cond} "
                "({name}), in {share:.0%} of them [{low:.0%}, {high:.0%}]: {verdict}."
            ).format(
                world=labels[key],
                n=len(res.crises),
                cond=worst.claim,
                name=_(words.CONDITION_NAMES[worst.claim]),
                share=worst.effect,
                low=worst.interval[0],
                high=worst.interval[1],
                verdict=findings.verdict_label(worst.verdict),
            )
        )
        wars = res.crises[res.crises["outcome"] != "deterred"]
        if len(wars):
            row = wars.iloc[0]
            with st.expander(
                _("One war of this run in words: year {year}, {agg} against {vic}").format(
                    year=int(row["year"]), agg=row["aggressor"], vic=row["victim"]
                )
            ):
                ui.diagnosis(words.verdicts_of_row(row.to_dict()))


SWITCHES = ("O1", "O2", "O3", "O4", "O5", "M1", "M2", "M3")


def _own_world(ch: Chapter, s: dict[str, Any], cmp: Any) -> None:
    """One switch per assumption (or condition): the student's own world, run at once."""
    keys = [v.key for v in ch.variants if v.key in SWITCHES]
    if not keys:
        return
    st.subheader(_("Your own world: one switch for each"))
    st.caption(_("Turn any of them off, together or alone; the run follows the switches."))
    off = []
    for k in keys:
        on = st.toggle(
            f"{k}: {_(words.CONDITION_NAMES[k])}",
            key=session.key(f"on.{k}", k not in s["off"]),
            help=_(ch.variant(k).label),
        )
        if not on:
            off.append(k)
    s["off"] = tuple(off)
    if not off:
        st.caption(_("Every switch is on: this is the chapter's first world."))
        return
    mine = cache.combination_run(ch.number, tuple(off), ch.seed)
    base = cmp.results[ch.variants[0].key]
    rows = []
    for metric in ("war_rate", "deterred_rate", "weak_survival"):
        row = {_("metric"): _(runs.METRIC_MEANINGS[metric])}
        for name, res in ((_("every switch on"), base), (_("your world"), mine)):
            m, lo, hi = runs.metric_interval(res, metric)
            row[name] = f"{m:.3g} [{lo:.3g}, {hi:.3g}]"
        rows.append(row)
    st.markdown(
        "**"
        + _("Your world, with {off} off, beside the chapter's first world.").format(
            off=", ".join(off)
        )
        + "**"
    )
    st.table(rows)
    failed = [f for f in findings.condition_findings(mine) if f.verdict == "fails"]
    st.markdown(
        _("Conditions that failed in most of your world's crises: {conds}.").format(
            conds=", ".join(f"{f.claim} ({f.effect:.0%})" for f in failed) or _("none")
        )
    )


def _historical(ch: Chapter, s: dict[str, Any], text: dict[str, str]) -> None:
    try:
        first = cache.case_prediction(ch.cases[0], None)
    except CollsecError as err:
        st.warning(
            _(
                "This chapter needs the Correlates of War data, which were not found "
                "(start the app with --data-dir, or set COLLSEC_DATA_DIR; "
                "collsec data fetch downloads them): {reason}"
            ).format(reason=err.render())
        )
        st.info(_("Chapters 1 to 5 need no data: choose one of them above."))
        return
    del first
    st.subheader(_("Place your bets"))
    choices: dict[str, str | None] = {}
    for q in ch.case_questions:
        choices[q.key] = _ask(ch, s, q.key, q.text, list(q.options), value_label)
    _run_button(s, all(choices.values()))
    if not s["ran"] or not all(choices.values()):
        return
    with st.spinner(_("Running...")):
        preds = {cv.key: cache.case_prediction(cv, None) for cv in ch.cases}
    st.subheader(_("The answer"))
    for q in ch.case_questions:
        truth = preds[q.variant].labels()[q.outcome]
        _reveal(
            _(q.text),
            value_label(choices[q.key] or ""),
            (_("The model"), value_label(truth)),
            choices[q.key] == truth,
            _("{question} Not what you predicted: look at the diagnosis."),
        )
    rows = []
    for cv in ch.cases:
        p = preds[cv.key]
        rec = dict(cv.recorded)
        for outcome in ("designated", "action", "reversed"):
            rows.append(
                {
                    _("crisis"): _(cv.label),
                    _("outcome"): _outcome_label(outcome),
                    _("model"): value_label(p.labels()[outcome]),
                    _("record"): value_label(rec[outcome]) if rec else "-",
                }
            )
    st.markdown(
        "**" + _("Prediction and record side by side, {n} crises.").format(n=len(ch.cases)) + "**"
    )
    st.table(rows)
    for cv in ch.cases:
        p = preds[cv.key]
        with st.expander(_("Why: {crisis}").format(crisis=_(cv.label))):
            st.caption(
                _("P(designated) {d:.2f}, P(reversed) {r:.2f}").format(
                    d=p.p_designated, r=p.p_reversed
                )
            )
            ui.diagnosis(words.verdicts_of_case(p.diagnosis))
