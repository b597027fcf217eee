"""The uniforms, compiled: NumPy's PCG64 stepped inside the kernels.

Each replication draws from its own ``numpy.random.Generator`` on a PCG64 bit
generator (:mod:`collsec.seeds`). Called from compiled code, ``g.random()``
goes through the bit generator's function pointer once per number, about
7 ns each; a simulated year of the default world draws 240 of them. Here a
replication's 128-bit state and increment are copied out of the generator
once per batch, stepped in the kernels with NumPy's own rule (the state times
NumPy's 128-bit multiplier plus the increment, then the XSL-RR output, the
top 53 bits scaled to [0, 1)), four chains at a time (:func:`pcg64_fill`),
1.5 ns a number on a 2.6 GHz Xeon, and copied back into the generator
afterwards, so the generator ends exactly where ``g.random()``
would have left it. The numbers are NumPy's, bit for bit
(``tests/unit/test_compiled_engine.py``).

Where the generator is not a PCG64 whose state this module can read (another
bit generator, or a NumPy built without 128-bit integers, which keeps the two
halves in the other order), :func:`pcg64_states` says so and the kernels call
``g.random()``.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from typing import Any

import numpy as np

from collsec.fast.kernels import inline, jit, mulhi

_MULT_LO = 4865540595714422341
_MULT_HI = 2549297995355413924
"""NumPy's PCG64 multiplier, ``PCG_DEFAULT_MULTIPLIER_128``, in two halves."""


_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def _address(g: np.random.Generator) -> int:
    """Where the generator's 128-bit state and increment are (four uint64 words)."""
    # The bit generator's capsule holds its bitgen_t, whose first field points
    # to the pcg64_state, whose first field points to the pcg64_random_t: the
    # state, then the increment. (Read through the capsule: the ``ctypes``
    # interface costs tens of microseconds to build for each new generator.)
    bitgen = _capsule_pointer(g.bit_generator.capsule, b"BitGenerator")
    state = ctypes.c_void_p.from_address(bitgen).value or 0
    return ctypes.c_void_p.from_address(state).value or 0


def pcg64_usable(g: np.random.Generator) -> bool:
    """True if ``g`` is a PCG64 whose state this module reads as NumPy lays it out."""
    if type(g.bit_generator) is not np.random.PCG64:
        return False
    words = np.empty(4, dtype=np.uint64)
    read_states([g], words)
    state = g.bit_generator.state["state"]
    mask = (1 << 64) - 1
    expect = (state["state"] & mask, state["state"] >> 64, state["inc"] & mask, state["inc"] >> 64)
    return tuple(int(v) for v in words) == expect


def read_states(gens: Sequence[np.random.Generator], out: np.ndarray) -> list[int]:
    """Copy each (PCG64) generator's four words into the C-contiguous ``out``, a
    row each; return where each generator keeps them (for :func:`write_states`)."""
    base = out.ctypes.data
    where = [_address(g) for g in gens]
    for i, address in enumerate(where):
        ctypes.memmove(base + 32 * i, address, 32)
    return where


def write_states(where: list[int], states: np.ndarray) -> None:
    """Write the stepped states (the C-contiguous rows of ``states``) back to
    the generators whose words are at ``where`` (from :func:`read_states`)."""
    base = states.ctypes.data
    for i, address in enumerate(where):
        ctypes.memmove(address, base + 32 * i, 16)


def pcg64_all(gens: Sequence[np.random.Generator]) -> bool:
    """True if there are generators and all are PCG64 laid out as this module
    reads them (the layout is NumPy's, so checked on the first)."""
    return (
        len(gens) > 0
        and all(type(g.bit_generator) is np.random.PCG64 for g in gens)
        and pcg64_usable(gens[0])
    )


def pcg64_states(gens: Sequence[np.random.Generator]) -> np.ndarray | None:
    """Each generator's ``[state_lo, state_hi, inc_lo, inc_hi]``, or None if
    they are not all PCG64 laid out as this module reads them."""
    if not pcg64_all(gens):
        return None
    out = np.empty((len(gens), 4), dtype=np.uint64)
    read_states(gens, out)
    return out


def store_states(gens: Sequence[np.random.Generator], states: np.ndarray) -> None:
    """Write the stepped states back into the generators."""
    write_states([_address(g) for g in gens], np.ascontiguousarray(states, dtype=np.uint64))


