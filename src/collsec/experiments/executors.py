"""Executors: one small interface for in-process, local-process and Dask runs.

Every executor has one method, :meth:`Executor.map`, that runs a module-level
function on each task and yields ``(task index, result)`` as tasks complete,
in any order. Callers never depend on that order: seeds are fixed per cell
and replication before dispatch, so the numbers are the same whatever the
executor and however many workers it has.

Local processes use :class:`concurrent.futures.ProcessPoolExecutor` with a
``forkserver`` (or ``spawn``) context made here, never the global start method,
so importing collsec does not change how the caller's program forks. The Dask
executor is an optional extra (``pip install collsec[dask]``).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol, TypeVar

from collsec.errors import CollsecError
from collsec.i18n import _

T = TypeVar("T")
R = TypeVar("R")


class ExecutorError(CollsecError):
    """An executor that cannot start (no Dask, an unreachable scheduler)."""


class Executor(Protocol):
    """Runs ``fn`` on every task; yields ``(index, result)`` as each completes."""

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[tuple[int, R]]:
        """Run ``fn(task)`` for each task; yield results as they complete."""
        ...


class InProcessExecutor:
    """Run tasks one after another in this process (debugging, tiny sweeps, tests)."""

    workers = 1

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[tuple[int, R]]:
        """Run ``fn(task)`` for each task in order."""
        for i, task in enumerate(tasks):
            yield i, fn(task)

    def __repr__(self) -> str:
        return "in-process"


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class ProcessExecutor:
    """Run tasks on local worker processes.

    Parameters
    ----------
    workers
        Worker processes; ``None`` uses every core.
    start_method
        ``forkserver`` (default where available) or ``spawn``; ``fork`` is
        refused because forking a process that holds threads can deadlock.
    """

    def __init__(self, workers: int | None = None, start_method: str | None = None) -> None:
        if workers is not None and workers < 1:
            raise ExecutorError(
                _("must be at least 1, not {value}").format(value=workers), field="--workers"
            )
        self.workers = workers or default_workers()
        methods = multiprocessing.get_all_start_methods()
        method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
        if method not in ("forkserver", "spawn") or method not in methods:
            raise ExecutorError(
                _("start method {method!r} is not available here; use {other}").format(
                    method=method, other="spawn"
                )
            )
        self.start_method = method

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[tuple[int, R]]:
        """Run ``fn(task)`` on the pool; keep at most two tasks per worker in flight.

        Bounding the tasks in flight keeps memory flat for long sweeps and lets
        an interrupt stop after the tasks already running, not after all.
        """
        ctx = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            # Per-context: the server imports collsec once, each worker forks from it.
            ctx.set_forkserver_preload(["collsec.experiments.sweep"])
        pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_ignore_sigint
        )
        try:
            yield from _windowed(pool.submit, fn, tasks, 2 * self.workers)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def __repr__(self) -> str:
        return f"{self.workers} local process{'es' if self.workers > 1 else ''}"


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops cleanly and keeps finished chunks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _windowed(
    submit: Callable[..., Any], fn: Callable[[T], R], tasks: Iterable[T], window: int
) -> Iterator[tuple[int, R]]:
    pending: dict[Future[R], int] = {}
    it = iter(enumerate(tasks))
    exhausted = False
    while True:
        while not exhausted and len(pending) < window:
            nxt = next(it, None)
            if nxt is None:
                exhausted = True
                break
            pending[submit(fn, nxt[1])] = nxt[0]
        if not pending:
            return
        done, _pending = wait(pending, return_when=FIRST_COMPLETED)
        for fut in done:
            i = pending.pop(fut)
            yield i, fut.result()


class DaskExecutor:
    """Run tasks on a Dask cluster: a new ``LocalCluster``, or a running scheduler.

    Parameters
    ----------
    address
        A scheduler address (``tcp://host:8786``); ``None`` starts a LocalCluster.
    workers
        Workers of the LocalCluster (``None``: every core).
    processes
        LocalCluster workers as processes (default) or threads.
    timeout
        Seconds to wait for the scheduler before giving up.

    Raises
    ------
    ExecutorError
        If dask.distributed is not installed or the scheduler cannot be reached.
    """

    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        processes: bool = True,
        timeout: float = 5.0,
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError(
                _("the Dask executor needs {package}: {command}").format(
                    package="dask.distributed", command="pip install 'collsec[dask]'"
                )
            ) from None
        self.address = address
        self._cluster: Any = None
        if address is None:
            n = workers or default_workers()
            self._cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=processes,
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
            self.workers = n
        else:
            try:
                self._client = Client(address, timeout=f"{timeout}s")
            except (OSError, TimeoutError, ValueError) as err:
                raise ExecutorError(
                    _(
                        "cannot reach the Dask scheduler at {address!r} within {timeout:g} s "
                        "({reason})"
                    ).format(address=address, timeout=timeout, reason=err),
                    field="--scheduler",
                ) from None
            self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[tuple[int, R]]:
        """Submit every task (``pure=False``: same config, fresh run) and yield as done."""
        from distributed import as_completed

        futures = []
        index = {}
        for i, t in enumerate(tasks):
            fut = self._client.submit(fn, t, pure=False)
            futures.append(fut)
            index[fut.key] = i
        try:
            for fut in as_completed(futures):
                yield index[fut.key], fut.result()
        finally:
            self._client.cancel([f for f in futures if not f.done()])

    def close(self) -> None:
        """Close the client and the LocalCluster, if this executor started one."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.address or "a local Dask cluster"
        return f"Dask ({where}, {self.workers} worker{'s' if self.workers > 1 else ''})"


def make_executor(
    kind: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
) -> InProcessExecutor | ProcessExecutor | DaskExecutor:
    """The executor of a command line choice.

    Parameters
    ----------
    kind
        ``processes``, ``dask`` or ``inline``; a ``scheduler`` address implies ``dask``.
    workers
        Workers (``None``: every core).
    scheduler
        Address of a running Dask scheduler.

    Raises
    ------
    ExecutorError
        For an unknown kind, workers with a scheduler, or an executor that cannot start.
    """
    if scheduler is not None:
        if workers is not None:
            raise ExecutorError(
                _("give {a} or {b}, not both").format(a="--workers", b="--scheduler"),
                field="--workers",
            )
        return DaskExecutor(address=scheduler)
    if kind == "inline":
        return InProcessExecutor()
    if kind == "processes":
        return ProcessExecutor(workers)
    if kind == "dask":
        return DaskExecutor(workers=workers)
    raise ExecutorError(
        _("unknown executor {name!r}: {choices}").format(
            name=kind, choices="processes, dask or inline"
        ),
        field="--executor",
    )
