"""``collsec report``: one self-contained HTML file from a run, a comparison, a sweep or a case.

What it reads
-------------
- the output folder of ``collsec run`` or ``collsec compare`` (``scenario.yaml``,
  ``summary.json``, ``replications.parquet``; ``yearly.parquet``,
  ``crises.parquet`` and the PNG plots when the run wrote them);
- the output folder of ``collsec sweep`` (``manifest.json`` and
  ``chunks/*.parquet``);
- a case: ``collsec case`` writes no folder, so the report takes the JSON it
  prints, saved to a file (``collsec case ... --json > case.json``), or a
  folder that holds it as ``case.json``.

What it writes
--------------
One HTML file with everything inside it: CSS inline, figures as base64 PNG
(``data:`` addresses), no script and no address outside the file, so it opens
offline and prints as a class handout (a print stylesheet: A4, no page breaks
inside a table or a figure). Sections: the scenario, the regimes, the metric
table, the plots, the findings (:mod:`collsec.findings`, never computed here)
and the crises that matter most (the most severe wars of the diagnosed regime)
with their diagnosis. A run folder is read back into a
:class:`~collsec.results.Comparison` (the world rebuilt from the scenario, the
bootstrap seeded from its seed), so its table and findings are those the
command line printed.

A folder that is not a collsec output, or a missing or torn file, is one
:class:`~collsec.errors.CollsecError` naming the file (exit code 2).
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import typer

from collsec import __version__
from collsec.console import TranslatedCommand, guarded, stderr_console
from collsec.diagnosis import CONDITIONS
from collsec.errors import CollsecError
from collsec.findings import (
    Finding,
    diagnosed_regime,
    findings_from_results,
    findings_from_sweep,
    format_number,
    verdict_label,
)
from collsec.i18n import N_, _, get_language, regime_label, set_language
from collsec.results import (
    SUMMARY_METRICS,
    Comparison,
    SimulationResult,
    interval_caption,
)
from collsec.scenario import Scenario, load_scenario

_SWEEP_NO_CRISES = N_(
    "A sweep keeps no crisis log: run one cell with collsec run to see its crises."
)

_SOURCE_HELP = N_("Output folder of collsec run, compare or sweep, or a case JSON file.")
_SOURCE = typer.Argument(..., help=_SOURCE_HELP)
_REPORT_OUT = typer.Option(Path("report.html"), "-o", "--out", help=N_("HTML file to write."))
_LANG = typer.Option(None, "--lang", help=N_("Language of the report: en or id."))

KEY_CRISES = 10
"""Crises shown: the most severe wars of the diagnosed regime."""

RUN_FILES: tuple[str, ...] = ("scenario.yaml", "summary.json", "replications.parquet")
"""Files a run or comparison folder must hold."""

CASE_FILE = "case.json"
"""The case JSON read from a folder given in its place (``collsec case --json > DIR/case.json``)."""

_CSS = """
body{font-family:Georgia,'DejaVu Serif',serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:1px solid #999;
margin-top:2rem}.meta{color:#555}table{border-collapse:collapse;margin:.6rem 0;
font-size:.88rem}th,td{border:1px solid #bbb;padding:.2rem .45rem;vertical-align:top}
th{background:#eee;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.lo{color:#666;font-size:.8rem;white-space:nowrap}.holds{color:#1a7f37;font-weight:bold}
.fails{color:#b42318;font-weight:bold}.undecided{color:#8a6d00;font-weight:bold}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}figcaption,.caption{font-size:.82rem;
color:#555}
.wide table{font-size:.74rem}.wide th,.wide td{padding:.15rem .28rem}
@media print{body{max-width:none;margin:0;font-size:10.5pt}@page{size:A4;margin:16mm}
h2{break-after:avoid}table,figure,tr{break-inside:avoid}a{color:inherit;text-decoration:none}
.holds,.fails,.undecided{color:#000}}
"""


# --------------------------------------------------------------------------- reading


def _torn(path: Path, err: Exception) -> CollsecError:
    return CollsecError(
        _("cannot read this file (missing, truncated or not what collsec writes): {reason}").format(
            reason=str(err).splitlines()[0] if str(err) else type(err).__name__
        ),
        source=str(path),
    )


def read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file collsec wrote, or a :class:`CollsecError` naming it."""
    if not path.is_file():
        raise CollsecError(_("file missing from the output folder"), source=str(path))
    try:
        return pd.read_parquet(path)
    except Exception as err:  # pyarrow raises several kinds for a torn file
        raise _torn(path, err) from None


def read_json(path: Path) -> Any:
    """A JSON file, or a :class:`CollsecError` naming it."""
    if not path.is_file():
        raise CollsecError(_("file missing from the output folder"), source=str(path))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _torn(path, err) from None


def kind_of(path: Path) -> str:
    """``run`` (a run or comparison folder), ``sweep`` or ``case``; else a CollsecError."""
    if path.is_file():
        return "case"
    if not path.is_dir():
        raise CollsecError(_("no such file or folder"), source=str(path))
    if (path / "manifest.json").is_file() or (path / "chunks").is_dir():
        return "sweep"
    if any((path / name).exists() for name in RUN_FILES):
        return "run"
    if (path / CASE_FILE).is_file():
        return "case"
    raise CollsecError(
        _(
            "not a collsec output: no {files} (a run or comparison), no manifest.json "
            "(a sweep); for a case, save `collsec case ... --json` to a file"
        ).format(files=", ".join(RUN_FILES)),
        source=str(path),
    )


def _arrays(long: pd.DataFrame, regime: str, reps: np.ndarray, path: Path) -> dict[str, Any]:
    part = long[long["regime"] == regime]
    wide = part.pivot_table(index="replication", columns="metric", values="value", dropna=False)
    wide = wide.reindex(reps)
    missing = [m for m in SUMMARY_METRICS if m not in wide]
    if missing:
        raise CollsecError(
            _("metric {metric!r} missing for regime {regime!r}").format(
                metric=missing[0], regime=regime
            ),
            source=str(path),
        )
    return {m: wide[m].to_numpy(dtype=float) for m in SUMMARY_METRICS}


def read_run(folder: Path) -> Comparison:
    """A run or comparison folder read back as a :class:`~collsec.results.Comparison`.

    The world is rebuilt from the scenario and the seed (the same world the run
    used); the per-state final survival is not stored, so the survival plot is
    the PNG the run drew, when it drew one.
    """
    from collsec.api import make_world
    from collsec.engine import YEARLY_METRICS
    from collsec.seeds import entropy_of, root_sequence

    for name in RUN_FILES:
        if not (folder / name).is_file():
            raise CollsecError(_("file missing from the output folder"), source=str(folder / name))
    sc: Scenario = load_scenario(str(folder / "scenario.yaml"))
    summary = read_json(folder / "summary.json")
    if not isinstance(summary, dict) or not isinstance(summary.get("regimes"), dict):
        raise _torn(folder / "summary.json", ValueError(_("no regimes")))
    regimes = list(summary["regimes"])
    reps_path = folder / "replications.parquet"
    long = read_parquet(reps_path)
    if not {"regime", "replication", "metric", "value"} <= set(long.columns):
        raise _torn(reps_path, ValueError(_("not a replications table")))
    yearly_long = None
    if (folder / "yearly.parquet").exists():
        yearly_long = read_parquet(folder / "yearly.parquet")
    crises_all = pd.DataFrame()
    if (folder / "crises.parquet").exists():
        crises_all = read_parquet(folder / "crises.parquet")
    world = make_world(sc)
    entropy = entropy_of(root_sequence(sc.seed))
    results = {}
    for regime in regimes:
        reps = np.sort(long.loc[long["regime"] == regime, "replication"].unique())
        if not reps.size:
            raise CollsecError(
                _("no replications of regime {regime!r}").format(regime=regime),
                source=str(reps_path),
            )
        yearly: dict[str, np.ndarray] = {}
        if yearly_long is not None and len(yearly_long):
            part = yearly_long[yearly_long["regime"] == regime]
            for m in YEARLY_METRICS:
                grid = part[part["metric"] == m].pivot_table(
                    index="replication", columns="year", values="value"
                )
                yearly[m] = grid.reindex(reps).to_numpy(dtype=float)
        crises = pd.DataFrame()
        if len(crises_all) and "regime" in crises_all:
            crises = crises_all[crises_all["regime"] == regime].reset_index(drop=True)
        results[regime] = SimulationResult(
            scenario=sc,
            regime=regime,
            world=world,
            entropy=entropy,
            replications=reps,
            per_replication=_arrays(long, regime, reps, reps_path),
            yearly=yearly,
            crises=crises,
        )
    return Comparison(results)


def read_sweep(folder: Path) -> tuple[pd.DataFrame, dict[str, Any], Scenario | None]:
    """A sweep's rows, its manifest and base scenario (torn chunk files named)."""
    from collsec.experiments import store
    from collsec.storage import read_metadata

    manifest = read_json(folder / store.MANIFEST)
    files = [p for _i, (_h, p) in sorted(store.chunk_files(folder).items())]
    if not files:
        raise CollsecError(_("holds no finished chunk of the sweep"), source=str(folder))
    frames = [read_parquet(p) for p in files]
    try:
        scenario, _version = read_metadata(files[0])
    except Exception as err:
        raise _torn(files[0], err) from None
    rows = pd.concat(frames, ignore_index=True)
    if not {"cell", "regime", "replication"} <= set(rows.columns):
        raise _torn(files[0], ValueError(_("not a sweep chunk")))
    return rows, manifest if isinstance(manifest, dict) else {}, scenario


def read_case(path: Path) -> dict[str, Any]:
    """The JSON ``collsec case --json`` prints, saved to ``path``."""
    data = read_json(path)
    keys = ("case", "predicted", "probabilities", "diagnosis")
    if not isinstance(data, dict) or any(k not in data for k in keys):
        raise CollsecError(
            _("not a case: expected what `collsec case ... --json` prints (keys {keys})").format(
                keys=", ".join(keys)
            ),
            source=str(path),
        )
    return data


# --------------------------------------------------------------------------- HTML pieces


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def figure_html(fig: Any, caption: str) -> str:
    """A matplotlib figure as an embedded PNG."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return png_html(buf.getvalue(), caption)


def png_html(data: bytes, caption: str) -> str:
    """PNG bytes as an ``<img>`` with a ``data:`` address."""
    b64 = base64.b64encode(data).decode("ascii")
    return (
        f'<figure><img alt="{_e(caption)}" src="data:image/png;base64,{b64}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], caption: str = "") -> str:
    """Rows of already-escaped HTML cells under an escaped header."""
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    cap = f'<p class="caption">{_e(caption)}</p>' if caption else ""
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>{cap}"


def _td(text: object) -> str:
    return f"<td>{_e(text)}</td>"


def _cell(mean: Any, lo: Any = None, hi: Any = None) -> str:
    inner = _e(format_number(mean))
    if (lo is not None or hi is not None) and inner != "–":
        inner += f'<br><span class="lo">[{_e(format_number(lo))}, {_e(format_number(hi))}]</span>'
    return f'<td class="num">{inner}</td>'


def findings_html(findings: Sequence[Finding]) -> str:
    """The findings as a table: claim, statement, what is measured, effect, interval, verdict."""
    if not findings:
        return f"<p>{_e(_('Nothing the theory claims can be read from this run.'))}</p>"
    rows = [
        [
            f"<td>{_e(f.claim)}</td>",
            f"<td>{_e(f.statement)}</td>",
            f"<td>{_e(f.measure)}</td>",
            _cell(f.effect, *f.interval),
            f'<td class="{_e(f.verdict)}">{_e(verdict_label(f.verdict))}</td>',
        ]
        for f in findings
    ]
    head = (_("claim"), _("statement"), _("effect measured"), _("effect [95%]"), _("verdict"))
    note = _(
        "holds / fails: the 95% interval lies on one side of no effect (0; for a "
        "condition, failing in half the crises); undecided: it contains it."
    )
    return _table(head, rows, note)


def metric_table_html(comparison: Comparison) -> str:
    """Rows the metrics, columns the regimes: mean over [low, high], with the method."""
    summaries = {k: r.intervals() for k, r in comparison.results.items()}
    rows = []
    for metric, meaning in SUMMARY_METRICS.items():
        cells = [f"<td>{_e(metric)}</td>"]
        cells += [_cell(*summaries[k][metric]) for k in comparison.results]
        cells.append(f"<td>{_e(_(meaning))}</td>")
        rows.append(cells)
    head = [_("metric"), *(regime_label(k) for k in comparison.results), _("meaning")]
    caption = _("mean over replications [95% interval of the mean]") + "; " + interval_caption()
    return _table(head, rows, caption)


def _verdict_mark(v: Any, short: bool = False) -> str:
    """A condition's verdict as a cell: in words, or ``✓`` / ``✗`` when ``short``."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NA:
        return "<td>–</td>"
    if bool(v):
        return f'<td class="holds">{"✓" if short else _e(_("holds"))}</td>'
    return f'<td class="fails">{"✗" if short else _e(_("fails"))}</td>'


def key_crises(result: SimulationResult, n: int = KEY_CRISES) -> pd.DataFrame:
    """The ``n`` most severe wars of ``result`` (deterred attacks are not wars)."""
    c = result.crises
    if not len(c) or "severity" not in c:
        return pd.DataFrame()
    fought = c[c["outcome"] != "deterred"] if "outcome" in c else c
    return fought.sort_values("severity", ascending=False, kind="stable").head(n)


OUTCOME_LABELS: dict[str, str] = {
    "aggressor_won": N_("aggressor won"),
    "aggressor_defeated": N_("aggressor defeated"),
    "deterred": N_("deterred"),
}
"""A crisis outcome of the crisis log (``outcome``) in words."""


def outcome_label(outcome: object) -> str:
    """A crisis outcome in words, in the current language (an unknown one as it is)."""
    key = str(outcome)
    return _(OUTCOME_LABELS[key]) if key in OUTCOME_LABELS else key


def crises_html(comparison: Comparison) -> str:
    """The most severe wars of the diagnosed regime, each with its diagnosis."""
    regime = diagnosed_regime(list(comparison.results))
    if regime is None:
        return f"<p>{_e(_('No regime of this run has a diagnosis to show.'))}</p>"
    top = key_crises(comparison.results[regime])
    if not len(top):
        return f"<p>{_e(_('No crisis log was kept (or no war was fought).'))}</p>"
    rows = []
    for _i, c in top.iterrows():
        cells = [
            f'<td class="num">{_e(c.get("replication", ""))}</td>',
            f'<td class="num">{_e(c.get("year", ""))}</td>',
            f"<td>{_e(c.get('aggressor', ''))}</td>",
            f"<td>{_e(c.get('victim', ''))}</td>",
            f"<td>{_e(c.get('arrangement', '') or '–')}</td>",
            f"<td>{_e(outcome_label(c.get('outcome', '')))}</td>",
            _cell(c.get("severity")),
        ]
        cells += [_verdict_mark(c.get(f"{k}_holds"), short=True) for k in CONDITIONS]
        rows.append(cells)
    head = [
        _("replication"),
        _("year"),
        _("aggressor"),
        _("victim"),
        _("arrangement"),
        _("outcome"),
        _("severity"),
        *CONDITIONS,
    ]
    caption = _(
        "The {n} most severe wars under {regime} (severity: share of world capability lost), "
        "with the verdict of each condition: ✓ holds, ✗ fails, – does not apply."
    ).format(n=len(top), regime=regime_label(regime))
    # Fifteen columns: smaller type keeps the table inside the page (and the A4 sheet).
    return f'<div class="wide">{_table(head, rows, caption)}</div>'


def _plots_html(comparison: Comparison, folder: Path) -> str:
    from collsec import plots

    makers = {
        "metrics_over_time": (plots.metrics_over_time, _("Metrics over time by regime")),
        "severity_ccdf": (plots.severity_ccdf, _("War severity, complementary CDF")),
        "survival_by_quartile": (None, _("Survival by starting capability")),
        "arms_over_time": (plots.arms_over_time, _("Arms share over time")),
    }
    parts = []
    results = list(comparison.results.values())
    for key, (make, caption) in makers.items():
        png = folder / plots.PLOT_FILES[key]
        if png.is_file():
            data = png.read_bytes()
            if not data.startswith(b"\x89PNG"):
                raise _torn(png, ValueError(_("not a PNG image")))
            parts.append(png_html(data, caption))
        elif make is not None and any(r.yearly or len(r.crises) for r in results):
            parts.append(figure_html(make(comparison.results), caption))
    return "".join(parts) or f"<p>{_e(_('No plot was drawn for this run.'))}</p>"


def _page(title: str, sections: Sequence[tuple[str, str]], subtitle: str = "") -> str:
    lang = get_language()
    body = "".join(f"<section><h2>{_e(h)}</h2>{content}</section>" for h, content in sections)
    stamp = _("Made by collsec {version} on {date}.").format(
        version=__version__, date=datetime.now(UTC).strftime("%Y-%m-%d")
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f'<h1>{_e(title)}</h1><p class="meta">{_e(subtitle)}</p>{body}'
        f'<p class="meta">{_e(stamp)}</p></body></html>\n'
    )


_MEMBERS: dict[str, str] = {
    "all": N_("every state"),
    "all_but_great_powers": N_("every state but the great powers"),
}
"""An arrangement's membership keyword in words (a list of codes is shown as it is)."""


def _members_label(members: str | Sequence[str]) -> str:
    if isinstance(members, str):
        return _(_MEMBERS[members]) if members in _MEMBERS else members
    return ", ".join(members)


def _scenario_html(sc: Scenario) -> str:
    # The arrangement's name is the scenario's own (data); its kind and its
    # membership keyword are the program's words, in the report's language.
    rows = [
        [
            f"<td>{_e(a.name)}</td>",
            f"<td>{_e(regime_label(a.kind))}</td>",
            f"<td>{_e(_members_label(a.members))}</td>",
        ]
        for a in sc.arrangements
    ]
    text = f"<p>{_e(' '.join(sc.description.split()))}</p>" if sc.description else ""
    settings = _("{reps} replications × {years} years, seed {seed}").format(
        reps=sc.replications, years=sc.horizon, seed=sc.seed
    )
    table = _table((_("arrangement"), _("kind"), _("members")), rows) if rows else ""
    return f"{text}<p>{_e(settings)}</p>{table}"


def _regimes_html(regimes: Sequence[str]) -> str:
    items = "".join(f"<li>{_e(regime_label(r))} (<code>{_e(r)}</code>)</li>" for r in regimes)
    return f"<ul>{items}</ul>"


# --------------------------------------------------------------------------- the reports


def run_report(folder: Path) -> str:
    """The report of a run or comparison folder."""
    comparison = read_run(folder)
    sc = comparison.scenario
    found = findings_from_results(comparison.results)
    sections = [
        (_("Scenario"), _scenario_html(sc)),
        (_("Regimes"), _regimes_html(list(comparison.results))),
        (_("Metrics"), metric_table_html(comparison)),
        (_("Plots"), _plots_html(comparison, folder)),
        (_("What this run shows"), findings_html(found)),
        (_("The crises that matter most"), crises_html(comparison)),
    ]
    return _page(_("collsec report: {name}").format(name=sc.name), sections, str(folder))


def _sweep_table(rows: pd.DataFrame, regimes: Sequence[str]) -> str:
    metrics = [m for m in SUMMARY_METRICS if m in rows]
    out = []
    for metric in metrics:
        cells = [f"<td>{_e(metric)}</td>"]
        per_cell = rows.pivot_table(index="cell", columns="regime", values=metric, aggfunc="mean")
        for r in regimes:
            if r in per_cell:
                v = per_cell[r].to_numpy(dtype=float)
                cells.append(_cell(np.nanmean(v), np.nanmin(v), np.nanmax(v)))
            else:
                cells.append(_cell(None))
        cells.append(f"<td>{_e(_(SUMMARY_METRICS[metric]))}</td>")
        out.append(cells)
    head = [_("metric"), *(regime_label(r) for r in regimes), _("meaning")]
    caption = _(
        "mean over the cells of each cell's mean over replications [lowest cell, highest cell]: "
        "the spread over the design, not an interval"
    )
    return _table(head, out, caption)


def _sweep_plot(rows: pd.DataFrame, regimes: Sequence[str], params: Sequence[str]) -> str:
    from collsec.plots import _figure, regime_color

    fig = _figure(8, 4.5)
    ax = fig.add_subplot()
    x_name = params[0] if params and params[0] in rows else "cell"
    for r in regimes:
        cells = rows[rows["regime"] == r].groupby("cell")
        part = cells.agg(x=(x_name, "first"), y=("war_rate", "mean"))
        ax.plot(part["x"], part["y"], "o", label=regime_label(r), color=regime_color(r), alpha=0.8)
    ax.set_xlabel(x_name)
    ax.set_ylabel(_("wars begun per state-year"))
    ax.legend()
    ax.grid(alpha=0.3)
    caption = _("War rate of each cell (mean over its replications), by regime")
    return figure_html(fig, caption)


def sweep_report(folder: Path) -> str:
    """The report of a sweep folder."""
    rows, manifest, sc = read_sweep(folder)
    settings = {
        k: manifest[f]
        for k, f in (("replications", "replications"), ("horizon", "years"), ("seed", "seed"))
        if isinstance(manifest.get(f), int)
    }
    if sc is not None and settings:
        sc = sc.replace(**settings)  # the sweep's run settings, not the base scenario's
    regimes = list(dict.fromkeys(rows["regime"]))
    params = [str(p) for p in manifest.get("parameters", [])]
    found = findings_from_sweep(rows, sc)
    design = _("{cells} cells ({design} design) over {params}; {n} rows").format(
        cells=rows["cell"].nunique(),
        design=manifest.get("design", "?"),
        params=", ".join(params) or "–",
        n=len(rows),
    )
    plot = _sweep_plot(rows, regimes, params) if "war_rate" in rows else ""
    sections = [
        (_("Scenario"), (_scenario_html(sc) if sc is not None else "") + f"<p>{_e(design)}</p>"),
        (_("Regimes"), _regimes_html(regimes)),
        (_("Metrics"), _sweep_table(rows, regimes)),
        (_("Plots"), plot),
        (_("What this run shows"), findings_html(found)),
        (
            _("The crises that matter most"),
            f"<p>{_e(_(_SWEEP_NO_CRISES))}</p>",
        ),
    ]
    name = manifest.get("name") or (sc.name if sc is not None else folder.name)
    return _page(_("collsec report: {name}").format(name=name), sections, str(folder))


def case_report(path: Path) -> str:
    """The report of one historical crisis (``collsec case --json`` saved to a file)."""
    if path.is_dir():
        path = path / CASE_FILE
    d = read_case(path)
    c = d["case"]
    title = _("{org} {year}: {agg} against {vic} ({rule} rule, {m} members)").format(
        org=c.get("organization", ""),
        year=c.get("year", ""),
        agg=";".join(c.get("aggressors", [])),
        vic=c.get("victim", ""),
        rule=d.get("rule", ""),
        m=d.get("members", ""),
    )
    pr = d["probabilities"]
    pred = d["predicted"]
    action = pr.get("action", {}) if isinstance(pr.get("action"), dict) else {}
    rows = [
        [_td(_("designated")), _td(pred.get("designated")), _cell(pr.get("designated"))],
        [
            f"<td>{_e(_('action'))}</td>",
            f"<td>{_e(pred.get('action'))}</td>",
            f"<td>{_e(' / '.join(f'{k} {format_number(v)}' for k, v in action.items()))}</td>",
        ],
        [_td(_("reversed")), _td(pred.get("reversed")), _cell(pr.get("reversed"))],
    ]
    prediction = _table((_("outcome"), _("predicted"), _("probability")), rows)
    diag_rows = []
    for cond, row in d["diagnosis"].items():
        row = row if isinstance(row, dict) else {}
        diag_rows.append(
            [
                f"<td>{_e(cond)}</td>",
                _cell(row.get("value")),
                _cell(row.get("holds_share")),
                _verdict_mark(row.get("holds")),
            ]
        )
    diagnosis = _table(
        (_("condition"), _("value"), _("holds (share of draws)"), _("verdict")),
        diag_rows,
        _("A condition holds when it held in at least half of the draws."),
    )
    coalition = [
        [_td(x.get("name", "")), _td(x.get("code", "")), _cell(x.get("p_join"))]
        for x in d.get("coalition", [])[:20]
    ]
    votes = [
        [
            f"<td>{_e(x.get('name', ''))}</td>",
            f"<td>{_e(x.get('code', ''))}</td>",
            _cell(x.get("p_yes")),
            f"<td>{_e(x.get('role', ''))}</td>",
        ]
        for x in d.get("votes", [])
        if x.get("permanent") or x.get("role") != "designates"
    ][:25]
    scenario = f"<p>{_e(d.get('description', ''))}</p>"
    sections = [
        (_("Scenario"), scenario),
        (_("Prediction"), prediction),
        (_("Diagnosis (O1-O5, M1-M3)"), diagnosis),
        (_("The vote"), _table((_("state"), _("code"), _("P(yes)"), _("role")), votes)),
        (
            _("The coalition"),
            _table(
                (_("state"), _("code"), _("P(joins)")),
                coalition,
                "" if coalition else _("nobody joins the victim in 5% of the draws or more"),
            ),
        ),
    ]
    return _page(title, sections, str(path))


@contextmanager
def language(lang: str | None) -> Iterator[None]:
    """Messages in ``lang`` (None: unchanged) inside the block."""
    if lang is None:
        yield
        return
    before = get_language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def build_report(source: Path, lang: str | None = None) -> str:
    """The HTML report of ``source`` (a run, comparison or sweep folder, or a case JSON)."""
    with language(lang):
        kind = kind_of(source)
        if kind == "case":
            return case_report(source)
        if kind == "sweep":
            return sweep_report(source)
        return run_report(source)


def write_report(source: Path, out: Path, lang: str | None = None) -> Path:
    """Build the report of ``source`` and write it to ``out`` (one HTML file)."""
    text = build_report(source, lang)
    if out.is_dir():
        raise CollsecError(_("is a folder: give the HTML file to write"), source=str(out))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as err:
        raise CollsecError(
            _("cannot write the report: {reason}").format(reason=err.strerror or err),
            source=str(out),
        ) from None
    return out


# --------------------------------------------------------------------------- command


def report_cmd(
    source: Path = _SOURCE,
    out: Path = _REPORT_OUT,
    lang: str | None = _LANG,
) -> None:
    """Write one self-contained HTML report of a run, comparison, sweep or case."""
    path = write_report(source, out, lang)
    with language(lang):
        stderr_console().print(_("Wrote {file}").format(file=path))


def register(app: typer.Typer) -> None:
    """Add ``collsec report`` to ``app``."""
    app.command(
        "report",
        cls=TranslatedCommand,
        help=N_("Write one self-contained HTML report of a run, comparison, sweep or case."),
    )(guarded(report_cmd))