_M128 = (1 << 128) - 1
_MULT = _MULT_HI << 64 | _MULT_LO
_MULT4 = pow(_MULT, 4, 1 << 128)
_SUM4 = (1 + _MULT + _MULT * _MULT + _MULT * _MULT * _MULT) & _M128
_MULT4_LO, _MULT4_HI = _MULT4 & (2**64 - 1), _MULT4 >> 64
_SUM4_LO, _SUM4_HI = _SUM4 & (2**64 - 1), _SUM4 >> 64
"""Four steps at once: ``s(t+4) = a**4 s(t) + (1 + a + a**2 + a**3) c`` (mod 2**128)."""


@inline
def _mul128(al: Any, ah: Any, bl: Any, bh: Any) -> tuple[Any, Any]:
    """``a * b`` mod 2**128, each number as its low and high 64-bit halves."""
    return al * bl, mulhi(al, bl) + al * bh + ah * bl


@inline
def _add128(al: Any, ah: Any, bl: Any, bh: Any) -> tuple[Any, Any]:
    lo = al + bl
    return lo, ah + bh + (np.uint64(1) if lo < bl else np.uint64(0))


@inline
def _xslrr(sl: Any, sh: Any) -> float:
    """NumPy's output of a PCG64 state: XSL-RR, the top 53 bits scaled to [0, 1)."""
    # the halves xor-ed, rotated by the top six bits
    x = sh ^ sl
    rot = sh >> np.uint64(58)
    v = (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))
    return np.float64(v >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@jit
def pcg64_fill(st: Any, out: Any) -> None:
    """Fill the C-contiguous 2-d ``out`` with the next uniforms of the PCG64
    state ``st`` (NumPy's ``pcg64_next_double``), and leave the stepped state
    in ``st``.

    Each state is the last one times NumPy's multiplier ``a`` plus the
    increment ``c`` (mod 2**128), a chain in which every step waits for the
    one before. The numbers are taken four at a time from four chains, each
    stepping four states at once (``a**4``, ``(1 + a + a**2 + a**3) c``), so
    that the processor can overlap their multiplications; modular arithmetic
    is exact, so these are the same states in the same order.
    """
    flat = out.reshape(out.size)
    size = flat.shape[0]
    sl = st[0]
    sh = st[1]
    il = st[2]
    ih = st[3]
    ml = np.uint64(_MULT_LO)
    mh = np.uint64(_MULT_HI)
    p = 0
    if size >= 8:
        # the first four states one step at a time, then four chains
        al, ah = _mul128(sl, sh, ml, mh)
        l0, h0 = _add128(al, ah, il, ih)
        al, ah = _mul128(l0, h0, ml, mh)
        l1, h1 = _add128(al, ah, il, ih)
        al, ah = _mul128(l1, h1, ml, mh)
        l2, h2 = _add128(al, ah, il, ih)
        al, ah = _mul128(l2, h2, ml, mh)
        l3, h3 = _add128(al, ah, il, ih)
        m4l = np.uint64(_MULT4_LO)
        m4h = np.uint64(_MULT4_HI)
        cl, ch = _mul128(il, ih, np.uint64(_SUM4_LO), np.uint64(_SUM4_HI))
        while True:
            flat[p] = _xslrr(l0, h0)
            flat[p + 1] = _xslrr(l1, h1)
            flat[p + 2] = _xslrr(l2, h2)
            flat[p + 3] = _xslrr(l3, h3)
            p += 4
            if p + 4 > size:
                break
            al, ah = _mul128(l0, h0, m4l, m4h)
            l0, h0 = _add128(al, ah, cl, ch)
            al, ah = _mul128(l1, h1, m4l, m4h)
            l1, h1 = _add128(al, ah, cl, ch)
            al, ah = _mul128(l2, h2, m4l, m4h)
            l2, h2 = _add128(al, ah, cl, ch)
            al, ah = _mul128(l3, h3, m4l, m4h)
            l3, h3 = _add128(al, ah, cl, ch)
        sl = l3
        sh = h3
    while p < size:
        al, ah = _mul128(sl, sh, ml, mh)
        sl, sh = _add128(al, ah, il, ih)
        flat[p] = _xslrr(sl, sh)
        p += 1
    st[0] = sl
    st[1] = sh
