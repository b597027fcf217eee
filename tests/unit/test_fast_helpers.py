"""The compiled engine's small helpers against the NumPy calls they replace (issue 14).

``kth_smallest`` and ``sort_keys`` stand in for ``np.sort`` and a stable
``np.argsort``; ``fast.draws`` steps NumPy's PCG64 inside the kernels and must
give NumPy's numbers and leave each generator where ``g.random()`` would.
"""

from __future__ import annotations

import numpy as np
import pytest

from collsec import fast

pytestmark = pytest.mark.skipif(not fast.HAVE_NUMBA, reason="needs numba")


def test_kth_smallest_is_the_sorted_value() -> None:
    from collsec.fast.response import kth_smallest

    rng = np.random.default_rng(3)
    for m in (1, 2, 9, 40):
        for k in range(1, m + 1):
            keys = rng.random(m)
            keys[rng.integers(0, m)] = keys[0]  # a tie
            assert kth_smallest(keys.copy(), m, k) == np.sort(keys)[k - 1]


def test_sort_keys_is_a_stable_argsort() -> None:
    from collsec.fast.engine import sort_keys

    rng = np.random.default_rng(4)
    for m in (1, 2, 7, 30):
        keys = rng.integers(0, 4, m).astype(float)  # many ties
        order = np.empty(m, dtype=np.int64)
        sort_keys(keys, m, order)
        assert np.array_equal(order, np.argsort(keys, kind="mergesort"))


def test_pcg64_fill_gives_numpys_numbers_and_steps_the_generator() -> None:
    from collsec.fast.draws import pcg64_fill, pcg64_states, store_states

    gens = [np.random.Generator(np.random.PCG64(s)) for s in (1, 2)]
    twins = [np.random.Generator(np.random.PCG64(s)) for s in (1, 2)]
    states = pcg64_states(gens)
    assert states is not None
    for row, twin in zip(states, twins, strict=True):
        out = np.empty((6, 37))
        pcg64_fill(row, out)
        assert np.array_equal(out, twin.random((6, 37)))
    store_states(gens, states)
    for g, twin in zip(gens, twins, strict=True):
        assert g.bit_generator.state == twin.bit_generator.state


def test_other_bit_generators_keep_g_random() -> None:
    from collsec.fast.draws import pcg64_states

    assert pcg64_states([np.random.Generator(np.random.MT19937(1))]) is None
    assert pcg64_states([]) is None
