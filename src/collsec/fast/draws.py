"""The uniforms, compiled: NumPy's PCG64 stepped inside the kernels.

Each replication draws from its own ``numpy.random.Generator`` on a PCG64 bit
generator (:mod:`collsec.seeds`). Called from compiled code, ``g.random()``
goes through the bit generator's function pointer once per number, about
7 ns each; a simulated year of the default world draws 240 of them. Here a
replication's 128-bit state and increment are copied out of the generator
once per batch, stepped in the kernels with NumPy's own rule (the state times
NumPy's 128-bit multiplier plus the increment, then the XSL-RR output, the
top 53 bits scaled to [0, 1)), about 4 ns a number, and copied back into the
generator afterwards, so the generator ends exactly where ``g.random()``
would have left it. The numbers are NumPy's, bit for bit
(``tests/unit/test_compiled_engine.py``).

Where the generator is not a PCG64 whose state this module can read (another
bit generator, or a NumPy built without 128-bit integers, which keeps the two
halves in the other order), :func:`pcg64_states` says so and the kernels call
``g.random()``.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

from collsec.fast.kernels import jit, mulhi

_MULT_LO = 4865540595714422341
_MULT_HI = 2549297995355413924
"""NumPy's PCG64 multiplier, ``PCG_DEFAULT_MULTIPLIER_128``, in two halves."""


def _words(g: np.random.Generator) -> np.ndarray:
    """The generator's own state and increment as four uint64 words (a view)."""
    # bitgen_t.state points to pcg64_state, whose first field points to the
    # pcg64_random_t: the 128-bit state, then the 128-bit increment.
    address = ctypes.c_void_p.from_address(g.bit_generator.ctypes.state_address).value or 0
    return np.ctypeslib.as_array((ctypes.c_uint64 * 4).from_address(address))


def pcg64_states(gens: list[np.random.Generator]) -> np.ndarray | None:
    """Each generator's ``[state_lo, state_hi, inc_lo, inc_hi]``, or None if
    they are not all PCG64 laid out as this module reads them."""
    if not gens or any(type(g.bit_generator) is not np.random.PCG64 for g in gens):
        return None
    state = gens[0].bit_generator.state["state"]
    w = _words(gens[0])
    mask = (1 << 64) - 1
    expect = (state["state"] & mask, state["state"] >> 64, state["inc"] & mask, state["inc"] >> 64)
    if tuple(int(v) for v in w) != expect:
        return None
    return np.array([_words(g) for g in gens], dtype=np.uint64)


def store_states(gens: list[np.random.Generator], states: np.ndarray) -> None:
    """Write the stepped states back into the generators."""
    for g, row in zip(gens, states, strict=True):
        _words(g)[:2] = row[:2]


@jit
def pcg64_fill(st: Any, out: Any) -> None:
    """Fill the 2-d ``out`` with the next uniforms of the PCG64 state ``st``
    (NumPy's ``pcg64_next_double``), and leave the stepped state in ``st``."""
    sl = st[0]
    sh = st[1]
    il = st[2]
    ih = st[3]
    ml = np.uint64(_MULT_LO)
    mh = np.uint64(_MULT_HI)
    for r in range(out.shape[0]):
        for i in range(out.shape[1]):
            # state = state * multiplier + increment (mod 2**128)
            lo = sl * ml
            hi = mulhi(sl, ml) + sl * mh + sh * ml
            nl = lo + il
            nh = hi + ih + (np.uint64(1) if nl < il else np.uint64(0))
            sl = nl
            sh = nh
            # XSL-RR: the halves xor-ed, rotated by the top six bits
            x = nh ^ nl
            rot = nh >> np.uint64(58)
            v = (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))
            out[r, i] = np.float64(v >> np.uint64(11)) * (1.0 / 9007199254740992.0)
    st[0] = sl
    st[1] = sh
