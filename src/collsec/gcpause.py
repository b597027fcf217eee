"""Python's cyclic garbage collector, paused while a run allocates.

A run creates many short-lived objects (a generator per replication, the
batches' arrays, numba's boxed results) while the process holds hundreds of
thousands of long-lived ones (numba, scipy, pandas). Each collection of the
oldest generation walks all of them: measured with ``perf`` on the compiled
engine, about 6% of a run (``gc_collect_main`` and its visitors). The runs
create no reference cycles that need collecting before they end.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector for the block (nested use is fine)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
