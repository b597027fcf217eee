"""Explore: the sandbox. A scenario (bundled or uploaded), controls from its schema, regimes, run.

The controls are generated from :func:`collsec.scenario.parameter_table` (the
schema's one declaration of every parameter: default, range, meaning); the
plots are the command line's (:mod:`collsec.plots`); the crisis table opens a
crisis' diagnosis, vote and coalition; the network steps through the years of
one replication.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

from collsec import budget, findings
from collsec.dashboard import cache, network, runs, session, ui, words
from collsec.errors import CollsecError
from collsec.i18n import _, regime_label
from collsec.results import SUMMARY_METRICS, interval_caption
from collsec.scenario import (
    REGIMES,
    Scenario,
    bundled_scenarios,
    load_scenario,
    parameter_table,
    pydantic_message,
)
from collsec.scenario import _parse_text as parse_scenario_text

UPLOAD = "__upload__"


def upload_problems(name: str, raw: bytes) -> tuple[Scenario | None, list[str]]:
    """Validate an uploaded scenario file: the scenario, or every problem (field: reason)."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in (".yaml", ".yml", ".toml", ".json"):
        return None, [_("{file}: use a .yaml, .toml or .json file").format(file=name)]
    try:
        text = raw.decode("utf-8")
        data = parse_scenario_text(text, suffix, name)
    except UnicodeDecodeError:
        return None, [_("{file}: not a text file (UTF-8)").format(file=name)]
    except CollsecError as err:
        return None, [err.render()]
    if not isinstance(data, dict):
        return None, [_("{file}: a scenario must be a mapping of fields").format(file=name)]
    try:
        return Scenario.model_validate(data), []
    except ValidationError as err:
        out = []
        for e in err.errors():
            loc = ".".join(str(p) for p in e["loc"]) or _("(top level)")
            out.append(f"{loc}: {pydantic_message(e)}")
        return None, out


