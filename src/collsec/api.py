"""The Python API: :func:`simulate` one regime, :func:`compare` several.

Both accept a scenario object, a bundled name or a file path, and let the
caller override the run's replications, years and seed. Work is split into
batches of replications (memory stays bounded); each replication draws from
its own seed child, so results do not depend on the batch size.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from collsec.arrangements import Arrangement, arrangements_for_regime
from collsec.engine import run_batch
from collsec.errors import CollsecError
from collsec.i18n import N_, _
from collsec.results import SimulationResult
from collsec.scenario import REGIMES, Scenario, load_scenario
from collsec.seeds import (
    LazyGenerators,
    SeedLike,
    entropy_of,
    replication_generators,
    root_sequence,
)
from collsec.world import make_world

__all__ = [
    "ENGINES",
    "check_engine",
    "choose_engine",
    "compare",
    "make_world",
    "settle_engine",
    "simulate",
]

if TYPE_CHECKING:
    from collsec.plots import PlottedComparison

Progress = Callable[[int], None]
"""Called with a number of replication-years just completed."""


def _resolve(
    scenario: Scenario | str | Path,
    replications: int | None,
    years: int | None,
    seed: SeedLike,
) -> tuple[Scenario, SeedLike]:
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    changes: dict[str, object] = {}
    for name, value in (("replications", replications), ("horizon", years)):
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise CollsecError(f"must be a positive whole number, not {value!r}", field=name)
            changes[name] = value
    if isinstance(seed, int) and not isinstance(seed, bool):
        if seed < 0:
            raise CollsecError(f"must be a non-negative whole number, not {seed}", field="seed")
        changes["seed"] = seed
    # (a change to the value it has already is none: no new scenario to validate)
    changes = {k: v for k, v in changes.items() if getattr(sc, k) != v}
    if changes:
        sc = sc.replace(**changes)
    return sc, (sc.seed if seed is None else seed)


ENGINES: tuple[str, ...] = ("auto", "numpy", "compiled")
"""The engines :func:`simulate` can run (the same rules; see :func:`choose_engine`)."""


def _numba_installed() -> bool:
    # Found without importing: numba takes a noticeable share of a command's start.
    return importlib.util.find_spec("numba") is not None


def check_engine(engine: str, scenario: Scenario) -> None:
    """Check an engine choice against a scenario before any work is done.

    Raises
    ------
    CollsecError
        For an unknown engine, or ``compiled`` without numba.
    """
    if engine not in ENGINES:
        raise CollsecError(
            _("must be one of {choices}, not {value!r}").format(
                choices=", ".join(ENGINES), value=engine
            ),
            field="engine",
        )
    if engine != "compiled":
        return
    if not _numba_installed():
        raise CollsecError(
            _('needs numba: pip install "collsec[fast]", or use engine "numpy"'), field="engine"
        )


Notify = Callable[[str], None]
"""Called with a one-line message for the user (the command line prints it on stderr)."""

_WARMING = N_(
    "The compiled engine is compiling in the background, once (a minute or two); "
    "until it is ready, runs use the NumPy engine (or run `collsec warm` to wait for it)."
)


def _auto_waits(notify: Notify | None) -> bool:
    """True if ``auto`` must run on NumPy now because the compiled engine is not compiled.

    Starts its compilation in a detached process (once) and says so.
    """
    if not _numba_installed():
        return False
    from collsec import fast

    if fast.is_ready():
        return False
    if fast.start_background_warm() and notify is not None:
        notify(_(_WARMING))
    return True


def settle_engine(engine: str, notify: Notify | None = None) -> str:
    """The engine to ask for in every run of a batch of runs (regimes, a sweep's cells).

    ``auto`` becomes ``numpy`` while the compiled engine is not compiled yet
    (its compilation starts in the background, and ``notify`` says so), so
    that the runs of one comparison or sweep do not switch engine half-way
    when the compilation ends. Any other choice is returned as it is.

    Examples
    --------
    >>> settle_engine("numpy")
    'numpy'
    """
    if engine == "auto" and _auto_waits(notify):
        return "numpy"
    return engine


def choose_engine(
    engine: str, arrangements: list[Arrangement], n: int, notify: Notify | None = None
) -> str:
    """The engine a run uses, ``numpy`` or ``compiled``.

    ``auto`` is the compiled engine whenever numba is installed, the engine is
    compiled (in this process or in numba's disk cache) and it implements the
    arrangements' rules on ``n`` states, whatever the CPU and whether or not
    the run keeps a crisis log; otherwise the NumPy engine. The first ``auto``
    run of a fresh install starts the compilation in the background
    (:func:`collsec.fast.cache.start_background_warm`) and runs on NumPy.

    Raises
    ------
    CollsecError
        For ``compiled`` where it cannot run these arrangements.
    """
    if engine == "numpy" or (engine == "auto" and not _numba_installed()):
        return "numpy"
    from collsec import fast

    ok = fast.supports(arrangements, n)
    if engine == "auto":
        return "compiled" if ok and not _auto_waits(notify) else "numpy"
    if not ok:
        raise CollsecError(
            _("the compiled engine implements the built-in rules on at most {n} states").format(
                n=fast.MAX_STATES
            ),
            field="engine",
        )
    return "compiled"


def simulate(
    scenario: Scenario | str | Path,
    regime: str = "as_specified",
    *,
    replications: int | None = None,
    years: int | None = None,
    seed: SeedLike = None,
    first_replication: int = 0,
    batch_size: int = 1000,
    progress: Progress | None = None,
    engine: str = "auto",
    threads: int = 1,
    notify: Notify | None = None,
) -> SimulationResult:
    """Simulate one regime of a scenario.

    Parameters
    ----------
    scenario
        A :class:`~collsec.scenario.Scenario`, a bundled name or a file path.
    regime
        ``as_specified`` (the scenario's arrangements) or one of
        :data:`~collsec.scenario.REGIMES`.
    replications, years, seed
        Override the scenario's run settings. ``seed=0`` is a seed.
    first_replication
        Index of the first replication (to run part of a larger run).
    batch_size
        Replications stepped together; only memory and speed depend on it.
    progress
        Called with replication-years done.
    engine
        ``numpy`` (the batched engine, the readable reference), ``compiled``
        (:mod:`collsec.fast`, numba: the same rules, crisis log included,
        several times faster; compiled on first use, then cached on disk) or
        ``auto`` (:func:`choose_engine`: compiled whenever it is installed and
        compiled). The engine that ran is ``result.engine``. Same seed, same
        engine, same machine: the same bytes; across engines the same
        distribution, and the same bits where NumPy's ``exp``/``log`` are the
        C library's (:func:`collsec.fast.numpy_uses_own_math`).
    threads
        Replications the compiled engine runs at once (results do not depend on it).
    notify
        Called with a one-line message, such as the note that the compiled
        engine is compiling in the background.

    Returns
    -------
    SimulationResult

    Raises
    ------
    CollsecError
        For an unknown scenario or regime, or impossible run settings.

    Examples
    --------
    >>> r = simulate("default", "self_help", replications=2, years=10, seed=3)
    >>> r.per_replication["war_rate"].shape
    (2,)
    """
    sc, seed_value = _resolve(scenario, replications, years, seed)
    if first_replication < 0:
        raise CollsecError("must be non-negative", field="first_replication")
    if batch_size < 1:
        raise CollsecError("must be at least 1", field="batch_size")
    if threads < 1:
        raise CollsecError("must be at least 1", field="threads")
    check_engine(engine, sc)
    root = root_sequence(seed_value)
    world = make_world(sc, root)
    arrs = arrangements_for_regime(sc, world, regime)
    chosen = choose_engine(engine, arrs, world.n, notify)
    compiled = chosen == "compiled"
    records = []
    done = 0
    total = sc.replications
    while done < total:
        count = min(batch_size, total - done)
        if compiled:
            from collsec.fast import run_batch_compiled

            rec = run_batch_compiled(
                world,
                arrs,
                sc.params,
                # built by the threads that run them (seeds.LazyGenerators)
                LazyGenerators(root, first_replication + done, count),
                first_replication + done,
                sc.horizon,
                keep_crises=sc.output.crises,
                keep_states=sc.output.states,
                on_year=progress,
                threads=threads,
            )
        else:
            rec = run_batch(
                world,
                arrs,
                sc.params,
                replication_generators(root, first_replication + done, count),
                first_replication + done,
                sc.horizon,
                keep_crises=sc.output.crises,
                keep_states=sc.output.states,
                on_year=progress,
            )
        records.append(rec)
        done += count
    return SimulationResult.from_records(
        sc, regime, world, entropy_of(root), records, keep_yearly=sc.output.yearly, engine=chosen
    )


def compare(
    scenario: Scenario | str | Path,
    regimes: Sequence[str] = REGIMES,
    *,
    replications: int | None = None,
    years: int | None = None,
    seed: SeedLike = None,
    batch_size: int = 1000,
    progress: Progress | None = None,
    engine: str = "auto",
    threads: int = 1,
    notify: Notify | None = None,
) -> PlottedComparison:
    """Run several regimes on the same world with the same seeds (C10).

    ``engine``, ``threads`` and ``notify`` are those of :func:`simulate`; an
    ``auto`` run that starts on NumPy stays on it for every regime. Returns a
    :class:`~collsec.plots.PlottedComparison`: a
    :class:`~collsec.results.Comparison` with plot methods (``plot_survival()``).

    Examples
    --------
    >>> c = compare("default", ["self_help", "ideal_collective_security"],
    ...             replications=2, years=10, seed=3)
    >>> list(c.results)
    ['self_help', 'ideal_collective_security']
    """
    from collsec.plots import PlottedComparison  # api sits above results and plots

    sc, seed_value = _resolve(scenario, replications, years, seed)
    check_engine(engine, sc)
    engine = settle_engine(engine, notify)
    return PlottedComparison(
        {
            r: simulate(
                sc,
                r,
                seed=seed_value,
                batch_size=batch_size,
                progress=progress,
                engine=engine,
                threads=threads,
                notify=notify,
            )
            for r in regimes
        }
    )
