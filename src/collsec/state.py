"""The dynamic state of a batch of replications, shape ``[replications, states]``.

Every yearly phase reads and updates one :class:`Batch`. Arrays are batched
across replications so that a batch of many costs little more than one; each
replication draws only from its own generator, so its numbers do not depend on
the batch it runs in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from collsec.arrangements import CD, CS, Arrangement
from collsec.scenario import Parameters
from collsec.world import World

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

DRAWS_PER_STATE = 6
"""Uniform draws per state and year: growth, opportunity, misperception, order, entry, seats."""

DRAWS_PER_ATTACK = 6
"""Uniform rows of ``n`` per attack: votes, joining, ad hoc help, exit, war, intensity."""

RATIO_FLOOR = 1e-12
"""Where a ratio of two powers needs a guard against a zero, the smaller side is
floored at this share of the larger, not at an absolute number: capability has
no unit (CINC shares, or any positive scale), so the dynamics must not change
when every capability is multiplied by a constant (the contest function is
scale invariant; tests/theory/test_numerical_health.py). An absolute floor of
1e-12 bound after a few hundred years of a world scaled by 1e-6 and changed
its arming."""

TINY = float(np.finfo(np.float64).tiny)
"""The smallest normal float: guards a ratio whose two sides are both zero."""


@dataclass(eq=False)
class Batch:
    """Dynamic arrays of a batch of replications, plus the static context.

    Attributes
    ----------
    cap, arms, revis
        Capability, arms share and revisionism, ``[r, n]``.
    alive
        Alive mask, ``[r, n]``.
    busy
        At war this year, ``[r, n]`` (a state fights at most one war a year).
    member
        Membership, ``[r, k, n]`` for the ``k`` arrangements.
    cred
        Credibility of each arrangement, ``[r, k]``.
    sanction_left, sanction_pen
        Years of sanctions left on a state and their growth penalty.
    """

    world: World
    arrangements: list[Arrangement]
    params: Parameters
    gens: Sequence[np.random.Generator]
    cap: FloatArray
    arms: FloatArray
    revis: FloatArray
    alive: BoolArray
    busy: BoolArray
    member: BoolArray
    cred: FloatArray
    sanction_left: IntArray
    sanction_pen: FloatArray
    affinity: FloatArray = field(init=False)
    reach_t: BoolArray = field(init=False)
    hostility_in: FloatArray = field(init=False)
    kind: IntArray = field(init=False)
    obligation: FloatArray = field(init=False)
    scope: BoolArray = field(init=False)

    def __post_init__(self) -> None:
        w = self.world
        tie_w = self.params.response.tie_weight
        # affinity[i, j]: how close i stands to j (interests and alliance ties).
        self.affinity = w.similarity + tie_w * w.ties
        # reach_t[j, i]: i can reach j (rows by target, for gathering per crisis).
        self.reach_t = np.ascontiguousarray(w.reach.T)
        n = w.n
        pad = np.vstack([w.similarity, np.ones((1, n))])
        # hostility of the states that can reach j toward j, padded with zero.
        self.hostility_in = 1.0 - pad[w.reach_in, np.arange(n)[:, None]]
        self.kind = np.array([a.kind for a in self.arrangements], dtype=np.int64)
        self.obligation = np.array([a.obligation for a in self.arrangements], dtype=float)
        self.scope = np.array([a.scope for a in self.arrangements], dtype=bool).reshape(
            len(self.arrangements), n
        )

    @classmethod
    def start(
        cls,
        world: World,
        arrangements: list[Arrangement],
        params: Parameters,
        gens: Sequence[np.random.Generator],
    ) -> Batch:
        """The state of year 0 for ``len(gens)`` replications."""
        r, n, k = len(gens), world.n, len(arrangements)
        member = np.zeros((r, k, n), dtype=bool)
        for j, a in enumerate(arrangements):
            member[:, j, :] = a.members
        return cls(
            world=world,
            arrangements=arrangements,
            params=params,
            gens=gens,
            cap=np.tile(world.capability, (r, 1)),
            arms=np.tile(world.arms, (r, 1)),
            revis=np.tile(world.revisionism, (r, 1)),
            alive=np.ones((r, n), dtype=bool),
            busy=np.zeros((r, n), dtype=bool),
            member=member,
            cred=np.tile(np.array([a.credibility for a in arrangements], dtype=float), (r, 1)),
            sanction_left=np.zeros((r, n), dtype=np.int64),
            sanction_pen=np.zeros((r, n)),
        )

    @property
    def r(self) -> int:
        """Replications in the batch."""
        return self.cap.shape[0]

    @property
    def n(self) -> int:
        """States in the world."""
        return self.cap.shape[1]

    def power(self, rows: IntArray | None = None) -> FloatArray:
        """Military power ``p = c * a`` of living states, ``[r, n]`` (or of ``rows`` only)."""
        if rows is None:
            out: FloatArray = np.where(self.alive, self.cap * self.arms, 0.0)
        else:
            out = np.where(self.alive[rows], self.cap[rows] * self.arms[rows], 0.0)
        return out

    def covered(self, rows: IntArray, aggressor: IntArray, victim: IntArray) -> BoolArray:
        """``[crises, k]``: arrangement ``k`` answers this aggression (C2, C12, C16).

        Collective security answers any aggressor, members included, against a
        member or a state in its scope; collective defence answers only an
        outsider's aggression against a member.
        """
        m = self.member[rows]  # [c, k, n]
        c = np.arange(len(rows))
        v_in = m[c, :, victim]
        a_in = m[c, :, aggressor]
        in_scope = self.scope[:, victim].T
        cs = (self.kind == CS)[None, :] & (v_in | in_scope)
        cd = (self.kind == CD)[None, :] & v_in & ~a_in
        out: BoolArray = cs | cd
        return out
