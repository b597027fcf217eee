"""The arrays and scalars the kernels read, packed once per batch.

Kernels take a few tuples rather than dozens of arguments:

- ``P`` (:class:`Params`): every scalar parameter as a float, products formed
  in Python exactly as the NumPy engine forms them;
- ``W`` (:func:`world_arrays`): the static world;
- ``A`` (:func:`arrangement_arrays`): the arrangements' columns and masks;
- ``S``: one replication's rows of the batch's dynamic arrays
  (:class:`collsec.state.Batch`), updated in place;
- ``X`` (:class:`Scratch`): per-thread scratch arrays, every one written before
  it is read, so a thread reuses its own from one replication to the next;
  the one exception, ``pyes_cache``, holds what depends only on the batch's
  static world and parameters (each pair's vote probabilities), so it stays
  valid for the batch, and a scratch is never shared between batches.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from collsec.arrangements import Arrangement
from collsec.rules import Automatic, Council, Majority, Unanimity
from collsec.scenario import Parameters
from collsec.state import DRAWS_PER_ATTACK, DRAWS_PER_STATE, Batch

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

RULE_CODES: dict[type, int] = {Automatic: 0, Unanimity: 1, Majority: 2, Council: 3}
"""The decision rules the kernels implement, by code (``A[1]``)."""


class Params(NamedTuple):
    """Scalar parameters, in float (products formed as the NumPy engine forms them)."""

    g_mean: float
    g_arms_cost: float
    g_noise: float
    a_min: float
    a_max: float
    a_tolerance: float
    a_response: float
    a_decay: float
    opportunity: float
    decisiveness: float
    conquest_share: float
    war_cost: float
    defeat_penalty: float
    threshold: float
    misperception: float
    dissimilarity_weight: float
    vote_noise: float
    vote_bias: float
    join_base: float
    join_credibility: float
    join_affinity: float
    join_cost: float
    join_cost_gain: float
    free_riding: float
    find_when_needed: float
    foresee_force_only: float
    force_margin: float
    sanction_penalty: float
    sanction_years: float
    sanction_war_effect: float
    adhoc_support: float
    adhoc_affinity: float
    loss_rate: float
    intensity_sigma: float
    half_sigma2: float
    absorb_ratio: float
    policy_change: float
    embolden: float
    reparations: float
    credibility_rate: float
    sanction_credit: float
    exit_undefended: float
    exit_designated: float
    join_rate: float
    min_similarity: float
    o2_share: float
    o3_share: float
    m1_margin: float
    m2_threshold: float
    m3_share: float
    tie_threshold: float


def pack(params: Parameters) -> Params:
    g, a, ag, r, w, lp = (
        params.growth,
        params.arming,
        params.aggression,
        params.response,
        params.war,
        params.learning,
    )
    d = params.diagnosis
    return Params(
        g.mean,
        g.arms_cost,
        g.noise,
        a.arms_min,
        a.arms_max,
        a.tolerance,
        a.response,
        a.decay,
        ag.opportunity,
        ag.decisiveness,
        ag.conquest_share,
        ag.war_cost,
        ag.defeat_penalty,
        ag.threshold,
        ag.misperception,
        ag.dissimilarity_weight,
        r.vote_noise,
        r.vote_bias,
        r.join_base,
        r.join_credibility,
        r.join_affinity,
        r.join_cost,
        r.join_cost_gain,
        r.free_riding,
        1.0 if r.find_when_needed else 0.0,
        1.0 if r.foresee_force_only else 0.0,
        r.force_margin,
        r.sanction_penalty,
        float(r.sanction_years),
        r.sanction_war_effect,
        r.adhoc_support,
        r.adhoc_affinity,
        w.loss_rate,
        w.intensity_sigma,
        0.5 * w.intensity_sigma**2,
        w.absorb_ratio,
        w.policy_change,
        w.embolden,
        w.reparations,
        lp.credibility_rate,
        lp.sanction_credit,
        lp.exit_undefended,
        lp.exit_designated,
        lp.join_rate,
        params.blocs.min_similarity,
        d.o2_share,
        d.o3_share,
        d.m1_margin,
        d.m2_threshold,
        d.m3_share,
        d.tie_threshold,
    )


class Scratch(NamedTuple):
    u: FloatArray
    ua: FloatArray
    order: IntArray
    power: FloatArray
    padded: FloatArray
    support: FloatArray
    helpers: FloatArray
    gathered: FloatArray
    threat: FloatArray
    t1: FloatArray
    t2: FloatArray
    margin: FloatArray
    p_yes: FloatArray
    logit_common: FloatArray
    will: FloatArray
    keys: FloatArray
    mask: BoolArray
    covers: BoolArray
    voters: BoolArray
    members: BoolArray
    able: BoolArray
    p_des: FloatArray
    p_join: FloatArray
    free: BoolArray
    helps: BoolArray
    attackers: BoolArray
    defenders: BoolArray
    yes: BoolArray
    joiners: BoolArray
    sanctioners: BoolArray
    designated: BoolArray
    att_agg: IntArray
    att_vic: IntArray
    att_key: FloatArray
    out: FloatArray
    wins: BoolArray
    total: FloatArray
    cred_term: FloatArray
    pyes_pair: IntArray
    pyes_cache: FloatArray
    # the replication being run: its rows of the batch's dynamic arrays and its
    # PCG64 state, copied in and out by run_many (``own_*``), so that a thread
    # never writes a cache line that holds another thread's replication (a row
    # of 40 booleans or one PCG64 state is less than a line)
    own_cap: FloatArray
    own_arms: FloatArray
    own_revis: FloatArray
    own_alive: BoolArray
    own_busy: BoolArray
    own_member: BoolArray
    own_cred: FloatArray
    own_sanction_left: IntArray
    own_sanction_pen: FloatArray
    own_pcg: NDArray[np.uint64]


PYES_CACHE_NUMBERS = 1 << 21
"""At most this many vote probabilities kept per thread (16 MB): a slot for
every pair of states up to 128 states, fewer slots (shared by pairs) above."""


def scratch(n: int, k: int, dmax: int) -> Scratch:
    f = np.zeros
    slots = max(1, min(n * n, PYES_CACHE_NUMBERS // max(n, 1)))
    return Scratch(
        u=f((DRAWS_PER_STATE, n)),
        ua=f((DRAWS_PER_ATTACK, n)),
        order=f(n, dtype=np.int64),
        power=f(n),
        padded=f(n + 1),
        support=f(n),
        helpers=f(n + 1),
        gathered=f(dmax),
        threat=f(n),
        t1=f(n),
        t2=f(n),
        margin=f(n),
        p_yes=f(n),
        logit_common=f(n),
        will=f(n),
        keys=f(n),
        mask=f(n, dtype=bool),
        covers=f(k, dtype=bool),
        voters=f((k, n), dtype=bool),
        members=f((k, n), dtype=bool),
        able=f((k, n), dtype=bool),
        p_des=f(k),
        p_join=f((k, n)),
        free=f(n, dtype=bool),
        helps=f(n, dtype=bool),
        attackers=f(n, dtype=bool),
        defenders=f(n, dtype=bool),
        yes=f(n, dtype=bool),
        joiners=f(n, dtype=bool),
        sanctioners=f(n, dtype=bool),
        designated=f(k, dtype=bool),
        att_agg=f(n, dtype=np.int64),
        att_vic=f(n, dtype=np.int64),
        att_key=f(n),
        out=f(14),
        wins=f(k, dtype=bool),
        total=f(k),
        cred_term=f(k),
        # pair agg * n + vic whose chances the slot holds; -1: none yet
        pyes_pair=np.full(slots, -1, dtype=np.int64),
        pyes_cache=np.empty((slots, n)),
        own_cap=f(n),
        own_arms=f(n),
        own_revis=f(n),
        own_alive=f(n, dtype=bool),
        own_busy=f(n, dtype=bool),
        own_member=f((k, n), dtype=bool),
        own_cred=f(k),
        own_sanction_left=f(n, dtype=np.int64),
        own_sanction_pen=f(n),
        own_pcg=f(4, dtype=np.uint64),
    )


def world_arrays(b: Batch) -> tuple[np.ndarray, ...]:
    """The static world arrays, the batch's own where it has them."""
    w = b.world
    return (
        np.ascontiguousarray(w.reach),
        np.ascontiguousarray(w.reach_in),
        np.ascontiguousarray(b.hostility_in),
        np.ascontiguousarray(w.similarity),
        np.ascontiguousarray(b.affinity),
        np.ascontiguousarray(w.drift, dtype=float),
        np.ascontiguousarray(w.doctrine, dtype=np.int64),
        np.ascontiguousarray(w.weakest_quartile()),
        np.ascontiguousarray(w.similarity.T),
        # Row-major transposes: a crisis reads every state's reach of the
        # victim and affinity to both parties, a row here instead of a column
        # (a cache line per state at 1,000 states; benchmarks/scaling_phases.py).
        np.ascontiguousarray(w.reach.T),
        np.ascontiguousarray(b.affinity.T),
    )


