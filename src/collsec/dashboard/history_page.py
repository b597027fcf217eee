"""History: any crisis of the case books, or one entered by hand, with counterfactuals.

The prediction is :func:`collsec.history.cases.predict_case` (``collsec
case``): prediction and record side by side, the diagnosis in words, the
vote and the coalition, and how far to trust it (its out-of-sample skill).
Beside the calibrated forecast the page shows the mechanism's simulated
shares of draws: the calibrated finding logit reads no simulated share, so a
counterfactual (a permanent member absent, a member removed) may leave the
forecast's labels as they were while it moves the mechanism the diagnosis
explains (docs/history.md, section 3).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from collsec.dashboard import cache, session, ui, words
from collsec.dashboard.chapters import CHAPTERS, CaseVariant
from collsec.dashboard.learn import value_label
from collsec.errors import CollsecError
from collsec.history.cases import Case
from collsec.history.commands import _codes
from collsec.history.evaluate import (
    BUNDLED_BOOKS,
    OUTCOMES,
    read_case_book,
    resolve_case_book,
    trust_sentence,
)
from collsec.history.worlds import RULES
from collsec.i18n import _

SHARES: tuple[str, ...] = ("designated", "sanctions", "military", "reversed")
"""The mechanism's simulated shares of draws the page compares (outcome names)."""

MOVE = 0.05
"""A simulated share that changes by this much or more has moved (a counterfactual's
effect, not the draws' noise: with 2000 draws a share's standard error is 0.011 or less)."""

CHAPTER_BOOK = "chapters"
ICB_BOOK = "icb"
BY_HAND = "hand"


def _book_cases(book: str) -> list[tuple[Case, dict[str, str]]]:
    if book == CHAPTER_BOOK:
        seen: dict[str, tuple[Case, dict[str, str]]] = {}
        for ch in CHAPTERS:
            for cv in ch.cases:
                if cv.recorded and not cv.add_members and cv.case.id not in seen:
                    seen[cv.case.id] = (cv.case, dict(cv.recorded))
        return list(seen.values())
    if book == ICB_BOOK:
        return cache.icb_book()
    rows = read_case_book(resolve_case_book(book))
    return [(r.case, dict(r.recorded)) for r in rows]


def _named(code: str, pred: Any) -> str:
    """``RUS (365)``: a state's name from the prediction's voters and coalition, and its code."""
    names = {x["code"]: x["name"] for x in [*pred.votes, *pred.coalition]}
    return f"{names[code]} ({code})" if code in names else code


def simulated_shares(pred: Any) -> dict[str, float]:
    """The mechanism's shares of draws: a finding, each instrument, the aggression undone."""
    return {
        "designated": float(pred.p_designated),
        "sanctions": float(pred.p_action["sanctions"]),
        "military": float(pred.p_action["military"]),
        "reversed": float(pred.p_reversed),
    }


def moved_shares(base: Any, pred: Any, tol: float = MOVE) -> list[tuple[str, float, float]]:
    """The simulated shares a counterfactual moves by ``tol`` or more: (outcome, before, after)."""
    a, b = simulated_shares(base), simulated_shares(pred)
    return [(k, a[k], b[k]) for k in SHARES if abs(b[k] - a[k]) >= tol]


def render(s: dict[str, Any]) -> None:
    """Draw the History page for state ``s``."""
    st.header(_("History: real crises, and what if"))
    st.caption(
        _(
            "The model predicts a crisis from the Correlates of War data of its year; "
            "change one thing and predict again."
        )
    )
    books = [CHAPTER_BOOK, *BUNDLED_BOOKS, ICB_BOOK, BY_HAND]
    names = {
        CHAPTER_BOOK: _("the chapters' crises"),
        ICB_BOOK: _("ICB (built from the data)"),
        BY_HAND: _("enter a crisis by hand"),
    }
    book = st.radio(
        _("Crises from"),
        books,
        format_func=lambda b: names.get(b, b),
        horizontal=True,
        key=session.key("book", s["book"] if s["book"] in books else CHAPTER_BOOK, translated=True),
    )
    s["book"] = book
    recorded: dict[str, str] = {}
    try:
        if book == BY_HAND:
            cols = st.columns(5)
            org = cols[0].selectbox(
                _("Organisation"), ["league", "un"], key=session.key("org", s["org"])
            )
            year = cols[1].number_input(
                _("Year"), 1816, 2100, step=1, key=session.key("cyear", s["cyear"])
            )
            agg = cols[2].text_input(
                _("Aggressor codes"), key=session.key("aggressors", s["aggressors"])
            )
            vic = cols[3].text_input(_("Victim code"), key=session.key("victim", s["victim"]))
            absent = cols[4].text_input(
                _("Absent from the council"), key=session.key("absent", s["absent"])
            )
            s.update(org=org, cyear=int(year), aggressors=agg, victim=vic, absent=absent)
            if not agg.strip() or not vic.strip():
                st.info(
                    _("Give the aggressor and the victim as COW state codes (e.g. 645 and 690).")
                )
                return
            victims = _codes(vic, "victim")
            if len(victims) != 1:
                raise CollsecError(_("give exactly one victim state code"), field="victim")
            case = Case(
                int(year),
                org,
                _codes(agg, "aggressors"),
                victims[0],
                _codes(absent, "absent"),
                id="hand",
            )
        else:
            cases = _book_cases(book)
            ids = [c.id for c, _r in cases]
            cid = st.selectbox(
                _("Crisis"), ids, key=session.key("case", s["case"] if s["case"] in ids else ids[0])
            )
            s["case"] = cid
            case, recorded = next((c, r) for c, r in cases if c.id == cid)
        _predict(s, case, recorded)
    except CollsecError as err:
        ui.error(err)


