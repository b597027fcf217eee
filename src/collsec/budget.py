"""What a run will cost, before it starts: memory and time, and a refusal above the machine.

:func:`estimate` gives the peak memory and the time of a run from its size
(replications x years x states, regimes), what it keeps (yearly metrics, the
crisis log, per-state detail) and the engine, in microseconds, without
building anything. :func:`check` raises :class:`BudgetError` when the
estimate is above :func:`memory_limit` (a share of this machine's available
memory), with the estimate and the option that overrides (``--force``). The
command line checks every run; the dashboard calls the same two functions.

The coefficients were measured, not guessed: ``benchmarks/budget_calibration.py``
runs nine sizes of the default scenario in fresh processes (simulate with the
NumPy engine, then write the results folder, as ``collsec run`` does) and fits
their peak resident set size and wall time (2 shared cores, 24 GB; December
2026):

========================================  ==============
peak memory, fixed (Python, NumPy, pandas) 54 MB
per replication-year (yearly metrics,      1,270 bytes
its long table and the Parquet write)
per replication-year-state (``output.states``) 20 bytes
per crisis-log row                         1,170 bytes
crisis rows per replication-year-state     0.012 at the default ``opportunity`` 0.1
time, NumPy engine                         1.3 us per replication-year-state
time, compiled engine                      0.4 us (docs/performance.md: 0.31 us, plus writing)
========================================  ==============

Large worlds add terms in the number of states ``n`` (``run`` of a generated
world of 2,000 and 5,000 states, 4 and 64 replications, 2-3 years; peak RSS
and wall time with ``/usr/bin/time -v``): the world's ``[n, n]`` arrays, 44
bytes and 6 us to build per pair of states; the engine's per-replication
``[n, n]`` state, 6 bytes per pair for each of the (at most 1,000)
replications stepped together; and a year's cost, ~4.5e-11 s x n^3 per
replication beyond the linear term (a 5,000-state world, 4 replications x 2
years: 1.28 GB and 2 min 52 s measured, 1.75 GB and 3 min 15 s estimated).

The crisis log's size depends on how often states attack: it is taken as
proportional to ``params.aggression.opportunity`` (the yearly chance a
revisionist state weighs war), which fits the measured runs within a factor
of two. An estimate is a guide, good to a factor of about two; the refusal
is for runs that are orders of magnitude beyond the machine (issue 13: ten
million replications of a hundred thousand years).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from collsec.errors import CollsecError
from collsec.i18n import _
from collsec.scenario import ExplicitWorld, Scenario

FIXED_BYTES = 54e6
"""Peak memory of a minimal run above the interpreter and libraries."""
BYTES_PER_REP_YEAR = 1270.0
"""Yearly metrics of one replication-year: the arrays, the long table, the write."""
BYTES_PER_REP_YEAR_UNKEPT = 240.0
"""The same when ``output.yearly`` is off: the engine's 15 float64 metrics, gathered
once (2 x 15 x 8 bytes), are still made; the long table and the write are not."""
BYTES_PER_REP_YEAR_STATE = 20.0
"""Per-state detail (``output.states``: capability, arms, alive) of one state-year."""
BYTES_PER_CRISIS_ROW = 1170.0
"""One row of the crisis log, as a DataFrame and as written."""
CRISES_PER_STATE_YEAR_PER_OPPORTUNITY = 0.12
"""Crisis rows per replication-year-state, per unit of ``aggression.opportunity``."""
SECONDS_PER_REP_YEAR_STATE: dict[str, float] = {"numpy": 1.3e-6, "compiled": 0.4e-6}
"""Wall time of one replication-year-state, by engine (one core)."""
SECONDS_PER_REP_YEAR_STATE_CUBED = 4.5e-11
"""The large-world term: attacks grow with the states and each one weighs every
state against every other, so a year costs ~n^3 beyond a few hundred states
(2,000 states: 0.36 s per replication-year, measured)."""
BYTES_PER_STATE_PAIR = 44.0
"""The world's ``[n, n]`` arrays (similarity, ties, reach, contiguity)."""
SECONDS_PER_STATE_PAIR = 6e-6
"""Building the world (contiguity, reach, similarity), per pair of states."""
BYTES_PER_BATCH_REP_STATE_PAIR = 6.0
"""The engine's per-replication ``[n, n]`` state, for the replications stepped together."""
BATCH = 1000
"""Replications stepped together (``collsec.simulate``'s ``batch_size``)."""

MEMORY_SHARE = 0.8
"""Share of the available memory a run may use before it is refused."""


class BudgetError(CollsecError):
    """A run estimated to need more memory than this machine has to give."""


@dataclass(frozen=True)
class Estimate:
    """The estimated peak memory (bytes) and wall time (seconds) of a run."""

    bytes: float
    seconds: float

    def describe(self) -> str:
        """``about 1.2 TB of memory and 3 days``, in the active language."""
        return _("about {memory} of memory and {time}").format(
            memory=format_bytes(self.bytes), time=format_seconds(self.seconds)
        )