def arrangement_arrays(
    arrangements: list[Arrangement], params: Parameters, n: int
) -> tuple[np.ndarray, ...]:
    k = len(arrangements)
    rp = params.response

    def col(values: list[Any], dtype: Any) -> np.ndarray:
        return np.array(values, dtype=dtype).reshape(k)

    def mat(values: list[Any]) -> np.ndarray:
        return np.array(values, dtype=bool).reshape(k, n)

    quota = [
        float(a.rule.quota) if isinstance(a.rule, (Majority, Council)) else 0.0
        for a in arrangements
    ]
    seats = [a.rule.seats if isinstance(a.rule, Council) else 0 for a in arrangements]
    veto = [a.rule.veto if isinstance(a.rule, Council) else False for a in arrangements]
    return (
        col([a.kind for a in arrangements], np.int64),
        col([RULE_CODES[type(a.rule)] for a in arrangements], np.int64),
        col(quota, float),
        col(seats, np.int64),
        col(veto, bool),
        col([a.parties_vote for a in arrangements], bool),
        # The NumPy engine forms this product in Python, before the arrays.
        col([rp.join_obligation * a.obligation for a in arrangements], float),
        col([a.ideal for a in arrangements], bool),
        col([a.military for a in arrangements], bool),
        col([a.sanctions for a in arrangements], bool),
        col([a.open for a in arrangements], bool),
        mat([a.permanent for a in arrangements]),
        mat([a.absent for a in arrangements]),
        mat([a.scope for a in arrangements]),
        col([a.obligation for a in arrangements], float),
    )
