"""The ``collsec`` command line (typer + rich).

Commands
--------
``collsec`` (no arguments)
    Same as ``collsec compare default``.
``collsec compare [SCENARIO]``
    The four regimes of C10 on one world and the same seeds, with a table of
    every metric's mean and 95% interval and an output folder.
``collsec run SCENARIO``
    One regime (``as_specified`` by default).
``collsec scenario list | show NAME | validate FILE``
    The bundled scenarios; dump one as YAML; check a file.
``collsec params [--group G]``
    Every parameter with its default, range and meaning, read from the
    scenario schema (:func:`collsec.scenario.parameter_table`), never declared
    twice; the meaning (the English Field description) is translated when shown.
``collsec warm [--json]``
    Compile the compiled engine now, in the foreground (or wait for the
    background compilation a first ``auto`` run started), under the lock of
    :mod:`collsec.fast.cache`.
``collsec version``
    The package version.

Extension protocol
------------------
Other parts of collsec add commands through a module that defines::

    def register(app: typer.Typer) -> None:
        '''Add commands (``app.command``) or groups (``app.add_typer``) to ``app``.'''

The modules are listed in :data:`EXTENSION_MODULES` (data fetch/status;
history case, cases evaluate, validate; experiments sweep, query,
sensitivity). Each is imported when the app is built and its ``register(app)``
called. A module that does not exist yet (a ``ModuleNotFoundError`` naming
exactly that module, or its own missing package under ``collsec``) is skipped;
any other error, including a ``ModuleNotFoundError`` for something the module
itself imports, surfaces, so a broken extension is never silently hidden.

Language
--------
Help texts (of the app, the groups, every command and option) are marked with
:func:`collsec.i18n.N_` and the commands use
:class:`~collsec.console.TranslatedCommand` / :class:`~collsec.console.TranslatedGroup`,
so help is translated when typer builds the command at each run: in the
language of ``COLLSEC_LANG`` or of a :func:`collsec.i18n.set_language` called
after import (the dashboard). Extension modules follow the same pattern.

Errors
------
Every command runs inside a guard: a :class:`~collsec.errors.CollsecError`
prints one line ``error: <message>`` on stderr and exits with code 2, without a
traceback; an interrupt (Ctrl-C) prints a line and exits with 130. Usage errors
found by typer (an unknown option, a missing argument) keep typer's message and
exit code 2. Progress and messages go to stderr; tables, YAML and JSON to
stdout, so ``collsec compare --json > out.json`` gives a clean file.

Output folders are never clobbered: the default folder gets a new timestamped
name, and ``--out DIR`` only writes into a folder that is new, empty, or was
written by collsec before (it holds ``scenario.yaml``).
"""

from __future__ import annotations

import importlib
import json
import math
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from collsec import __version__, budget
from collsec.api import check_engine
from collsec.api import compare as api_compare
from collsec.api import simulate as api_simulate
from collsec.atomic import INCOMPLETE, check_writable, staged_folder
from collsec.console import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    TranslatedCommand,
    TranslatedGroup,
    guarded,
    print_error,
)
from collsec.console import stderr_console as _stderr
from collsec.console import stdout_console as _stdout
from collsec.errors import CollsecError, UnknownNameError
from collsec.findings import findings_from_comparison, print_findings
from collsec.i18n import N_, _, regime_label
from collsec.results import SUMMARY_METRICS, Comparison, interval_caption
from collsec.scenario import (
    REGIMES,
    RUN_REGIMES,
    ExplicitWorld,
    Parameters,
    Scenario,
    bundled_scenarios,
    load_scenario,
    parameter_table,
)

EXTENSION_MODULES: tuple[str, ...] = (
    "collsec.data.commands",
    "collsec.history.commands",
    "collsec.experiments.commands",
    "collsec.report",
    "collsec.dashboard.commands",
)
"""Modules whose ``register(app)`` adds commands, when they exist."""

DEFAULT_OUTPUT_ROOT = Path("collsec-output")
"""Where runs write when ``--out`` is not given (relative to the current folder)."""

F = TypeVar("F", bound=Callable[..., Any])


# --------------------------------------------------------------------------- consoles


def _note(message: str) -> None:
    _stderr().print(Text(message))