def _predict(s: dict[str, Any], case: Case, recorded: dict[str, str]) -> None:
    as_is = CaseVariant("as_is", "", case)
    with st.spinner(_("Predicting...")):
        try:
            base = cache.case_prediction(as_is, None)
        except CollsecError as err:
            ui.error(err)
            if "data" in err.render().lower() or "not found" in err.render().lower():
                st.info(_("Chapters 1 to 5 of Learn, and Explore, need no data."))
            return
    st.subheader(_("What if"))
    cols = st.columns(4)
    add = cols[0].text_input(
        _("Add members"), key=session.key("add", s["add"]), help=_("COW codes, ';'-separated")
    )
    remove = cols[1].text_input(
        _("Remove members"),
        key=session.key("remove", s["remove"]),
        help=_("COW codes, ';'-separated"),
    )
    rules = ["", *RULES]
    rule = cols[2].selectbox(
        _("Decision rule"),
        rules,
        format_func=lambda r: r or _("the organisation's own"),
        key=session.key("rule", s["rule"] if s["rule"] in rules else "", translated=True),
    )
    permanent = [v["code"] for v in base.votes if v["permanent"]]
    permanent = sorted(set(permanent) | set(case.absent))
    names = {v["code"]: v["name"] for v in base.votes}
    default_absent = (
        [c for c in s["cf_absent"].split(";") if c in permanent]
        if s["cf_absent"]
        else list(case.absent)
    )
    absent = cols[3].multiselect(
        _("Permanent members absent"),
        permanent,
        format_func=lambda c: f"{names.get(c, c)} ({c})",
        key=session.key("cf_absent_list", default_absent),
    )
    s.update(add=add, remove=remove, rule=rule)
    s["cf_absent"] = ";".join(absent) if sorted(absent) != sorted(case.absent) else ""
    cf = CaseVariant(
        "what_if",
        "",
        Case(case.year, case.org, case.aggressors, case.victim, tuple(absent), id=case.id),
        add_members=_codes(add, "add_member"),
        remove_members=_codes(remove, "remove_member"),
        rule=rule or None,
    )
    changed = cf != CaseVariant(
        "what_if",
        "",
        Case(case.year, case.org, case.aggressors, case.victim, case.absent, id=case.id),
    )
    pred = cache.case_prediction(cf, None) if changed else base
    st.subheader(_("Prediction and record"))
    rows = []
    for outcome in OUTCOMES:
        row = {
            _("outcome"): _(outcome),
            _("model, as it was"): value_label(base.labels()[outcome]),
        }
        if changed:
            row[_("model, what if")] = value_label(pred.labels()[outcome])
        row[_("record")] = value_label(recorded[outcome]) if recorded else "-"
        rows.append(row)
    st.markdown(
        "**"
        + _("{org} {year}: {agg} against {vic} ({rule} rule, {m} members)").format(
            org=case.org,
            year=case.year,
            agg=", ".join(_named(c, pred) for c in case.aggressors),
            vic=_named(case.victim, pred),
            rule=pred.rule,
            m=pred.members,
        )
        + "**"
    )
    st.table(rows)
    st.caption(
        _("P(designated) {d:.2f}, P(reversed) {r:.2f}").format(
            d=pred.p_designated, r=pred.p_reversed
        )
    )
    if changed:
        diff = [o for o in OUTCOMES if base.labels()[o] != pred.labels()[o]]
        if diff:
            st.success(
                _("The counterfactual changes the prediction: {outcomes}.").format(
                    outcomes=", ".join(_(o) for o in diff)
                )
            )
        else:
            st.info(_("The counterfactual does not change the predicted labels."))
    st.markdown("**" + _("The mechanism: simulated shares of draws") + "**")
    st.caption(
        _(
            "The labels above follow the calibrated probabilities, fitted to the record; the "
            "shares below are the simulated vote and response, the mechanism the diagnosis "
            "explains and a counterfactual moves."
        )
    )
    sim_base, sim_pred = simulated_shares(base), simulated_shares(pred)
    share_rows = []
    for key in SHARES:
        share = {_("outcome"): _(key), _("model, as it was"): f"{sim_base[key]:.2f}"}
        if changed:
            share[_("model, what if")] = f"{sim_pred[key]:.2f}"
        share_rows.append(share)
    st.table(share_rows)
    if changed:
        moved = moved_shares(base, pred)
        if moved:
            st.success(
                _("The counterfactual moves the mechanism's simulated shares: {shares}.").format(
                    shares=", ".join(
                        _("{outcome} {before:.2f} to {after:.2f}").format(
                            outcome=_(k), before=a, after=b
                        )
                        for k, a, b in moved
                    )
                )
            )
        else:
            st.info(_("The counterfactual does not move the mechanism's simulated shares."))
    st.subheader(_("Why: the diagnosis in words"))
    ui.diagnosis(words.verdicts_of_case(pred.diagnosis))
    vote_col, coalition_col = st.columns(2)
    with vote_col:
        st.markdown("**" + _("The vote") + "**")
        st.dataframe(
            [
                {
                    _("state"): v["name"],
                    _("code"): v["code"],
                    _("permanent"): v["permanent"],
                    _("P(yes)"): round(v["p_yes"], 2),
                    _("role"): v["role"],
                }
                for v in pred.votes[:25]
            ],
            hide_index=True,
        )
    with coalition_col:
        st.markdown("**" + _("The coalition") + "**")
        if pred.coalition:
            st.dataframe(
                [
                    {
                        _("state"): x["name"],
                        _("code"): x["code"],
                        _("P(joins)"): round(x["p_join"], 2),
                    }
                    for x in pred.coalition[:20]
                ],
                hide_index=True,
            )
        else:
            st.markdown(_("nobody joins the victim in 5% of the draws or more"))
    st.info(trust_sentence())
