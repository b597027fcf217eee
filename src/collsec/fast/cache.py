"""Readiness of the compiled engine: numba's disk cache, warming, and the CPU's maths.

numba compiles the engine on first use (a minute or two) and keeps the machine
code in its disk cache (``__pycache__`` beside the modules, or numba's user
cache folder where that is not writable). Three things here:

- :func:`is_ready`: the engine starts without compiling (compiled in this
  process, or in the cache for these sources).
- :func:`warm` compiles it now; :func:`start_background_warm` does so in a
  detached process, once (a lock file keeps a second one from starting), so
  that a first run need not wait; :func:`warm_in_foreground` (``collsec
  warm``) does so in this process under the same lock, waiting for a
  background compilation rather than compiling twice. numba writes every cache file to a temporary
  name and renames it into place, so a process killed while compiling leaves
  no half-written entry: the next run compiles again or loads a whole one.
- The cache of a kernel is keyed on its own file only, while the kernels
  inline one another across the package's modules. :func:`_drop_stale_cache`
  therefore keys the whole package's cache on all its sources: when any module
  changes, every entry is dropped (run at import, before any kernel loads).
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from collsec.fast import engine
from collsec.fast.kernels import HAVE_NUMBA

_STAMP = "collsec-fast-sources.txt"
_LOCK = "collsec-fast-warm.lock"


@functools.cache
def numpy_uses_own_math() -> bool:
    """True if NumPy's ``exp`` or ``log`` differs from the C library's on this machine.

    On CPUs with AVX-512, NumPy uses its own SIMD ``exp`` and ``log``, which
    may differ from the C library's (that the compiled engine calls) in the
    last bit. Measured, not inferred from the CPU's flags: 4,096 values of
    each function are compared (``NPY_DISABLE_CPU_FEATURES`` can turn NumPy's
    versions off, and a NumPy without them needs no flag).
    """
    x = np.linspace(-40.0, 40.0, 4096)
    y = np.geomspace(1e-12, 1e12, 4096)
    exp_np, log_np = np.exp(x), np.log(y)
    return any(float(a) != math.exp(v) for a, v in zip(exp_np, x, strict=True)) or any(
        float(a) != math.log(v) for a, v in zip(log_np, y, strict=True)
    )


def _cache_dir() -> Path | None:
    """The folder numba caches the package's kernels in (None without numba)."""
    if not HAVE_NUMBA:
        return None
    dispatcher: Any = engine.run_many
    try:
        return Path(dispatcher._cache._cache_path)
    except Exception:  # pragma: no cover - numba internals
        return None


def cache_folder() -> Path | None:
    """The folder numba keeps the compiled engine in (None without numba)."""
    return _cache_dir()


def _sources_stamp() -> str:
    h = hashlib.sha256()
    skip = {"__init__.py", "__main__.py", "cache.py"}  # no kernels in these
    for path in sorted(p for p in Path(__file__).parent.glob("*.py") if p.name not in skip):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _drop_stale_cache() -> None:
    """Drop every cached kernel of the package if any of its sources changed."""
    folder = _cache_dir()
    if folder is None:
        return
    stamp = _sources_stamp()
    path = folder / _STAMP
    try:
        if path.read_text(encoding="ascii").strip() == stamp:
            return
    except OSError:
        pass
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for f in folder.iterdir():
            if f.suffix in (".nbi", ".nbc"):
                f.unlink(missing_ok=True)
        tmp = folder / f"{_STAMP}.{os.getpid()}.tmp"
        tmp.write_text(stamp + "\n", encoding="ascii")
        os.replace(tmp, path)
    except OSError:  # pragma: no cover - a read-only cache: numba's own keys stand
        pass


def is_ready() -> bool:
    """True if the compiled engine starts without compiling first.

    It is ready once compiled in this process, or when numba's disk cache
    holds it for these sources. Read from numba's cache internals; if they
    change, the answer is False.
    """
    if not HAVE_NUMBA:
        return False
    dispatcher: Any = engine.run_many
    if dispatcher.signatures:
        return True
    try:
        return bool(dispatcher._cache._cache_file._load_index())
    except Exception:  # pragma: no cover - numba internals
        return False


def warm() -> None:
    """Compile the engine now (or load it from the disk cache)."""
    from collsec.arrangements import arrangements_for_regime
    from collsec.scenario import load_scenario
    from collsec.world import make_world

    sc = load_scenario("default")
    world = make_world(sc, 0)
    gens = [np.random.default_rng(0)]
    arrs = arrangements_for_regime(sc, world, "as_specified")
    engine.run_batch_compiled(world, arrs, sc.params, gens, 0, 2)


def _lock_path() -> Path | None:
    folder = _cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder / _LOCK


def _try_lock(path: Path) -> Any:
    """An open, exclusively locked file, or None if another process holds the lock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: numba's atomic writes suffice
        return open(path, "a")
    f = open(path, "a")  # noqa: SIM115
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        return None
    return f


def warming() -> bool:
    """True while a background compilation holds the lock."""
    path = _lock_path()
    if path is None:
        return False
    f = _try_lock(path)
    if f is None:
        return True
    f.close()
    return False


def start_background_warm() -> bool:
    """Compile the engine in a detached process, unless one is at it already.

    Returns True if a compilation is under way (started now or before). The
    process outlives the caller (its own session: a Ctrl-C of the caller does
    not reach it) and writes nothing but numba's cache.
    """
    if not HAVE_NUMBA or is_ready():
        return False
    if warming():
        return True
    subprocess.Popen(
        [sys.executable, "-m", "collsec.fast"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )
    return True


def _warm_locked(*, wait: bool, on_wait: Callable[[], None] | None, poll: float) -> bool:
    """Compile (or load) the engine here, holding the lock; False if left to its holder."""
    path = _lock_path()
    lock = _try_lock(path) if path is not None else None
    if path is not None and lock is None:
        if not wait:
            return False
        if on_wait is not None:
            on_wait()
        while lock is None:  # the holder lets go when it has compiled, or when it dies
            time.sleep(poll)
            lock = _try_lock(path)
    try:
        warm()
    finally:
        if lock is not None:
            lock.close()
    return True


def warm_in_foreground(on_wait: Callable[[], None] | None = None, poll: float = 0.5) -> None:
    """Compile the engine now, in this process, under the lock (``collsec warm``).

    If another process holds the lock (a background compilation), waits for it
    to let go and then loads what it cached, so the engine is not compiled
    twice at once; if that process died first, compiles it here.

    Parameters
    ----------
    on_wait
        Called once, before waiting, if another process holds the lock.
    poll
        Seconds between two tries of the lock while waiting.
    """
    _warm_locked(wait=True, on_wait=on_wait, poll=poll)


def warm_once() -> int:
    """The background process: compile under the lock, or leave it to the holder."""
    _warm_locked(wait=False, on_wait=None, poll=0.0)
    return 0


_drop_stale_cache()