def _guard_all(app: typer.Typer) -> None:
    """Guard every command and callback of ``app`` and its sub-apps, extensions included."""
    for cmd in app.registered_commands:
        if cmd.callback is not None:
            cmd.callback = guarded(cmd.callback)
    if app.registered_callback is not None and app.registered_callback.callback is not None:
        app.registered_callback.callback = guarded(app.registered_callback.callback)
    for group in app.registered_groups:
        if isinstance(group.typer_instance, typer.Typer):
            _guard_all(group.typer_instance)


# --------------------------------------------------------------------------- app

# Help texts are marked with N_ and translated by the Translated* classes when
# typer builds the command at each run, so a language chosen after import
# (set_language, the dashboard) applies; _() here would freeze the import's.
app = typer.Typer(
    name="collsec",
    cls=TranslatedGroup,
    help=N_("Model, simulate and explain collective security."),
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=False,
)
scenario_app = typer.Typer(
    cls=TranslatedGroup, help=N_("List, show and validate scenarios."), no_args_is_help=True
)
app.add_typer(scenario_app, name="scenario")


# --------------------------------------------------------------------------- helpers


def _positive(value: int | None, option: str) -> int | None:
    if value is not None and value < 1:
        raise CollsecError(
            _("must be a positive whole number, not {value}").format(value=value), field=option
        )
    return value


