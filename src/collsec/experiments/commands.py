"""Commands ``collsec sweep``, ``collsec query`` and ``collsec sensitivity``.

:func:`register` adds them to the main app (:mod:`collsec.cli` calls it). User
errors are :class:`~collsec.errors.CollsecError`: one line on stderr, exit 2.
Progress, notes and the resume hint go to stderr; tables to stdout.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from collsec import atomic
from collsec.api import check_engine
from collsec.console import (
    EXIT_INTERRUPTED,
    TranslatedCommand,
    guarded,
    stderr_console,
    stdout_console,
)
from collsec.experiments import store
from collsec.experiments.executors import make_executor
from collsec.experiments.spec import Plan, load_spec, plan
from collsec.experiments.sweep import SweepReport, run_sweep
from collsec.i18n import N_, _


def _err() -> Console:
    return stderr_console()


def _out() -> Console:
    return stdout_console()


class RateColumn(ProgressColumn):
    """Runs (cell x regime x replication) per second."""

    def render(self, task: Task) -> Text:
        """The task's current speed."""
        speed = task.finished_speed or task.speed
        if speed is None:
            return Text(_("? runs/s"), style="progress.data.speed")
        return Text(_("{speed:,.1f} runs/s").format(speed=speed), style="progress.data.speed")


def _execute(
    p: Plan,
    spec_arg: str,
    out: Path,
    command: str,
    workers: int | None,
    scheduler: str | None,
    executor: str,
    resume: bool,
    engine: str = "auto",
) -> SweepReport:
    """Run the sweep with a progress bar; on Ctrl-C keep finished chunks and say how to resume."""
    ex = make_executor(executor, workers, scheduler)
    console = _err()
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn(_("ETA")),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    state: dict[str, Any] = {}

    def on_start(chunks: int, rows: int) -> None:
        state["task"] = progress.add_task(f"{p.spec.name} ({ex!r})", total=rows)

    def on_chunk(index: int, rows: int) -> None:
        progress.advance(state["task"], rows)

    try:
        with progress:
            report = run_sweep(
                p,
                out,
                ex,
                resume=resume,
                on_start=on_start,
                on_chunk=on_chunk,
                engine=engine,
                notify=_note,
            )
    finally:
        close = getattr(ex, "close", None)
        if close is not None:
            close()
    for bad, moved, reason in report.rejected:
        console.print(
            Text(
                _("{file}: {reason}; moved to {moved} and run again").format(
                    file=bad, reason=reason, moved=moved
                ),
                style="yellow",
            )
        )
    if report.interrupted:
        done = report.chunks_before + report.chunks_run
        console.print(
            Text(
                _("stopped: {done} of {total} chunks are kept in {out}").format(
                    done=done, total=report.chunks_total, out=out
                ),
                style="yellow",
            )
        )
        # The same engine on resume keeps the rows of one sweep from one engine.
        again = "" if engine == "auto" else f" --engine {engine}"
        console.print(
            _("resume with: collsec {command} {spec} --out {out} --resume").format(
                command=command, spec=spec_arg, out=out
            )
            + again
        )
        raise typer.Exit(EXIT_INTERRUPTED)
    return report


def _note(message: str) -> None:
    _err().print(Text(message))


def _summary(out: Path, report: SweepReport, p: Plan) -> None:
    cols = [m for m in ("war_rate", "deterred_rate", "weak_survival") if m]
    sql = (
        "SELECT regime, count(DISTINCT cell) AS cells, count(*) AS runs, "
        + ", ".join(f"avg({m}) AS {m}" for m in cols)
        + " FROM results GROUP BY regime ORDER BY regime"
    )
    df = store.query(out, sql)
    title = _("sweep {name}: {cells} cells, {runs} runs this time in {secs:.1f} s").format(
        name=p.spec.name, cells=len(p.cells), runs=report.rows_written, secs=report.seconds
    )
    _out().print(_table(df, title))
    # What the sweep shows about the theory, computed by collsec.findings alone.
    from collsec.findings import findings_from_sweep, print_findings
    from collsec.scenario import scenario_from_data

    found = findings_from_sweep(store.load_results(out), scenario_from_data(p.base, source="base"))
    if found:
        print_findings(found, _out())
    _err().print(_('results in {out}; query them with: collsec query {out} "SQL"').format(out=out))


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "–" if v != v else f"{v:.4g}"
    return str(v)


def _table(df: pd.DataFrame, title: str | None = None) -> Table:
    t = Table(title=title)
    for c in df.columns:
        t.add_column(str(c), justify="right" if pd.api.types.is_numeric_dtype(df[c]) else "left")
    for row in df.itertuples(index=False):
        t.add_row(*(_fmt(v) for v in row))
    return t


WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", "-w", min=1, help=N_("Worker processes (default: every core).")),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help=N_("Address of a running Dask scheduler (tcp://host:8786).")),
]
ExecutorOpt = Annotated[
    str,
    typer.Option("--executor", help=N_("processes (default), dask (a LocalCluster) or inline.")),
]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help=N_("Run only the chunks not yet in the output folder."))
]
EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        help=N_(
            "Engine of every cell: numpy (the reference), compiled (numba; the same rules, "
            "faster) or auto (compiled where it can run the cell, once compiled; while it "
            "compiles in the background, the whole sweep runs on NumPy)."
        ),
    ),
]


def sweep_command(
    spec: Annotated[str, typer.Argument(help=N_("Sweep spec file, or a bundled example name."))],
    out: Annotated[Path, typer.Option("--out", "-o", help=N_("Output folder."))],
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    executor: ExecutorOpt = "processes",
    resume: ResumeOpt = False,
    engine: EngineOpt = "auto",
) -> None:
    """Run a parameter sweep into a resumable Parquet dataset."""
    p = plan(load_spec(spec))
    check_engine(engine, p.base_scenario())
    report = _execute(p, spec, out, "sweep", workers, scheduler, executor, resume, engine)
    _summary(out, report, p)


def query_command(
    folder: Annotated[Path, typer.Argument(help=N_("A sweep's output folder."))],
    sql: Annotated[str, typer.Argument(help=N_("DuckDB SQL over the view 'results'."))],
    csv: Annotated[bool, typer.Option("--csv", help=N_("Print CSV instead of a table."))] = False,
) -> None:
    """Run SQL (DuckDB) over a sweep's results, exposed as the view 'results'."""
    df = store.query(folder, sql)
    if csv:
        sys.stdout.write(df.to_csv(index=False))
    else:
        _out().print(_table(df))


def sensitivity_command(
    spec: Annotated[str, typer.Argument(help=N_("Sensitivity spec (design kind: sobol)."))],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help=N_("Output folder (default: sensitivity-NAME).")),
    ] = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    executor: ExecutorOpt = "processes",
    resume: ResumeOpt = False,
    engine: EngineOpt = "auto",
) -> None:
    """Sobol indices (S1, ST) of the outcome metrics for the drivers of the conditions."""
    from collsec.experiments.sensitivity import (
        analyze,
        check_sobol,
        few_samples_warning,
        save_plot,
    )

    p = plan(load_spec(spec))
    check_sobol(p)
    check_engine(engine, p.base_scenario())
    few = few_samples_warning(p)
    if few is not None:  # said before the sweep, when it can still be made larger
        _err().print(Text(few, style="yellow"))
    folder = out or Path(f"sensitivity-{p.spec.name}")
    manifest = store.read_manifest(folder) if folder.is_dir() else None
    finished = (
        manifest is not None
        and manifest.get("spec_hash") == p.hash
        and len(store.chunk_files(folder)) == len(p.chunks)
    )
    if not (finished and resume):
        _execute(p, spec, folder, "sensitivity", workers, scheduler, executor, resume, engine)
    indices = analyze(p, folder)
    csv_path = folder / "sobol_indices.csv"
    atomic.write_text(csv_path, indices.to_csv(index=False))
    png = save_plot(indices, folder / "sobol_indices.png")
    for (regime, metric), d in indices.groupby(["regime", "metric"], sort=False):
        _out().print(
            _table(
                d.drop(columns=["regime", "metric"]),
                _("Sobol indices of {metric} ({regime}), 95% intervals").format(
                    metric=metric, regime=regime
                ),
            )
        )
    _err().print(_("wrote {csv} and {png}").format(csv=csv_path, png=png))


def register(app: typer.Typer) -> None:
    """Add ``sweep``, ``query`` and ``sensitivity`` to ``app``."""
    app.command(
        "sweep",
        cls=TranslatedCommand,
        help=N_("Run a parameter sweep into a resumable Parquet dataset."),
    )(guarded(sweep_command))
    app.command(
        "query",
        cls=TranslatedCommand,
        help=N_("Run SQL (DuckDB) over a sweep's results, exposed as the view 'results'."),
    )(guarded(query_command))
    app.command(
        "sensitivity",
        cls=TranslatedCommand,
        help=N_("Sobol indices (S1, ST) of the outcome metrics for the drivers of the conditions."),
    )(guarded(sensitivity_command))