def format_bytes(n: float) -> str:
    """``1.2 GB`` (decimal units)."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:.3g} {unit}"
        n /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def format_seconds(s: float) -> str:
    """``12 s``, ``3.5 min``, ``2.1 h``, ``4.2 days`` or ``3.1 years``."""
    if s < 60:
        return _("{n} s").format(n=f"{s:.2g}")
    if s < 3600:
        return _("{n} min").format(n=f"{s / 60:.2g}")
    if s < 86400:
        return _("{n} h").format(n=f"{s / 3600:.2g}")
    if s < 365 * 86400:
        return _("{n} days").format(n=f"{s / 86400:.2g}")
    return _("{n} years").format(n=f"{s / (365 * 86400):.3g}")


def n_states(scenario: Scenario) -> int:
    """The number of states of the scenario's world (without building it)."""
    if isinstance(scenario.world, ExplicitWorld):
        return len(scenario.world.states)
    return scenario.world.n_states


def estimate(
    scenario: Scenario,
    replications: int | None = None,
    years: int | None = None,
    *,
    regimes: int = 1,
    engine: str = "numpy",
) -> Estimate:
    """Estimate the peak memory and the wall time of a run, before it starts.

    Parameters
    ----------
    scenario
        The scenario; its ``output`` says what is kept (yearly metrics, the
        crisis log, per-state detail).
    replications, years
        The run's size (default: the scenario's).
    regimes
        Regimes run one after another (``compare``: four); every result is
        kept until the folder is written.
    engine
        ``numpy``, ``compiled`` or ``auto`` (estimated as ``numpy``, the slower).

    Returns
    -------
    Estimate

    Examples
    --------
    >>> from collsec.scenario import load_scenario
    >>> e = estimate(load_scenario("default"), replications=10_000_000, years=100_000)
    >>> e.bytes > 1e15
    True
    """
    reps = scenario.replications if replications is None else replications
    yrs = scenario.horizon if years is None else years
    n = n_states(scenario)
    rep_years = float(reps) * float(yrs) * max(regimes, 1)
    per_rep_year = BYTES_PER_REP_YEAR if scenario.output.yearly else BYTES_PER_REP_YEAR_UNKEPT
    if scenario.output.states:
        per_rep_year += BYTES_PER_REP_YEAR_STATE * n
    if scenario.output.crises and engine != "compiled":
        rate = CRISES_PER_STATE_YEAR_PER_OPPORTUNITY * scenario.params.aggression.opportunity
        per_rep_year += BYTES_PER_CRISIS_ROW * rate * n
    pairs = float(n) * float(n)
    memory = (
        FIXED_BYTES
        + rep_years * per_rep_year
        + BYTES_PER_STATE_PAIR * pairs
        + BYTES_PER_BATCH_REP_STATE_PAIR * min(reps, BATCH) * pairs
    )
    speed = SECONDS_PER_REP_YEAR_STATE.get(engine, SECONDS_PER_REP_YEAR_STATE["numpy"])
    per_year = speed * n + SECONDS_PER_REP_YEAR_STATE_CUBED * (speed / 1.3e-6) * pairs * n
    return Estimate(bytes=memory, seconds=SECONDS_PER_STATE_PAIR * pairs + rep_years * per_year)


def memory_limit(share: float = MEMORY_SHARE) -> float:
    """``share`` of this machine's available memory, in bytes.

    Read from ``MemAvailable`` in ``/proc/meminfo`` (Linux: free memory plus
    what the kernel can reclaim), else from ``os.sysconf`` (available, then
    total physical pages); infinite if the system says neither.
    """
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return share * float(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    for name in ("SC_AVPHYS_PAGES", "SC_PHYS_PAGES"):
        try:
            pages = os.sysconf(name)
            size = os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, ValueError, OSError):
            continue
        if pages > 0 and size > 0:
            return share * float(pages) * float(size)
    return float("inf")


def check(
    scenario: Scenario,
    replications: int | None = None,
    years: int | None = None,
    *,
    regimes: int = 1,
    engine: str = "numpy",
    force: bool = False,
    limit: float | None = None,
) -> Estimate:
    """Estimate a run and refuse it if it needs more memory than the machine has.

    Parameters
    ----------
    scenario, replications, years, regimes, engine
        As :func:`estimate`.
    force
        Return the estimate whatever it is (the ``--force`` option).
    limit
        Bytes allowed (default: :func:`memory_limit`).

    Returns
    -------
    Estimate
        The run's estimate, when it is allowed.

    Raises
    ------
    BudgetError
        If the estimated memory is above ``limit`` and ``force`` is false; the
        message gives the estimate, the limit and the option that overrides.
    """
    est = estimate(scenario, replications, years, regimes=regimes, engine=engine)
    allowed = memory_limit() if limit is None else limit
    if est.bytes > allowed and not force:
        reps = scenario.replications if replications is None else replications
        yrs = scenario.horizon if years is None else years
        raise BudgetError(
            _(
                "{reps} replications x {years} years x {n} states would need {estimate}, "
                "more than the {limit} this machine can give (a share of its available "
                "memory): run fewer replications, years or states, keep less (output.yearly, "
                "output.crises), or pass --force to run it anyway"
            ).format(
                reps=reps,
                years=yrs,
                n=n_states(scenario),
                estimate=est.describe(),
                limit=format_bytes(allowed),
            )
        )
    return est
