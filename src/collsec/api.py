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
from collsec.i18n import _
from collsec.results import SimulationResult
from collsec.scenario import REGIMES, GeneratedWorld, Scenario, load_scenario
from collsec.seeds import (
    SeedLike,
    entropy_of,
    replication_generators,
    root_sequence,
    world_generator,
)
from collsec.world import World, build_world

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
    if changes:
        sc = sc.replace(**changes)
    return sc, (sc.seed if seed is None else seed)


def make_world(scenario: Scenario, seed: SeedLike = None) -> World:
    """Build the world a run of ``scenario`` uses (the same for every regime)."""
    root = root_sequence(scenario.seed if seed is None else seed)
    spec = scenario.world
    ws = spec.world_seed if isinstance(spec, GeneratedWorld) else None
    return build_world(scenario, world_generator(root, ws))


ENGINES: tuple[str, ...] = ("auto", "numpy", "compiled")
"""The engines :func:`simulate` can run (they give the same numbers)."""


def _numba_installed() -> bool:
    # Found without importing: numba takes a noticeable share of a command's start.
    return importlib.util.find_spec("numba") is not None


def check_engine(engine: str, scenario: Scenario) -> None:
    """Check an engine choice against a scenario before any work is done.

    Raises
    ------
    CollsecError
        For an unknown engine, or ``compiled`` without numba or with the
        scenario's crisis log on.
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
    if scenario.output.crises:
        raise CollsecError(
            _(
                "the compiled engine keeps no crisis log: set output.crises to false, "
                'or use engine "numpy"'
            ),
            field="engine",
        )


def _use_compiled(engine: str, arrangements: list[Arrangement], n: int, crises: bool) -> bool:
    if engine == "numpy" or (engine == "auto" and (crises or not _numba_installed())):
        return False
    from collsec import fast

    ok = fast.supports(arrangements, n)
    if engine == "auto":
        # Only where it is ready (a first compilation costs more than most
        # runs) and gives the NumPy engine's bits, so that auto's choice never
        # changes a result.
        return ok and fast.is_ready() and not fast.numpy_uses_own_math()
    if not ok:
        raise CollsecError(
            _("the compiled engine implements the built-in rules on at most {n} states").format(
                n=fast.MAX_STATES
            ),
            field="engine",
        )
    return True


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
        ``numpy`` (the batched engine), ``compiled`` (:mod:`collsec.fast`: the
        same numbers, faster, but no crisis log; compiled on first use, then
        cached on disk) or ``auto`` (``compiled`` when numba is installed, the
        scenario keeps no crisis log, the engine is already compiled
        (:func:`collsec.fast.warm`) and gives the same bits on this CPU).
    threads
        Replications the compiled engine runs at once (results do not depend on it).

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
    compiled = _use_compiled(engine, arrs, world.n, sc.output.crises)
    records = []
    done = 0
    total = sc.replications
    while done < total:
        count = min(batch_size, total - done)
        gens = replication_generators(root, first_replication + done, count)
        if compiled:
            from collsec.fast import run_batch_compiled

            rec = run_batch_compiled(
                world,
                arrs,
                sc.params,
                gens,
                first_replication + done,
                sc.horizon,
                keep_states=sc.output.states,
                on_year=progress,
                threads=threads,
            )
        else:
            rec = run_batch(
                world,
                arrs,
                sc.params,
                gens,
                first_replication + done,
                sc.horizon,
                keep_crises=sc.output.crises,
                keep_states=sc.output.states,
                on_year=progress,
            )
        records.append(rec)
        done += count
    return SimulationResult.from_records(
        sc, regime, world, entropy_of(root), records, keep_yearly=sc.output.yearly
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
) -> PlottedComparison:
    """Run several regimes on the same world with the same seeds (C10).

    ``engine`` and ``threads`` are those of :func:`simulate`. Returns a
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
            )
            for r in regimes
        }
    )
