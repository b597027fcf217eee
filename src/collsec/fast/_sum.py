"""Sums in NumPy's order: ``a.sum()`` of a contiguous row, bit for bit.

NumPy adds the elements of a contiguous row pairwise (eight accumulators,
blocks of 128; numpy/_core/src/umath/loops_utils.h.src); :func:`psum` follows
that algorithm. Numba cannot cache recursive functions, so each level of the
pairwise split is its own function (``_pw1`` .. ``_pw5``), which limits the
compiled engine to :data:`MAX_STATES` states.
"""

from __future__ import annotations

from typing import Any

from collsec.fast.kernels import inline, jit

MAX_STATES = 3600
"""Longest row the compiled engine sums in NumPy's order (``_pw5``'s limit)."""


@inline
def _pw0(a: Any, s: int, n: int) -> float:
    # NumPy's pairwise summation of a[s:s+n] for n <= 128 (eight
    # accumulators; numpy/_core/src/umath/loops_utils.h.src).
    if n < 8:
        res = -0.0
        for i in range(n):
            res += a[s + i]
        return res
    r0 = a[s]
    r1 = a[s + 1]
    r2 = a[s + 2]
    r3 = a[s + 3]
    r4 = a[s + 4]
    r5 = a[s + 5]
    r6 = a[s + 6]
    r7 = a[s + 7]
    i = 8
    m = n - n % 8
    while i < m:
        r0 += a[s + i]
        r1 += a[s + i + 1]
        r2 += a[s + i + 2]
        r3 += a[s + i + 3]
        r4 += a[s + i + 4]
        r5 += a[s + i + 5]
        r6 += a[s + i + 6]
        r7 += a[s + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[s + i]
        i += 1
    return res


# Longer rows split in two (at a multiple of 8) until the halves fit. Numba
# cannot cache recursive functions, so each level is its own function: a
# level takes rows up to twice the level below, less 16.


@jit
def _pw1(a: Any, s: int, n: int) -> float:
    if n <= 128:
        return _pw0(a, s, n)
    n2 = n // 2 - (n // 2) % 8
    return _pw0(a, s, n2) + _pw0(a, s + n2, n - n2)


@jit
def _pw2(a: Any, s: int, n: int) -> float:
    if n <= 240:
        return _pw1(a, s, n)
    n2 = n // 2 - (n // 2) % 8
    return _pw1(a, s, n2) + _pw1(a, s + n2, n - n2)


@jit
def _pw3(a: Any, s: int, n: int) -> float:
    if n <= 464:
        return _pw2(a, s, n)
    n2 = n // 2 - (n // 2) % 8
    return _pw2(a, s, n2) + _pw2(a, s + n2, n - n2)


@jit
def _pw4(a: Any, s: int, n: int) -> float:
    if n <= 912:
        return _pw3(a, s, n)
    n2 = n // 2 - (n // 2) % 8
    return _pw3(a, s, n2) + _pw3(a, s + n2, n - n2)


@jit
def _pw5(a: Any, s: int, n: int) -> float:
    if n <= 1808:
        return _pw4(a, s, n)
    n2 = n // 2 - (n // 2) % 8
    return _pw4(a, s, n2) + _pw4(a, s + n2, n - n2)


@inline
def psum(a: Any) -> float:
    """``a.sum()`` for a contiguous 1-d float array, in NumPy's order."""
    n = a.shape[0]
    return 0.0 + (_pw0(a, 0, n) if n <= 128 else _pw5(a, 0, n))
