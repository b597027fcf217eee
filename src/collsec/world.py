"""The world: static arrays built once from a scenario.

A :class:`World` holds what does not change during a run: state codes, regions,
the contiguity graph and who can reach whom (O3), interest similarity (M2, C8),
alliance ties, great-power flags, and the starting values of the dynamic
quantities (capability, arms, revisionism). The engine copies the starting
values into batched arrays of shape ``[replications, states]``.

Reach follows MODEL.md: a state reaches its contiguity neighbours; a great power
reaches every state. Help from out of reach is impossible whatever a member's
will (O3).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import Delaunay

from collsec.errors import ScenarioError
from collsec.scenario import (
    ExplicitWorld,
    GeneratedWorld,
    Scenario,
    generated_codes,
    generated_regions,
)
from collsec.seeds import SeedLike, root_sequence, world_generator

DOCTRINES: tuple[str, ...] = ("conditional", "committed", "realist")
"""Doctrine codes: index in this tuple is the code stored in :attr:`World.doctrine`."""

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class World:
    """Static description of a system of states.

    Attributes
    ----------
    codes, names
        State codes and display names, in state order.
    region, region_names
        Region index of each state, and the region names.
    positions
        Map points, shape ``[n, 2]`` (used for plots and contiguity).
    adjacency
        Contiguity, boolean ``[n, n]``, symmetric, no self-loops.
    reach
        ``reach[i, j]``: state ``i`` can attack or help defend ``j``.
    reach_in
        For each state ``j``, the states that can reach it, padded with ``n``
        (an index past the end, pointing at a zero column), shape ``[n, d]``.
    great_power
        Great-power flags.
    similarity
        Interest similarity in [0, 1], ``[n, n]``, ones on the diagonal.
    ties
        Alliance tie strength in [0, 1], ``[n, n]``, zeros on the diagonal.
    capability, arms, revisionism, drift
        Starting capability, arms share and revisionism; growth drift.
    doctrine
        Index into :data:`DOCTRINES`.
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    region: IntArray
    region_names: tuple[str, ...]
    positions: FloatArray
    adjacency: BoolArray
    reach: BoolArray
    reach_in: IntArray
    great_power: BoolArray
    similarity: FloatArray
    ties: FloatArray
    capability: FloatArray
    arms: FloatArray
    revisionism: FloatArray
    drift: FloatArray
    doctrine: IntArray
    index: dict[str, int] = field(repr=False)

    @property
    def n(self) -> int:
        """Number of states."""
        return len(self.codes)

    def indices(self, codes: tuple[str, ...] | list[str], where: str = "codes") -> IntArray:
        """Return the state indices of ``codes``.

        Raises
        ------
        ScenarioError
            If a code is not a state of this world.
        """
        out = []
        for c in codes:
            if c not in self.index:
                raise ScenarioError(f"unknown state code {c!r}", field=where)
            out.append(self.index[c])
        return np.asarray(out, dtype=np.int64)

    def weakest_quartile(self) -> BoolArray:
        """States in the weakest quarter by starting capability (C13)."""
        k = max(1, self.n // 4)
        order = np.argsort(self.capability, kind="stable")
        mask = np.zeros(self.n, dtype=bool)
        mask[order[:k]] = True
        return mask


def _delaunay_edges(points: FloatArray) -> list[tuple[int, int]]:
    n = len(points)
    if n < 2:
        return []
    if n == 2:
        return [(0, 1)]
    if n == 3 or np.linalg.matrix_rank(points - points.mean(axis=0)) < 2:
        # Collinear or tiny: join each point to the next along the line.
        order = np.lexsort((points[:, 1], points[:, 0]))
        return [(int(order[k]), int(order[k + 1])) for k in range(n - 1)]
    tri = Delaunay(points)
    edges: set[tuple[int, int]] = set()
    for simplex in tri.simplices:
        for a in range(3):
            i, j = int(simplex[a]), int(simplex[(a + 1) % 3])
            edges.add((min(i, j), max(i, j)))
    return sorted(edges)


def _similarity_from_interests(x: FloatArray, scale: float) -> FloatArray:
    d2 = ((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=-1)
    s: FloatArray = np.exp(-d2 / (2.0 * scale**2))
    return s


def _reach(adjacency: BoolArray, great_power: BoolArray) -> tuple[BoolArray, IntArray]:
    n = len(great_power)
    reach = adjacency.copy()
    reach[great_power, :] = True
    np.fill_diagonal(reach, False)
    lists = [np.flatnonzero(reach[:, j]) for j in range(n)]
    d = max((len(lst) for lst in lists), default=0)
    reach_in = np.full((n, max(d, 1)), n, dtype=np.int64)
    for j, lst in enumerate(lists):
        reach_in[j, : len(lst)] = lst
    return reach, reach_in


def _generate(spec: GeneratedWorld, scenario: Scenario, rng: np.random.Generator) -> World:
    n, nr = spec.n_states, spec.n_regions
    # Regions are cells of a near-square grid on the unit square; states are
    # uniform points inside their region's cell.
    cols = int(np.ceil(np.sqrt(nr)))
    rows = int(np.ceil(nr / cols))
    region = np.arange(n, dtype=np.int64) % nr
    cell = np.stack([region % cols, region // cols], axis=1).astype(float)
    positions = (cell + rng.random((n, 2))) / np.array([cols, rows], dtype=float)
    capability = np.exp(spec.capability_sigma * rng.standard_normal(n))
    capability = capability / capability.sum()
    m, kappa = spec.revisionism_mean, spec.revisionism_concentration
    a, b = max(m * kappa, 1e-3), max((1 - m) * kappa, 1e-3)
    revisionism = rng.beta(a, b, size=n)
    centres = spec.region_separation * rng.standard_normal((nr, spec.interest_dims))
    interests = centres[region] + spec.interest_spread * rng.standard_normal(
        (n, spec.interest_dims)
    )
    drift = scenario.params.growth.drift_sd * rng.standard_normal(n)
    u = rng.random(n)
    doctrine = np.zeros(n, dtype=np.int64)
    doctrine[u < spec.committed_share] = 1
    doctrine[(u >= spec.committed_share) & (u < spec.committed_share + spec.realist_share)] = 2
    great_power = np.zeros(n, dtype=bool)
    if spec.n_great_powers:
        great_power[np.argsort(-capability, kind="stable")[: spec.n_great_powers]] = True
    adjacency = np.zeros((n, n), dtype=bool)
    for i, j in _delaunay_edges(positions):
        adjacency[i, j] = adjacency[j, i] = True
    similarity = _similarity_from_interests(interests, spec.similarity_scale)
    reach, reach_in = _reach(adjacency, great_power)
    codes = tuple(generated_codes(n))
    return World(
        codes=codes,
        names=codes,
        region=region,
        region_names=tuple(generated_regions(nr)),
        positions=positions,
        adjacency=adjacency,
        reach=reach,
        reach_in=reach_in,
        great_power=great_power,
        similarity=similarity,
        ties=np.zeros((n, n)),
        capability=capability,
        arms=np.full(n, scenario.params.arming.arms_initial),
        revisionism=revisionism,
        drift=drift,
        doctrine=doctrine,
        index={c: i for i, c in enumerate(codes)},
    )


def _explicit(spec: ExplicitWorld, scenario: Scenario, rng: np.random.Generator) -> World:
    states = spec.states
    n = len(states)
    codes = tuple(s.code for s in states)
    index = {c: i for i, c in enumerate(codes)}
    region_names = tuple(dict.fromkeys(s.region for s in states))
    rindex = {r: k for k, r in enumerate(region_names)}
    region = np.array([rindex[s.region] for s in states], dtype=np.int64)
    if all(s.position is not None for s in states):
        positions = np.array([s.position for s in states], dtype=float)
    else:
        angle = 2 * np.pi * np.arange(n) / n
        positions = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    adjacency = np.zeros((n, n), dtype=bool)
    if spec.edges is not None:
        for a, b in spec.edges:
            i, j = index[a], index[b]
            if i != j:
                adjacency[i, j] = adjacency[j, i] = True
    else:
        for i, j in _delaunay_edges(positions):
            adjacency[i, j] = adjacency[j, i] = True
    if spec.similarity is not None:
        similarity = np.array(spec.similarity, dtype=float)
        similarity = 0.5 * (similarity + similarity.T)
        np.fill_diagonal(similarity, 1.0)
    elif states[0].interests:
        x = np.array([s.interests for s in states], dtype=float)
        similarity = _similarity_from_interests(x, spec.similarity_scale)
    else:
        # No interests given: states share a region's view more than another's.
        similarity = np.where(region[:, None] == region[None, :], 0.6, 0.3)
        np.fill_diagonal(similarity, 1.0)
    ties = np.zeros((n, n))
    for al in spec.alliances:
        idx = [index[c] for c in al.members]
        for i in idx:
            for j in idx:
                if i != j:
                    ties[i, j] = max(ties[i, j], al.strength)
    great_power = np.array([s.great_power for s in states], dtype=bool)
    reach, reach_in = _reach(adjacency, great_power)
    arms0 = scenario.params.arming.arms_initial
    drift = scenario.params.growth.drift_sd * rng.standard_normal(n)
    return World(
        codes=codes,
        names=tuple(s.name or s.code for s in states),
        region=region,
        region_names=region_names,
        positions=positions,
        adjacency=adjacency,
        reach=reach,
        reach_in=reach_in,
        great_power=great_power,
        similarity=similarity,
        ties=ties,
        capability=np.array([s.capability for s in states], dtype=float),
        arms=np.array([arms0 if s.arms is None else s.arms for s in states], dtype=float),
        revisionism=np.array([s.revisionism for s in states], dtype=float),
        drift=drift,
        doctrine=np.array([DOCTRINES.index(s.doctrine) for s in states], dtype=np.int64),
        index=index,
    )


def build_world(scenario: Scenario, rng: np.random.Generator) -> World:
    """Build the static world of a scenario.

    Parameters
    ----------
    scenario
        The validated scenario.
    rng
        The world's own generator (a child of the run's seed, or of
        ``world_seed`` for generated worlds), so every regime and replication
        of a run shares one world.

    Returns
    -------
    World
    """
    spec = scenario.world
    if isinstance(spec, GeneratedWorld):
        return _generate(spec, scenario, rng)
    return _explicit(spec, scenario, rng)


def make_world(scenario: Scenario, seed: SeedLike = None) -> World:
    """Build the world a run of ``scenario`` uses (the same for every regime).

    ``seed`` (default: the scenario's) is the run's seed; the world draws from
    its own child of it, or from ``world.world_seed`` when the scenario fixes one.
    """
    root = root_sequence(scenario.seed if seed is None else seed)
    spec = scenario.world
    ws = spec.world_seed if isinstance(spec, GeneratedWorld) else None
    return build_world(scenario, world_generator(root, ws))
