"""The compiled engine's small helpers against the NumPy calls they replace (issue 14).

``kth_smallest`` and ``sort_keys`` stand in for ``np.sort`` and a stable
``np.argsort``; ``fast.draws`` steps NumPy's PCG64 inside the kernels and must
give NumPy's numbers and leave each generator where ``g.random()`` would;
arming's gathers keep NumPy's sum and max; the vote-probability cache keeps
the bits however many pairs share a slot.
"""

from __future__ import annotations

from typing import Any

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


@pytest.mark.parametrize("shape", [(1, 1), (1, 3), (1, 7), (1, 8), (1, 9), (2, 5), (6, 40), (3, 1)])
def test_pcg64_fill_four_chains_any_size(shape: tuple[int, int]) -> None:
    """The four interleaved chains and the one-step tail give NumPy's numbers
    and its final state for every length, multiples of four or not."""
    from collsec.fast.draws import pcg64_fill, pcg64_states, store_states

    g = np.random.Generator(np.random.PCG64(7))
    twin = np.random.Generator(np.random.PCG64(7))
    states = pcg64_states([g])
    assert states is not None
    for _ in range(3):
        out = np.empty(shape)
        pcg64_fill(states[0], out)
        assert np.array_equal(out, twin.random(shape))
    store_states([g], states)
    assert g.bit_generator.state == twin.bit_generator.state


def test_arming_gathers_are_numpys_sum_and_max() -> None:
    from collsec.fast.arming import strongest, sum_and_strongest

    rng = np.random.default_rng(8)
    for m in (1, 2, 5, 7, 8, 9, 11, 15, 16, 17, 40, 128):
        n = 60
        v = np.append(rng.random(n) * 10.0 ** rng.integers(-3, 3, n), 0.0)
        idx = rng.integers(0, n + 1, (3, m))
        hostility = rng.random((3, m))
        hostility[:, ::3] = 0.0
        for row in range(3):
            assert strongest(v, idx, hostility, row, m) == (v[idx[row]] * hostility[row]).max()
            w = v[::-1].copy()  # the support's helpers: another array, the same indices
            both = sum_and_strongest(w, v, hostility, idx, row, m)
            assert both == (w[idx[row]].sum(), (v[idx[row]] * hostility[row]).max())


def test_vote_probability_cache_of_one_slot_gives_the_same_run(monkeypatch: Any) -> None:
    """Pairs that share a slot (as they do above 128 states) only recompute:
    a cache of a single slot gives the same bytes as one slot per pair."""
    import collsec
    from collsec.fast import arrays

    args: dict[str, Any] = {"replications": 3, "years": 80, "seed": 5, "engine": "compiled"}
    full = collsec.simulate("default", **args)
    monkeypatch.setattr(arrays, "PYES_CACHE_NUMBERS", 1)
    assert arrays.scratch(40, 1, 5).pyes_pair.shape == (1,)
    one = collsec.simulate("default", **args)
    assert len(full.crises) > 0
    for m in full.yearly:
        assert np.array_equal(full.yearly[m], one.yearly[m]), m
    assert full.crises.equals(one.crises)