def _controls(s: dict[str, Any], base: Scenario) -> dict[str, Any]:
    """One control per parameter, from the schema; returns the overrides."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in parameter_table():
        groups.setdefault(row["path"].split(".")[1], []).append(row)
    current = base.to_dict()["params"]
    overrides: dict[str, Any] = {}
    for group, rows in groups.items():
        with st.expander(_("Parameters: {group}").format(group=group)):
            for row in rows:
                path = row["path"]
                start = current[group][path.split(".")[2]]
                value0 = s["params"].get(path, start)
                help_text = _(row["meaning"])
                k = session.key(path, value0)
                if isinstance(row["default"], bool):
                    v: Any = st.checkbox(path, key=k, help=help_text)
                elif isinstance(row["default"], int):
                    v = st.number_input(
                        path,
                        min_value=row["low"],
                        max_value=row["high"],
                        step=1,
                        key=k,
                        help=help_text,
                    )
                else:
                    lo, hi = float(row["low"]), float(row["high"])
                    v = st.slider(
                        path,
                        min_value=lo,
                        max_value=hi,
                        step=(hi - lo) / 200,
                        key=k,
                        help=help_text,
                    )
                if v != start:
                    overrides[path] = v
    s["params"] = dict(overrides)
    return overrides


def render(s: dict[str, Any]) -> None:
    """Draw the Explore page for state ``s``."""
    st.header(_("Explore: the sandbox"))
    st.caption(
        _("Pick a world and the regimes, set any parameter, run. Every crisis is diagnosed.")
    )
    options = [*bundled_scenarios(), UPLOAD]
    name = st.selectbox(
        _("Scenario"),
        options,
        format_func=lambda n: _("upload a scenario file") if n == UPLOAD else n,
        key=session.key("scenario", s["scenario"], translated=True),
    )
    if name != s.get("_drawn_scenario", name):
        # A new world starts from its own parameters: the controls are drawn anew.
        s["params"] = {}
        s["go"] = False
        for row in parameter_table():
            session.forget(row["path"])
    s["_drawn_scenario"] = name
    if name != UPLOAD:
        s["scenario"] = name
        base = load_scenario(name)
        st.caption(" ".join(base.description.split()))
    else:
        up = st.file_uploader(
            _("Scenario file (YAML, TOML or JSON)"), type=["yaml", "yml", "toml", "json"]
        )
        if up is None:
            st.info(_("Choose a file: `collsec scenario show default` prints one to start from."))
            return
        sc_up, problems = upload_problems(up.name, up.getvalue())
        if sc_up is None:
            st.error(_("This file is not a valid scenario:"))
            st.markdown("\n".join(f"- `{p}`" for p in problems))
            return
        base = sc_up
        st.success(_("Valid scenario: {name}").format(name=base.name))
    regimes = st.multiselect(
        _("Regimes"),
        list(REGIMES),
        format_func=regime_label,
        key=session.key("regimes", list(s["regimes"]), translated=True),
    )
    if regimes:
        s["regimes"] = tuple(regimes)
    cols = st.columns(3)
    reps = cols[0].number_input(
        _("Replications"), 1, 10_000_000, step=1, key=session.key("reps", s["reps"])
    )
    years = cols[1].number_input(
        _("Years"), 1, 100_000, step=1, key=session.key("years", s["years"])
    )
    seed = cols[2].number_input(_("Seed"), 0, 2**32 - 1, step=1, key=session.key("seed", s["seed"]))
    s.update(reps=int(reps), years=int(years), seed=int(seed))
    overrides = _controls(s, base)
    try:
        sc = runs.apply_overrides(base, overrides).replace(
            replications=int(reps), horizon=int(years), seed=int(seed)
        )
    except CollsecError as err:
        ui.error(err)
        return
    if not regimes:
        st.info(_("Choose at least one regime."))
        return
    refused = runs.refusal(sc, regimes)
    if refused is not None:
        st.error(_("This run is too large for this machine: {reason}.").format(reason=refused))
        return
    est = budget.estimate(sc, regimes=len(regimes), engine="numpy")
    if st.button(_("Run the sandbox"), type="primary", key="run_sandbox"):
        s["go"] = True
    if not s.get("go"):
        st.caption(_("Estimated cost: {estimate}.").format(estimate=est.describe()))
        return
    bar = st.progress(0.0, text=_("Running..."))
    total = sc.replications * sc.horizon * len(regimes)
    done = [0]

    def advance(k: int) -> None:
        done[0] += k
        bar.progress(min(done[0] / total, 1.0), text=_("Running..."))

    cmp = cache.sandbox_run(sc.to_json(), tuple(regimes), advance)
    bar.empty()
    _results(s, sc, cmp)


def _results(s: dict[str, Any], sc: Scenario, cmp: Any) -> None:
    st.subheader(_("Results"))
    table = []
    summaries = {k: r.summary_dict() for k, r in cmp.results.items()}
    for metric, meaning in SUMMARY_METRICS.items():
        row: dict[str, str] = {_("metric"): _(meaning)}
        for k in cmp.results:
            v = summaries[k][metric]
            row[regime_label(k)] = (
                "-" if v["mean"] is None else f"{v['mean']:.3g} [{v['low']:.3g}, {v['high']:.3g}]"
            )
        table.append(row)
    st.caption(interval_caption())
    st.dataframe(table, hide_index=True, width="stretch")
    found = findings.findings_from_comparison(cmp)
    if found:
        ui.findings_table(found)
    tabs = st.tabs(
        [
            _("Metrics over time"),
            _("Severity"),
            _("Survival"),
            _("Arms"),
            _("State system"),
            _("Crises"),
        ]
    )
    for tab, name in zip(
        tabs[:4],
        ("metrics_over_time", "severity_ccdf", "survival_by_quartile", "arms_over_time"),
        strict=True,
    ):
        with tab:
            ui.chart(name, cmp.results)
    with tabs[4]:
        _network(s, sc, list(cmp.results))
    with tabs[5]:
        _crises(s, cmp)


def _network(s: dict[str, Any], sc: Scenario, regimes: list[str]) -> None:
    cols = st.columns(3)
    k = session.key("net_regime", regimes[0], translated=True)
    if st.session_state[k] not in regimes:
        st.session_state[k] = regimes[0]
    regime = cols[0].selectbox(_("Regime"), regimes, format_func=regime_label, key=k)
    rep = cols[1].number_input(
        _("Replication"),
        0,
        sc.replications - 1,
        step=1,
        key=session.key("rep", min(s["rep"], sc.replications - 1)),
    )
    s["rep"] = int(rep)
    one = cache.replication_run(sc.to_json(), regime, int(rep))
    year = cols[2].slider(
        _("Year"), 0, sc.horizon - 1, key=session.key("year", min(s["year"], sc.horizon - 1))
    )
    s["year"] = int(year)
    b = st.columns(3)
    if b[0].button(_("Previous year"), key="prev_year", disabled=year == 0):
        s["year"] = int(year) - 1
        session.forget("year")
        st.rerun()
    if b[1].button(_("Next year"), key="next_year", disabled=year >= sc.horizon - 1):
        s["year"] = int(year) + 1
        session.forget("year")
        st.rerun()
    play = b[2].button(_("Play"), key="play")
    slot = st.empty()
    if play:
        import time

        for t in range(int(year), sc.horizon):
            with slot.container():
                st.markdown(f"**{network.year_summary(one, t)}**")
                st.pyplot(network.network_figure(one, t), width="stretch")
            time.sleep(0.15)  # an animation frame: what a student can follow
        s["year"] = sc.horizon - 1
        session.forget("year")
    else:
        with slot.container():
            st.markdown(f"**{network.year_summary(one, int(year))}**")
            st.pyplot(network.network_figure(one, int(year)), width="stretch")
    st.caption(
        _(
            "Size: capability that year. Colour: the arrangement a state belongs to. Grey "
            "lines: contiguity; dashed: alliances. Arrows: attacks (solid a war, dotted "
            "deterred); a cross: a state eliminated."
        )
    )


CRISIS_COLUMNS = (
    "regime",
    "replication",
    "year",
    "aggressor",
    "victim",
    "outcome",
    "designated",
    "instrument",
    "coalition_size",
    "reversed",
    "victim_died",
)


def _translated_log(table: Any) -> Any:
    """The crisis table with its headers and words in the page's language (codes kept)."""
    headers = {
        "regime": _("regime"),
        "replication": _("replication"),
        "year": _("year"),
        "aggressor": _("aggressor"),
        "victim": _("victim"),
        "outcome": _("outcome"),
        "designated": _("designated"),
        "instrument": _("instrument"),
        "coalition_size": _("coalition size"),
        "reversed": _("reversed"),
        "victim_died": _("victim eliminated"),
    }
    out = table.copy()
    out["regime"] = out["regime"].map(regime_label)
    for col in ("outcome", "instrument"):
        if col in out:
            out[col] = out[col].map(log_word)
    return out.rename(columns=headers)


