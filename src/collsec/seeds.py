"""Seeds: normalised once, spawned per replication before any work is dispatched.

The run's seed gives a root :class:`numpy.random.SeedSequence`. Its child with
spawn key ``(0,)`` builds the world; the child ``(1, k)`` drives replication
``k``. A child is built directly from its key, so replication ``k`` draws the
same numbers whether it runs alone, in a batch of 1,000, or on another worker,
and every regime of a comparison sees the same numbers (common random numbers).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np

SeedLike = int | np.random.SeedSequence | np.random.Generator | None

_WORLD = 0
_REPLICATION = 1


def root_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Normalise a seed to a root SeedSequence.

    ``None`` draws fresh entropy (recorded in results, so the run can be
    repeated); ``0`` is a seed like any other. A Generator gives one draw of
    its stream as entropy.
    """
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(0, 2**63 - 1)))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be an int, SeedSequence, Generator or None, not {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, not {seed}")
    return np.random.SeedSequence(int(seed))


def _child(root: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(entropy=root.entropy, spawn_key=(*root.spawn_key, *key))


def world_generator(
    root: np.random.SeedSequence, world_seed: int | None = None
) -> np.random.Generator:
    """The generator that builds the world (``world_seed`` overrides the run's)."""
    if world_seed is not None:
        return np.random.Generator(
            np.random.PCG64(_child(np.random.SeedSequence(world_seed), _WORLD))
        )
    return np.random.Generator(np.random.PCG64(_child(root, _WORLD)))


def replication_generators(
    root: np.random.SeedSequence, first: int, count: int
) -> list[np.random.Generator]:
    """Generators of replications ``first`` to ``first + count - 1``."""
    return [
        np.random.Generator(np.random.PCG64(_child(root, _REPLICATION, k)))
        for k in range(first, first + count)
    ]


class LazyGenerators(Sequence[np.random.Generator]):
    """:func:`replication_generators` as a sequence whose generators are built
    on first use, each from its own key (so the numbers are the same).

    The compiled engine builds each chunk's generators in the thread that runs
    the chunk, while the other threads simulate (about 15 us a generator,
    which would otherwise run before any thread starts).
    """

    def __init__(self, root: np.random.SeedSequence, first: int, count: int) -> None:
        self._root, self._first = root, first
        self._gens: list[np.random.Generator | None] = [None] * count

    def __len__(self) -> int:
        return len(self._gens)

    def _one(self, i: int) -> np.random.Generator:
        g = self._gens[i]
        if g is None:
            key = _child(self._root, _REPLICATION, self._first + i)
            g = np.random.Generator(np.random.PCG64(key))
            self._gens[i] = g
        return g

    @overload
    def __getitem__(self, index: int) -> np.random.Generator: ...
    @overload
    def __getitem__(self, index: slice) -> list[np.random.Generator]: ...
    def __getitem__(self, index: int | slice) -> np.random.Generator | list[np.random.Generator]:
        if isinstance(index, slice):
            return [self._one(i) for i in range(*index.indices(len(self)))]
        return self._one(range(len(self))[index])

    def __iter__(self) -> Iterator[np.random.Generator]:
        return (self._one(i) for i in range(len(self)))


def entropy_of(root: np.random.SeedSequence) -> int:
    """The root's entropy as an int (to record in results)."""
    e = root.entropy
    if e is None:
        return 0
    return int(e) if isinstance(e, int) else int(e[0])
