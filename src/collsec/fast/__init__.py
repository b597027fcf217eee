"""The compiled engine: the same yearly phases, one replication at a time, in numba.

:func:`run_batch_compiled` runs a batch of replications like
:func:`collsec.engine.run_batch`: the per-year metrics, the final states and,
when asked, the per-state detail. It runs each replication's whole horizon in
one compiled call, so the cost per simulated year is arithmetic, not the NumPy
engine's per-call overhead (docs/performance.md).

The modules mirror :mod:`collsec.phases`: :mod:`~collsec.fast.growth`,
:mod:`~collsec.fast.arming`, :mod:`~collsec.fast.aggression`,
:mod:`~collsec.fast.response`, :mod:`~collsec.fast.war`,
:mod:`~collsec.fast.learning`, stepped by :mod:`~collsec.fast.engine` (the
twin of :mod:`collsec.engine`); :mod:`~collsec.fast.kernels` holds the
decorators, scipy's normal functions and :func:`~collsec.fast.kernels.borrow`,
:mod:`~collsec.fast.draws` the uniforms (NumPy's PCG64 stepped in the
kernels), :mod:`~collsec.fast._sum` NumPy's summation order,
:mod:`~collsec.fast.arrays` the packed inputs, and :mod:`~collsec.fast.cache`
readiness and warming.

What is the same as the NumPy engine, and what is not:

- **Draws**: the same, from each replication's own generator in the same order
  (its PCG64 state stepped in the kernels and written back, :mod:`~collsec.fast.draws`).
- **Arithmetic**: every expression in the NumPy engine's order (no fast-math),
  sums in NumPy's pairwise order (:mod:`~collsec.fast._sum`), scipy's own
  normal quantile and distribution functions.
- **Elementary functions**: ``exp`` and ``log`` from the C library. NumPy calls
  the same on CPUs without AVX-512; on CPUs with it NumPy uses its own SIMD
  versions, which may differ in the last bit, so the two engines then agree in
  distribution only (:func:`numpy_uses_own_math` says which).

Same seed, same engine, same machine: the same bytes, whatever the batch
size or the number of threads.
"""

from __future__ import annotations

from collsec.fast._sum import MAX_STATES
from collsec.fast._sum import psum as _psum
from collsec.fast.cache import is_ready, numpy_uses_own_math, start_background_warm, warm
from collsec.fast.engine import run_batch_compiled, supports
from collsec.fast.kernels import HAVE_NUMBA

__all__ = [
    "HAVE_NUMBA",
    "MAX_STATES",
    "_psum",
    "is_ready",
    "numpy_uses_own_math",
    "run_batch_compiled",
    "start_background_warm",
    "supports",
    "warm",
]