def log_word(value: Any) -> str:
    """An outcome or instrument of the crisis log in words."""
    return {
        "deterred": _("deterred"),
        "aggressor_won": _("aggressor won"),
        "aggressor_defeated": _("aggressor defeated"),
        "none": _("none"),
        "sanctions": _("sanctions"),
        "military": _("military"),
    }.get(str(value), str(value))


def _crises(s: dict[str, Any], cmp: Any) -> None:
    frames = [r.crises for r in cmp.results.values() if len(r.crises)]
    if not frames:
        st.info(_("No crisis in this run."))
        return
    import pandas as pd

    log = pd.concat(frames, ignore_index=True)
    shown = _translated_log(log[[c for c in CRISIS_COLUMNS if c in log]].head(500))
    st.caption(
        _("{n} crises; the first 500 are listed. Select one to read its diagnosis.").format(
            n=len(log)
        )
    )
    event = st.dataframe(
        shown,
        hide_index=False,
        on_select="rerun",
        selection_mode="single-row",
        key="crisis_table",
        width="stretch",
    )
    picked = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if picked:
        s["crisis"] = int(picked[0])
        session.forget("crisis")
    k = st.number_input(
        _("Crisis (row number)"),
        -1,
        len(shown) - 1,
        step=1,
        key=session.key("crisis", min(s["crisis"], len(shown) - 1)),
    )
    s["crisis"] = int(k)
    if k < 0:
        return
    row = log.iloc[int(k)].to_dict()
    st.markdown(
        "### "
        + _("Crisis {k}: year {year}, {agg} against {vic} ({regime})").format(
            k=int(k),
            year=int(row["year"]),
            agg=row["aggressor"],
            vic=row["victim"],
            regime=regime_label(str(row["regime"])),
        )
    )
    ui.diagnosis(words.verdicts_of_row(row))
    cols = st.columns(2)
    with cols[0]:
        st.markdown("**" + _("The vote") + "**")
        st.markdown(
            _("{yes} of {voters} voters for designating; designated: {d}").format(
                yes=int(row["votes_yes"]),
                voters=int(row["voters"]),
                d=_("yes") if row["designated"] else _("no"),
            )
        )
    with cols[1]:
        st.markdown("**" + _("The coalition") + "**")
        st.markdown(
            _(
                "{size:.1f} states beside the victim; the victim's side had {ratio:.2g} times "
                "the aggressor's power; instrument: {instrument}"
            ).format(
                size=float(row["coalition_size"]),
                ratio=float(row["coalition_power"]) / max(float(row["aggressor_power"]), 1e-300),
                instrument=_translated_log(log.iloc[[int(k)]][["regime", "instrument"]]).iloc[0, 1],
            )
        )