def _seed(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise CollsecError(
            _("must be a non-negative whole number, not {value}").format(value=value),
            field="--seed",
        )
    return value


def parse_regimes(text: str | None, allowed: Sequence[str] = REGIMES) -> list[str]:
    """Split ``a,b`` into regime names, checking each; ``None`` gives all of ``allowed``.

    Raises
    ------
    UnknownNameError
        If a name is not a regime, or none is given.
    """
    if text is None:
        return list(allowed)
    names = [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise UnknownNameError(_("no regime given"), field="--regimes")
    for name in names:
        if name not in allowed:
            raise UnknownNameError(
                _("unknown regime {name!r}: choose from {choices}").format(
                    name=name, choices=", ".join(allowed)
                ),
                field="--regimes",
            )
    return list(dict.fromkeys(names))


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "run"


COLLSEC_MARKER = "scenario.yaml"
"""A folder holding this file was written by collsec and may be rewritten with ``--out``."""


def prepare_output(out: Path | None, scenario_name: str, marker: str = COLLSEC_MARKER) -> Path:
    """Choose (and check) the output folder before any work is done.

    Parameters
    ----------
    out
        The folder named with ``--out``, or None for a new timestamped folder
        under ``collsec-output/`` in the current folder.
    scenario_name
        Names the default folder.
    marker
        The file whose presence says collsec wrote the folder (``validate``
        writes ``validation.json``, runs ``scenario.yaml``).

    Raises
    ------
    CollsecError
        If ``out`` is a file, or an existing folder that is neither empty nor
        written by collsec (its files are never overwritten).
    """
    if out is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        base = DEFAULT_OUTPUT_ROOT / f"{_slug(scenario_name)}-{stamp}"
        folder, k = base, 1
        while folder.exists():  # never reuse a folder we were not told to use
            k += 1
            folder = base.with_name(f"{base.name}-{k}")
        return folder
    if out.exists() and not out.is_dir():
        raise CollsecError(_("exists and is not a folder"), source=str(out))
    if out.is_dir() and any(out.iterdir()) and not is_collsec_folder(out, marker):
        raise CollsecError(
            _(
                "folder is not empty and was not written by collsec (no {marker}); "
                "refusing to overwrite its files: choose a new or empty folder"
            ).format(marker=marker),
            source=str(out),
        )
    return out


def _known_outputs() -> set[str]:
    from collsec.plots import PLOT_FILES

    tables = {f"{k}.parquet" for k in ("replications", "yearly", "crises", "states", "summary")}
    return tables | set(PLOT_FILES.values()) | {COLLSEC_MARKER, "summary.json"}


def is_collsec_folder(folder: Path, marker: str = COLLSEC_MARKER) -> bool:
    """``folder`` was written by collsec: it holds ``marker``, or is marked incomplete."""
    return (folder / marker).is_file() or (folder / INCOMPLETE).is_file()


def write_output(comparison: Comparison, folder: Path, plots: bool) -> list[Path]:
    """Write ``comparison`` into a staged folder and swap it in for ``folder`` whole.

    After a kill at any moment ``folder`` holds the old run or the new one, or
    says it is incomplete (:func:`collsec.atomic.staged_folder`), so a stale
    plot or crisis log of an earlier run cannot be mistaken for this one's;
    files collsec does not write are kept.
    """
    try:
        with staged_folder(folder, owned=_known_outputs()) as stage:
            produced = comparison.write(stage)
            if plots:
                from collsec.plots import save_all

                produced.extend(save_all(comparison.results, stage))
            written = [folder / p.name for p in produced]
    except OSError as err:
        raise CollsecError(
            _("cannot write the results: {reason}").format(reason=err.strerror or err),
            source=str(folder),
        ) from None
    return written


@contextmanager
def progress_bar(total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields the callback the API's ``progress`` takes."""
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=_stderr(), transient=False) as bar:
        task = bar.add_task(description, total=total)

        def advance(done: int) -> None:
            bar.advance(task, done)

        yield advance


class Spinner:
    """A spinner with the elapsed time on stderr (:func:`spinner`), for work of unknown length."""

    def __init__(self, bar: Progress, task: Any) -> None:
        self._bar, self._task = bar, task

    def describe(self, text: str) -> None:
        """Change the words beside the spinner."""
        self._bar.update(self._task, description=text)

    def note(self, text: str) -> None:
        """Print a line on stderr above the spinner."""
        self._bar.console.print(Text(text))


@contextmanager
def spinner(description: str) -> Iterator[Spinner]:
    """A spinner and the elapsed time on stderr, gone when the work ends."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=_stderr(), transient=True) as bar:
        yield Spinner(bar, bar.add_task(description, total=None))


def _fmt(v: float | None) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    return f"{v:.3g}"


def summary_table(comparison: Comparison, meanings: bool = False) -> Table:
    """Rows the metrics, columns the regimes; each cell the mean over ``[low, high]``.

    Parameters
    ----------
    meanings
        Add a column with each metric's meaning (wide terminals).
    """
    sc = comparison.scenario
    table = Table(
        title=(
            _("{scenario}: {reps} replication × {years} years (seed {seed})")
            if sc.replications == 1
            else _("{scenario}: {reps} replications × {years} years (seed {seed})")
        ).format(scenario=sc.name, reps=sc.replications, years=sc.horizon, seed=sc.seed),
        caption=_("mean over replications [95% interval of the mean]"),
    )
    table.add_column(_("metric"), style="bold", no_wrap=True)
    for regime in comparison.results:
        table.add_column(regime_label(regime), justify="right")
    if meanings:
        table.add_column(_("meaning"), style="dim")
    summaries = {k: r.summary_dict() for k, r in comparison.results.items()}
    for metric, meaning in SUMMARY_METRICS.items():
        cells = []
        for regime in comparison.results:
            s = summaries[regime][metric]
            cell = Text(_fmt(s["mean"]) + "\n")
            cell.append(f"[{_fmt(s['low'])}, {_fmt(s['high'])}]", style="dim")
            cells.append(cell)
        extra = [Text(_(meaning))] if meanings else []
        table.add_row(Text(metric), *cells, *extra)
    return table


def _execute(
    sc: Scenario,
    regimes: list[str],
    engine: str = "auto",
    force: bool = False,
    *,
    single: bool,
    out: Path | None,
    as_json: bool,
    plots: bool,
) -> None:
    """Run, write the folder, and print the table or the JSON object."""
    check_engine(engine, sc)
    budget.check(sc, regimes=len(regimes), engine=engine, force=force)
    folder = prepare_output(out, sc.name)
    check_writable(folder)
    total = sc.replications * sc.horizon * len(regimes)
    description = _("Simulating {n} regime(s)").format(n=len(regimes))
    with progress_bar(total, description) as advance:
        if single:
            result = api_simulate(sc, regimes[0], progress=advance, engine=engine, notify=_note)
            comparison = Comparison({regimes[0]: result})
        else:
            comparison = api_compare(sc, regimes, progress=advance, engine=engine, notify=_note)
    written = write_output(comparison, folder, plots)
    _note(_("Wrote {n} files to {folder}").format(n=len(written), folder=folder))
    found = findings_from_comparison(comparison)
    if as_json:
        # Exactly one JSON object on stdout; NaN was turned into null already.
        data = {**comparison.to_json_dict(), "findings": [f.to_dict() for f in found]}
        sys.stdout.write(json.dumps(data, allow_nan=False) + "\n")
        sys.stdout.flush()
    else:
        console = _stdout()
        console.print(summary_table(comparison, meanings=console.width >= 150))
        console.print(Text(interval_caption(), style="dim"))
        print_findings(found, console)


def _with_run_settings(
    scenario: str, reps: int | None, years: int | None, seed: int | None
) -> Scenario:
    _positive(reps, "--reps")
    _positive(years, "--years")
    _seed(seed)
    sc = load_scenario(scenario)
    changes: dict[str, int] = {}
    if reps is not None:
        changes["replications"] = reps
    if years is not None:
        changes["horizon"] = years
    if seed is not None:
        changes["seed"] = seed
    return with_options(
        sc, changes, {"replications": "--reps", "horizon": "--years", "seed": "--seed"}
    )


def with_options(sc: Scenario, changes: dict[str, Any], options: dict[str, str]) -> Scenario:
    """``sc`` with top-level fields replaced from command-line options.

    A value the schema refuses (``--reps 10000001``: at most 10,000,000) is
    reported under the option's name with the schema's bound.

    Raises
    ------
    CollsecError
        Naming the option, if a value is out of the schema's range.
    """
    if not changes:
        return sc
    try:
        return sc.replace(**changes)
    except CollsecError as err:
        if err.field in options:
            raise CollsecError(err.message, field=options[err.field]) from None
        raise


# --------------------------------------------------------------------------- options

_SCENARIO_HELP = N_("Bundled scenario name or scenario file (YAML, TOML or JSON).")
_REPS = typer.Option(None, "--reps", help=N_("Replications (default: the scenario's)."))
_YEARS = typer.Option(None, "--years", help=N_("Years simulated (default: the scenario's)."))
_SEED = typer.Option(None, "--seed", help=N_("Seed of the run (default: the scenario's)."))
_OUT = typer.Option(
    None,
    "--out",
    help=N_("Output folder (default: collsec-output/<scenario>-<timestamp>)."),
    file_okay=True,
    dir_okay=True,
)
_FORCE = typer.Option(
    False,
    "--force",
    help=N_("Run even if the run is estimated to need more memory than this machine has."),
)
_JSON = typer.Option(
    False, "--json", help=N_("Print one JSON object on stdout instead of a table.")
)
_ENGINE = typer.Option(
    "auto",
    "--engine",
    help=N_(
        "Engine: numpy (the reference), compiled (numba; the same rules, faster) or auto "
        "(compiled when installed and compiled; the first run compiles it in the background)."
    ),
)


# --------------------------------------------------------------------------- commands


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context) -> None:
    """Model, simulate and explain collective security.

    With no command, runs ``collsec compare default``.
    """
    if ctx.invoked_subcommand is None:
        _execute(
            load_scenario("default"),
            list(REGIMES),
            single=False,
            out=None,
            as_json=False,
            plots=True,
        )


@app.command(
    "compare",
    cls=TranslatedCommand,
    help=N_("Compare self-help, collective defence, collective security and its ideal (C10)."),
)
def compare_cmd(
    scenario: str = typer.Argument("default", help=_SCENARIO_HELP),
    reps: int | None = _REPS,
    years: int | None = _YEARS,
    seed: int | None = _SEED,
    out: Path | None = _OUT,
    as_json: bool = _JSON,
    no_plots: bool = typer.Option(False, "--no-plots", help=N_("Do not draw PNG plots.")),
    regimes: str | None = typer.Option(
        None, "--regimes", help=N_("Comma-separated regimes (default: all four).")
    ),
    engine: str = _ENGINE,
    force: bool = _FORCE,
) -> None:
    """Compare self-help, collective defence, collective security and its ideal (C10)."""
    chosen = parse_regimes(regimes, REGIMES)
    sc = _with_run_settings(scenario, reps, years, seed)
    _execute(sc, chosen, engine, force, single=False, out=out, as_json=as_json, plots=not no_plots)


@app.command("run", cls=TranslatedCommand, help=N_("Run one regime of a scenario."))
def run_cmd(
    scenario: str = typer.Argument(..., help=_SCENARIO_HELP),
    regime: str = typer.Option(
        "as_specified", "--regime", help=N_("Regime to run: as_specified or one of the four.")
    ),
    reps: int | None = _REPS,
    years: int | None = _YEARS,
    seed: int | None = _SEED,
    out: Path | None = _OUT,
    as_json: bool = _JSON,
    no_plots: bool = typer.Option(False, "--no-plots", help=N_("Do not draw PNG plots.")),
    engine: str = _ENGINE,
    force: bool = _FORCE,
) -> None:
    """Run one regime of a scenario."""
    if regime not in RUN_REGIMES:
        raise UnknownNameError(
            _("unknown regime {name!r}: choose from {choices}").format(
                name=regime, choices=", ".join(RUN_REGIMES)
            ),
            field="--regime",
        )
    sc = _with_run_settings(scenario, reps, years, seed)
    if regime == "as_specified" and not sc.arrangements:
        # docs/model.md: self_help is the regime with no arrangement.
        _note(
            _(
                "{name} has no arrangement: as specified, every state helps itself (self-help); "
                "--regime collective_security or collective_defense builds the default ones"
            ).format(name=sc.name)
        )
    _execute(sc, [regime], engine, force, single=True, out=out, as_json=as_json, plots=not no_plots)


@scenario_app.command(
    "list", cls=TranslatedCommand, help=N_("List the bundled scenarios with their descriptions.")
)
def scenario_list() -> None:
    """List the bundled scenarios with their descriptions."""
    table = Table(title=_("Bundled scenarios"))
    table.add_column(_("name"), style="bold", no_wrap=True)
    table.add_column(_("description"))
    for name in bundled_scenarios():
        try:
            description = load_scenario(name).description
        except CollsecError as err:  # keep listing the others; say what is wrong
            description = _("invalid: {reason}").format(reason=err.render())
        table.add_row(Text(name), Text(" ".join(description.split())))
    _stdout().print(table)


@scenario_app.command(
    "show",
    cls=TranslatedCommand,
    help=N_("Print a scenario as complete YAML (every default filled in)."),
)
def scenario_show(name: str = typer.Argument(..., help=_SCENARIO_HELP)) -> None:
    """Print a scenario as complete YAML (every default filled in)."""
    # Plain write, not rich: YAML must reach the file unwrapped and unstyled.
    sys.stdout.write(load_scenario(name).to_yaml())
    sys.stdout.flush()


def describe(sc: Scenario) -> str:
    """A one-line summary of a scenario."""
    if isinstance(sc.world, ExplicitWorld):
        world = _("{n} explicit states").format(n=len(sc.world.states))
    else:
        world = _("{n} generated states").format(n=sc.world.n_states)
    return _(
        "{name}: {world}, {k} arrangement(s), {years} years, {reps} replications, seed {seed}"
    ).format(
        name=sc.name,
        world=world,
        k=len(sc.arrangements),
        years=sc.horizon,
        reps=sc.replications,
        seed=sc.seed,
    )


@scenario_app.command(
    "validate",
    cls=TranslatedCommand,
    help=N_("Check a scenario file; print OK and a summary, or the problem."),
)
def scenario_validate(file: str = typer.Argument(..., help=_SCENARIO_HELP)) -> None:
    """Check a scenario file; print OK and a summary, or the problem."""
    sc = load_scenario(file)
    line = Text("OK ", style="bold green")
    line.append(describe(sc))
    _stdout().print(line, soft_wrap=True)


@app.command(
    "params",
    cls=TranslatedCommand,
    help=N_("Every parameter: path, default, range and meaning (from the schema)."),
)
def params_cmd(
    group: str | None = typer.Option(
        None, "--group", help=N_("Only this group (growth, arming, aggression, ...).")
    ),
) -> None:
    """Every parameter: path, default, range and meaning (from the schema)."""
    groups = list(Parameters.model_fields)
    if group is not None and group not in groups:
        raise UnknownNameError(
            _("unknown parameter group {name!r}: choose from {choices}").format(
                name=group, choices=", ".join(groups)
            ),
            field="--group",
        )
    table = Table(title=_("Parameters"))
    table.add_column(_("path"), style="bold", no_wrap=True)
    table.add_column(_("default"), justify="right")
    table.add_column(_("range"), justify="center")
    table.add_column(_("meaning"))
    for row in parameter_table():
        if group is not None and row["path"].split(".")[1] != group:
            continue
        lo = "" if row["low"] is None else f"{row['low']:g}"
        hi = "" if row["high"] is None else f"{row['high']:g}"
        # The meaning is the English Field description of scenario.py, which is
        # also its message id: translated here, when shown, so the schema stays
        # the one place a parameter is described (test_i18n keeps every one in
        # the catalog). Text, not markup: a range such as [0, 1] must print as written.
        meaning = _(row["meaning"])
        # A switch has no range: its two values are the range.
        span = "true | false" if isinstance(row["default"], bool) else f"[{lo}, {hi}]"
        default = (
            str(row["default"]).lower() if isinstance(row["default"], bool) else row["default"]
        )
        cells = (row["path"], f"{default}", span, meaning)
        table.add_row(*(Text(c) for c in cells))
    _stdout().print(table)


@app.command("version", cls=TranslatedCommand, help=N_("Print the collsec version."))
def version_cmd() -> None:
    """Print the collsec version."""
    sys.stdout.write(f"collsec {__version__}\n")


@app.command(
    "warm",
    cls=TranslatedCommand,
    help=N_(
        "Compile the compiled engine now, in the foreground (once per install, a minute or "
        "two), or wait for the background compilation to finish."
    ),
)
def warm_cmd(as_json: bool = typer.Option(False, "--json", help=N_("Print JSON."))) -> None:
    """Compile the compiled engine now, or wait for the background compilation to finish."""
    from collsec import fast  # imports numba: here, not at every command's start

    if not fast.HAVE_NUMBA:
        raise CollsecError(_('the compiled engine needs numba: pip install "collsec[fast]"'))
    from collsec.fast import cache

    start = time.monotonic()
    ready = fast.is_ready()
    waited = False
    if not ready:
        with spinner(_("Compiling the compiled engine (a minute or two)")) as spin:

            def waiting() -> None:
                nonlocal waited
                waited = True
                spin.note(
                    _(
                        "A background compilation is under way: waiting for it "
                        "rather than compiling twice."
                    )
                )
                spin.describe(_("Waiting for the background compilation"))

            # The lock of collsec.fast.cache: never two compilations at once.
            cache.warm_in_foreground(on_wait=waiting)
    seconds = time.monotonic() - start
    folder = cache.cache_folder()
    if as_json:
        data = {
            "engine": "compiled",
            "ready": True,
            "seconds": round(seconds, 2),
            "cache": None if folder is None else str(folder),
        }
        sys.stdout.write(json.dumps(data) + "\n")
        sys.stdout.flush()
        return
    where = str(folder) if folder is not None else _("numba's cache folder")
    if ready:
        line = _("The compiled engine is ready (cached in {folder}).").format(folder=where)
    elif waited:
        line = _(
            "The compiled engine is ready: the background compilation finished after "
            "{seconds:.0f} s more, cached in {folder}."
        ).format(seconds=seconds, folder=where)
    else:
        line = _("The compiled engine is ready: compiled in {seconds:.0f} s, cached in {folder}.")
        line = line.format(seconds=seconds, folder=where)
    _stdout().print(Text(line), soft_wrap=True)


# --------------------------------------------------------------------------- extensions


def _is_missing(err: ModuleNotFoundError, module: str) -> bool:
    """Is ``err`` about ``module`` itself (or its own package below ``collsec``) missing?"""
    if err.name is None:
        return False
    parts = module.split(".")
    own = {".".join(parts[:k]) for k in range(2, len(parts) + 1)}
    return err.name in own


def register_extensions(
    target: typer.Typer, modules: Sequence[str] = EXTENSION_MODULES
) -> list[str]:
    """Import each extension module that exists and call its ``register(target)``.

    Returns
    -------
    list of str
        The modules registered.

    Raises
    ------
    Exception
        Whatever a module that exists raises on import or registration.
    """
    done = []
    for module in modules:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as err:
            if _is_missing(err, module):
                continue
            raise
        mod.register(target)
        done.append(module)
    return done


register_extensions(app)
_guard_all(app)


def main(argv: list[str] | None = None) -> None:
    """Console script entry point: ``collsec``.

    Exits with 0 on success, 2 for bad input (one ``error:`` line, no
    traceback), 130 when interrupted.
    """
    try:
        app(args=argv, prog_name="collsec")
    except CollsecError as err:  # raised outside a guarded command (e.g. parameter callbacks)
        print_error(err)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        _stderr().print(Text(_("interrupted"), style="yellow"))
        sys.exit(EXIT_INTERRUPTED)
