"""The compiled engine: the same yearly phases, one replication at a time, in numba.

:func:`run_batch_compiled` gives the same numbers as :func:`collsec.engine.run_batch`,
bit for bit, for runs that keep no crisis log (sweeps, experiments, the
benchmark, summary runs): the per-year metrics, the final states and, when
asked, the per-state detail. It runs each replication's whole horizon in one
compiled call, so the cost per simulated year is arithmetic, not the NumPy
engine's per-call overhead (docs/performance.md).

How "bit for bit" is kept, and what would break it:

- **Draws.** Each replication draws from its own ``numpy.random.Generator``
  inside the compiled code (numba shares the generator's state with Python),
  in the NumPy engine's order: ``6 x n`` uniforms at the start of each year,
  then ``6 x n`` per attack of the year, before any is resolved.
- **Arithmetic.** Every expression keeps the NumPy engine's order of
  operations (no fast-math, so no reassociation or fused multiply-add);
  parameter products that the NumPy engine forms in Python are formed in
  Python here too. The normal quantile and distribution functions are scipy's
  own (``scipy.special.cython_special``), not re-implementations.
- **Sums.** NumPy adds the elements of a contiguous row pairwise (eight
  accumulators, blocks of 128); :func:`_psum` follows that algorithm. Products
  and maxima are taken in order, as NumPy does.
- **Elementary functions.** NumPy's ``exp`` and ``log`` call the C library on
  CPUs without AVX-512; on CPUs with it NumPy uses its own SIMD versions,
  which may differ in the last bit, so the two engines then agree only in
  distribution (:func:`numpy_uses_own_math` says which; the bit-for-bit test
  skips there with that reason).

Each replication's numbers depend only on its own generator, so the result
is the same whatever the batch size or the number of threads.

The crisis log (with its diagnosis of O1-O5 and M1-M3 for every crisis) is
the NumPy engine's job: runs that keep it use :func:`collsec.engine.run_batch`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from collsec.arrangements import CD, CS, Arrangement
from collsec.engine import YEARLY_METRICS, BatchRecord
from collsec.rules import Automatic, Council, Majority, Unanimity
from collsec.scenario import Parameters
from collsec.state import DRAWS_PER_STATE, Batch
from collsec.world import World

try:  # numba is optional: ``pip install "collsec[fast]"``
    import llvmlite.binding
    import numba
    from numba import types
    from numba.extending import get_cython_function_address

    # scipy's own normal quantile and distribution functions, linked by symbol
    # name (not as ctypes pointers) so that the compiled code can be cached.
    for _name, _capi in (("ndtri", "ndtri"), ("ndtr", "__pyx_fuse_1ndtr")):
        llvmlite.binding.add_symbol(
            f"collsec_scipy_{_name}",
            get_cython_function_address("scipy.special.cython_special", _capi),
        )
    _SIG = types.float64(types.float64)
    _ndtri: Any = types.ExternalFunction("collsec_scipy_ndtri", _SIG)
    _ndtr: Any = types.ExternalFunction("collsec_scipy_ndtr", _SIG)
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - depends on the installation
    HAVE_NUMBA = False

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

_RULE_CODES: dict[type, int] = {Automatic: 0, Unanimity: 1, Majority: 2, Council: 3}
_M = {name: i for i, name in enumerate(YEARLY_METRICS)}


def numpy_uses_own_math() -> bool:
    """True if NumPy's ``exp``/``log`` use its own AVX-512 code on this CPU.

    There the compiled engine (which calls the C library) may differ from the
    NumPy engine in the last bit, and so, after a threshold, in a trajectory.
    """
    import importlib

    try:
        umath = importlib.import_module("numpy._core._multiarray_umath")
    except ImportError:  # pragma: no cover - numpy 1.x
        umath = importlib.import_module("numpy.core._multiarray_umath")
    feats: dict[str, bool] = getattr(umath, "__cpu_features__", {})
    return bool(feats.get("AVX512F", False) or feats.get("AVX512_SKX", False))


class _P(NamedTuple):
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


def _pack(params: Parameters) -> _P:
    g, a, ag, r, w, lp = (
        params.growth,
        params.arming,
        params.aggression,
        params.response,
        params.war,
        params.learning,
    )
    return _P(
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
    )


MAX_STATES = 3600
"""Longest row the compiled engine sums in NumPy's order (``_pw5``'s limit)."""


def is_ready() -> bool:
    """True if the compiled engine starts without compiling first.

    It is ready once compiled in this process, or when numba's disk cache
    holds it for this source (the first compilation takes a minute or two).
    Read from numba's cache internals; if they change, the answer is False.
    """
    if not HAVE_NUMBA:
        return False
    if _run.signatures:
        return True
    dispatcher: Any = _run
    try:
        return bool(dispatcher._cache._cache_file._load_index())
    except Exception:  # pragma: no cover - numba internals
        return False


def warm() -> None:
    """Compile the engine now (or load it from the disk cache)."""
    from collsec.api import make_world
    from collsec.arrangements import arrangements_for_regime
    from collsec.scenario import load_scenario

    sc = load_scenario("default")
    world = make_world(sc, 0)
    gens = [np.random.default_rng(0)]
    run_batch_compiled(world, arrangements_for_regime(sc, world, "as_specified"), sc.params, gens,
                       0, 2)  # fmt: skip


def supports(arrangements: list[Arrangement], n: int = 0) -> bool:
    """True if the compiled engine can run these arrangements on ``n`` states."""
    return HAVE_NUMBA and n <= MAX_STATES and all(type(a.rule) in _RULE_CODES for a in arrangements)


# --------------------------------------------------------------------------- kernels

if HAVE_NUMBA:
    _jit = numba.njit(nogil=True, cache=True, error_model="numpy")
    # Helpers are inlined into their callers at numba's level: a call that
    # passes arrays costs two atomic reference-count updates per array, which
    # otherwise dominate the run time.
    _inline = numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")

    @_inline
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

    @_jit
    def _pw1(a: Any, s: int, n: int) -> float:
        if n <= 128:
            return _pw0(a, s, n)
        n2 = n // 2 - (n // 2) % 8
        return _pw0(a, s, n2) + _pw0(a, s + n2, n - n2)

    @_jit
    def _pw2(a: Any, s: int, n: int) -> float:
        if n <= 240:
            return _pw1(a, s, n)
        n2 = n // 2 - (n // 2) % 8
        return _pw1(a, s, n2) + _pw1(a, s + n2, n - n2)

    @_jit
    def _pw3(a: Any, s: int, n: int) -> float:
        if n <= 464:
            return _pw2(a, s, n)
        n2 = n // 2 - (n // 2) % 8
        return _pw2(a, s, n2) + _pw2(a, s + n2, n - n2)

    @_jit
    def _pw4(a: Any, s: int, n: int) -> float:
        if n <= 912:
            return _pw3(a, s, n)
        n2 = n // 2 - (n // 2) % 8
        return _pw3(a, s, n2) + _pw3(a, s + n2, n - n2)

    @_jit
    def _pw5(a: Any, s: int, n: int) -> float:
        if n <= 1808:
            return _pw4(a, s, n)
        n2 = n // 2 - (n // 2) % 8
        return _pw4(a, s, n2) + _pw4(a, s + n2, n - n2)

    @_inline
    def _psum(a: Any) -> float:
        """``a.sum()`` for a contiguous 1-d float array, in NumPy's order."""
        n = a.shape[0]
        return 0.0 + (_pw0(a, 0, n) if n <= 128 else _pw5(a, 0, n))

    @_inline
    def _normal(u: float) -> float:
        return _ndtri(min(max(u, 1e-12), 1.0 - 1e-12))

    @_inline
    def _win(attack: float, defence: float, g: float) -> float:
        ratio = max(defence, 1e-300) / max(attack, 1e-300)
        # NumPy's ``array ** scalar`` takes these exponents by a cheaper route.
        if g == 2.0:
            pw = ratio * ratio
        elif g == 0.5:
            pw = np.sqrt(ratio)
        elif g == 1.0:
            pw = ratio
        else:
            pw = ratio**g
        return 1.0 / (1.0 + pw)

    @_inline
    def _utility(
        P: Any, attack: float, defence: float, own: float, target: float, sim: float
    ) -> float:
        p = _win(attack, defence, P.decisiveness)
        gain = P.conquest_share * (1.0 - P.dissimilarity_weight * sim) * target / own
        return (
            p * gain
            - (1.0 - p) * P.defeat_penalty
            - P.war_cost * 2.0 * defence / max(attack + defence, 1e-300)
        )

    @_inline
    def _at_least(p: Any, voters: Any, need: float, tmp: Any, tmp2: Any) -> float:
        n = p.shape[0]
        for i in range(n):
            tmp[i] = p[i] if voters[i] else 0.0
        mu = _psum(tmp)
        for i in range(n):
            tmp2[i] = tmp[i] * (1.0 - tmp[i])
        var = _psum(tmp2)
        z = (mu - need + 0.5) / np.sqrt(var + 1e-9)
        return 1.0 if need <= 0 else _ndtr(z)

    @_inline
    def _log_all_yes(p: Any, voters: Any, tmp: Any) -> float:
        for i in range(p.shape[0]):
            tmp[i] = np.log(min(max(p[i], 1e-300), 1.0)) if voters[i] else 0.0
        return _psum(tmp)

    @_jit
    def _assess(
        P: Any,
        W: Any,
        A: Any,
        S: Any,
        X: Any,
        agg: int,
        vic: int,
        keys: Any,
    ) -> None:
        """One crisis' assessment into the scratch ``X`` (``phases.response.assess``)."""
        cap = S[0]
        arms = S[1]
        alive = S[3]
        busy = S[4]
        member = S[5]
        cred = S[6]
        reach = W[0]
        affinity = W[4]
        doctrine = W[6]
        kind = A[0]
        rule = A[1]
        quota = A[2]
        seats = A[3]
        veto = A[4]
        parties_vote = A[5]
        obligation_term = A[6]
        ideal = A[7]
        permanent = A[11]
        absent = A[12]
        scope = A[13]
        n = cap.shape[0]
        k = member.shape[0]
        x_able = X.able
        x_covers = X.covers
        x_keys = X.keys
        x_logit_common = X.logit_common
        x_margin = X.margin
        x_mask = X.mask
        x_members = X.members
        x_p_des = X.p_des
        x_p_join = X.p_join
        x_p_yes = X.p_yes
        x_power = X.power
        x_t1 = X.t1
        x_t2 = X.t2
        x_voters = X.voters
        x_will = X.will
        power = x_power
        margin = x_margin
        p_yes = x_p_yes
        for i in range(n):
            power[i] = cap[i] * arms[i] if alive[i] else 0.0
            margin[i] = affinity[i, vic] - affinity[i, agg]
            if P.vote_noise > 0:
                p_yes[i] = _ndtr((margin[i] + P.vote_bias) / P.vote_noise)
            else:
                p_yes[i] = 1.0 if margin[i] + P.vote_bias > 0 else 0.0
        p_yes[agg] = 0.0
        p_yes[vic] = 1.0
        a_pow = power[agg]
        v_pow = power[vic]
        # The common part of each member's log-odds, worked out only for the
        # members able to act (only their chances are ever used); NaN: not yet.
        logit_common = x_logit_common
        for i in range(n):
            logit_common[i] = np.nan
        need = max(P.force_margin * a_pow - v_pow, 1e-12)
        t1 = x_t1
        t2 = x_t2
        for j in range(k):
            v_in = member[j, vic]
            a_in = member[j, agg]
            if kind[j] == CS:
                x_covers[j] = v_in or scope[j, vic]
            elif kind[j] == CD:
                x_covers[j] = v_in and not a_in
            else:
                x_covers[j] = False
            vj = x_voters[j]
            mj = x_members[j]
            bj = x_able[j]
            for i in range(n):
                party = i in (agg, vic)
                m_all = member[j, i] and alive[i]
                mj[i] = m_all and not party
                bj[i] = mj[i] and not absent[j, i] and not busy[i] and reach[i, vic]
                base = m_all and not absent[j, i]
                if not parties_vote[j]:
                    base = base and not party
                vj[i] = base
            if rule[j] == 3:
                n_perm = 0
                for i in range(n):
                    if vj[i] and permanent[j, i]:
                        n_perm += 1
                free_seats = max(seats[j] - n_perm, 0)
                # The free seats go to the eligible non-permanent members with the lowest keys.
                n_elig = 0
                for i in range(n):
                    if vj[i] and not permanent[j, i]:
                        x_keys[n_elig] = keys[i]
                        n_elig += 1
                kth = np.inf
                if free_seats > 0 and free_seats <= n_elig:
                    srt = np.sort(x_keys[:n_elig])
                    kth = srt[free_seats - 1]
                for i in range(n):
                    if vj[i] and not permanent[j, i]:
                        vj[i] = free_seats > 0 and keys[i] <= kth
            # Designation probability (rules.<Rule>.probability).
            n_vote = 0
            for i in range(n):
                if vj[i]:
                    n_vote += 1
            r = rule[j]
            if r == 0:
                pd = 1.0
            elif r == 1:
                pd = np.exp(_log_all_yes(p_yes, vj, t1)) if n_vote > 0 else 0.0
            elif r == 2:
                nd = np.ceil(quota[j] * n_vote - 1e-9)
                pd = _at_least(p_yes, vj, nd, t1, t2) if n_vote > 0 else 0.0
            else:
                nd = np.ceil(quota[j] * min(n_vote, seats[j]) / seats[j] - 1e-9)
                if veto[j]:
                    vp = x_mask
                    n_vp = 0
                    for i in range(n):
                        vp[i] = vj[i] and permanent[j, i]
                        if vp[i]:
                            n_vp += 1
                    p_perm = np.exp(_log_all_yes(p_yes, vp, t1))
                    for i in range(n):
                        vp[i] = vj[i] and not permanent[j, i]
                    pd = _at_least(p_yes, vp, nd - n_vp, t1, t2) * p_perm
                else:
                    pd = _at_least(p_yes, vj, nd, t1, t2)
                if n_vote == 0:
                    pd = 0.0
            if P.find_when_needed > 0 and not v_pow < P.force_margin * a_pow:
                pd = 0.0
            x_p_des[j] = pd
            # Participation (phases.response.assess; rules.<Doctrine>.chance).
            will = x_will
            pj = x_p_join[j]
            if ideal[j]:
                for i in range(n):
                    pj[i] = 1.0 if bj[i] else 0.0
                continue
            cred_term = P.join_credibility * cred[j]
            for i in range(n):
                if not bj[i]:
                    t1[i] = 0.0
                    continue
                if np.isnan(logit_common[i]):
                    lr = np.log(max(a_pow, 1e-12) / max(power[i], 1e-12))
                    if not lr > 0:
                        lr = P.join_cost_gain * lr
                    logit_common[i] = (P.join_base + P.join_affinity * margin[i]) - P.join_cost * lr
                lg = min(max(logit_common[i] + obligation_term[j] + cred_term, -30.0), 30.0)
                will[i] = 1.0 / (1.0 + np.exp(-lg))
                t1[i] = will[i] * power[i]
            wins = (_psum(t1) + v_pow) >= P.force_margin * a_pow
            for i in range(n):
                if not bj[i]:
                    continue
                d = doctrine[i]
                if d == 1:
                    will[i] = 1.0
                elif d == 2:
                    will[i] = 1.0 if (margin[i] > 0 and wins) else 0.0
                t1[i] = will[i] * power[i]
            total = _psum(t1)
            for i in range(n):
                if not bj[i]:
                    pj[i] = 0.0
                    continue
                if doctrine[i] != 1:
                    others = total - t1[i]
                    damp = 1.0 - P.free_riding * min(max(others / need, 0.0), 1.0)
                    will[i] = will[i] * damp
                pj[i] = will[i]

    @_jit
    def _respond_and_fight(
        P: Any,
        W: Any,
        A: Any,
        S: Any,
        X: Any,
        agg: int,
        vic: int,
        uu: Any,
        out: Any,
    ) -> None:
        """Sides, response and war of one crisis (``engine.clash``), then sanctions,
        learning and the year's metrics (``engine._resolve_attacks``)."""
        cap = S[0]
        revis = S[2]
        alive = S[3]
        busy = S[4]
        member = S[5]
        cred = S[6]
        sanction_left = S[7]
        sanction_pen = S[8]
        reach = W[0]
        weak = W[7]
        rule = A[1]
        quota = A[2]
        seats = A[3]
        veto = A[4]
        ideal = A[7]
        military = A[8]
        sanctions = A[9]
        permanent = A[11]
        n = cap.shape[0]
        k = member.shape[0]
        x_able = X.able
        x_attackers = X.attackers
        x_covers = X.covers
        x_defenders = X.defenders
        x_designated = X.designated
        x_free = X.free
        x_helps = X.helps
        x_joiners = X.joiners
        x_margin = X.margin
        x_members = X.members
        x_p_join = X.p_join
        x_power = X.power
        x_sanctioners = X.sanctioners
        x_t1 = X.t1
        x_t2 = X.t2
        x_voters = X.voters
        x_yes = X.yes
        power = x_power
        margin = x_margin
        t1 = x_t1
        # Sides: like-minded free states within reach help either side (C6, C7).
        free = x_free
        helps = x_helps
        attackers = x_attackers
        for i in range(n):
            free[i] = alive[i] and not busy[i] and reach[i, vic] and i != agg and i != vic
            helps[i] = uu[2, i] < P.adhoc_support
            attackers[i] = (free[i] and helps[i] and margin[i] <= -P.adhoc_affinity) or i == agg
        for i in range(n):
            t1[i] = power[i] if attackers[i] else 0.0
        aggressor_side = _psum(t1)
        # Response (phases.response.respond).
        yes = x_yes
        for i in range(n):
            z = _ndtri(min(max(uu[0, i], 1e-12), 1 - 1e-12))
            yes[i] = margin[i] + P.vote_bias + P.vote_noise * z > 0
        yes[agg] = False
        yes[vic] = True
        joiners = x_joiners
        sanctioners = x_sanctioners
        for i in range(n):
            joiners[i] = False
            sanctioners[i] = False
        mil_ok = False
        san_ok = False
        # Measures (and, with find_when_needed, findings) only where the
        # victim alone cannot meet the aggressor's side.
        needed = power[vic] < P.force_margin * aggressor_side
        for j in range(k):
            vj = x_voters[j]
            r = rule[j]
            n_vote = 0
            n_yes = 0
            perm_no = False
            for i in range(n):
                if vj[i]:
                    n_vote += 1
                    if yes[i]:
                        n_yes += 1
                    elif permanent[j, i]:
                        perm_no = True
            if r == 0:
                d = True
            elif r == 1:
                d = n_vote > 0 and n_yes == n_vote
            elif r == 2:
                d = n_vote > 0 and n_yes >= np.ceil(quota[j] * n_vote - 1e-9)
            else:
                nd = np.ceil(quota[j] * min(n_vote, seats[j]) / seats[j] - 1e-9)
                d = n_vote > 0 and n_yes >= nd
                if veto[j] and perm_no:
                    d = False
            d = d and x_covers[j]
            if P.find_when_needed > 0:
                d = d and needed
            x_designated[j] = d
            if d:
                pj = x_p_join[j]
                for i in range(n):
                    if uu[1, i] < pj[i]:
                        joiners[i] = True
                if military[j]:
                    mil_ok = True
                if sanctions[j]:
                    san_ok = True
                    mj = x_members[j]
                    for i in range(n):
                        if mj[i] and yes[i]:
                            sanctioners[i] = True
        any_join = False
        for i in range(n):
            t1[i] = power[i] if joiners[i] else 0.0
            any_join = any_join or joiners[i]
        coalition = _psum(t1)
        is_military = (
            mil_ok
            and needed
            and any_join
            and (coalition + power[vic] >= P.force_margin * aggressor_side)
        )
        for i in range(n):
            t1[i] = cap[i] if alive[i] else 0.0
        world_cap = _psum(t1)
        world_cap_s = max(world_cap, 1e-300)
        for i in range(n):
            t1[i] = cap[i] if sanctioners[i] else 0.0
        weight = _psum(t1) / world_cap_s
        is_sanctions = san_ok and needed and not is_military and weight > 0
        sanction_weight = weight if is_sanctions else 0.0
        # Defenders: the coalition (if it fights) and like-minded ad hoc helpers.
        defenders = x_defenders
        for i in range(n):
            jn = joiners[i] and is_military
            joiners[i] = jn
            adhoc = free[i] and helps[i] and margin[i] >= P.adhoc_affinity and not jn
            defenders[i] = (jn or adhoc) and not attackers[i]
        defenders[vic] = True
        # War (phases.war.fight).
        for i in range(n):
            t1[i] = power[i] if attackers[i] else 0.0
        att = _psum(t1) * (1.0 - P.sanction_war_effect * sanction_weight)
        for i in range(n):
            t1[i] = power[i] if defenders[i] else 0.0
        dfn = _psum(t1)
        won = uu[4, 0] < _win(att, dfn, P.decisiveness)
        z = _ndtri(min(max(uu[4, 1], 1e-12), 1 - 1e-12))
        intensity = np.exp(P.intensity_sigma * z - P.half_sigma2)
        total = max(att + dfn, 1e-300)
        loss_att = min(max(P.loss_rate * intensity * 2.0 * dfn / total, 0.0), 0.9)
        loss_def = min(max(P.loss_rate * intensity * 2.0 * att / total, 0.0), 0.9)
        world_cap_w = max(world_cap, 1e-300)
        lost = x_t2
        for i in range(n):
            frac = (loss_att if attackers[i] else 0.0) + (loss_def if defenders[i] else 0.0)
            lost[i] = cap[i] * frac
        severity = _psum(lost) / world_cap_w
        for i in range(n):
            cap[i] = cap[i] - lost[i]
        c_a = cap[agg]
        c_v = cap[vic]
        take = P.conquest_share * c_v if won else 0.0
        pay = 0.0 if won else P.reparations * c_a
        c_a = c_a + take - pay
        c_v = c_v - take + pay
        died = won and (c_v <= P.absorb_ratio * c_a)
        if died:
            c_a = c_a + c_v
            c_v = 0.0
        cap[agg] = c_a
        cap[vic] = c_v
        alive[vic] = not died
        if died:
            for j in range(k):
                member[j, vic] = False
        q = revis[agg]
        revis[agg] = q + P.embolden * (1.0 - q) if won else q * (1.0 - P.policy_change)
        for i in range(n):
            busy[i] = busy[i] or attackers[i] or defenders[i]
        # Sanctions on the aggressor.
        if is_sanctions:
            sanction_left[agg] = int(P.sanction_years)
            sanction_pen[agg] = P.sanction_penalty * sanction_weight
        # Learning (phases.learning.learn).
        if k > 0:
            for j in range(k):
                des = x_designated[j]
                if is_military and des:
                    record = 1.0
                elif is_sanctions and des:
                    record = P.sanction_credit
                else:
                    record = 0.0
                if x_covers[j] and needed:
                    cred[j] = cred[j] + P.credibility_rate * (record - cred[j])
            for j in range(k):
                des = x_designated[j]
                undefended = (
                    x_covers[j] and needed and not (is_military or is_sanctions) and not ideal[j]
                )
                v_member = member[j, vic]
                leave_v = v_member and undefended and uu[3, vic] < P.exit_undefended
                a_member = member[j, agg]
                leave_a = a_member and des and not ideal[j] and uu[3, agg] < P.exit_designated
                member[j, vic] = v_member and not leave_v
                member[j, agg] = member[j, agg] and not leave_a
        # The year's metrics (engine.YEARLY_METRICS).
        covered = False
        designated_any = False
        for j in range(k):
            covered = covered or x_covers[j]
            designated_any = designated_any or x_designated[j]
        n_asked = 0
        n_joined = 0
        n_coalition = 0
        for i in range(n):
            asked = False
            pmax = 0.0
            for j in range(k):
                if x_designated[j] and x_able[j, i]:
                    asked = True
                pmax = max(pmax, x_p_join[j, i])
            if asked:
                n_asked += 1
                if uu[1, i] < pmax:
                    n_joined += 1
            if joiners[i]:
                n_coalition += 1
        out[0] = 1.0  # wars
        out[1] = 0.0 if won else 1.0  # reversed
        out[2] = 1.0 if died else 0.0  # deaths
        out[3] = 1.0 if (died and weak[vic]) else 0.0  # weak deaths
        out[4] = severity
        out[5] = n_coalition
        out[6] = 1.0 if is_military else 0.0
        out[7] = 1.0 if is_sanctions else 0.0
        out[8] = 1.0 if covered else 0.0
        out[9] = 1.0 if designated_any else 0.0
        out[10] = n_asked
        out[11] = n_joined

    @_jit
    def _foresee(P: Any, X: Any, S: Any, agg: int, vic: int, perceived: float, best: float,
                 similarity: Any, sanctions: Any, military: Any) -> float:  # fmt: skip
        """The aggressor's utility with the arrangements (``phases.aggression.decide``)."""
        cap = S[0]
        alive = S[3]
        member = S[5]
        n = cap.shape[0]
        k = member.shape[0]
        x_covers = X.covers
        x_members = X.members
        x_p_des = X.p_des
        x_p_join = X.p_join
        x_p_yes = X.p_yes
        x_power = X.power
        x_t1 = X.t1
        x_t2 = X.t2
        power = x_power
        joins = x_t2
        for i in range(n):
            prod = 1.0
            for j in range(k):
                cov = 1.0 if x_covers[j] else 0.0
                if P.foresee_force_only > 0 and not military[j]:
                    cov = 0.0  # its joiners never fight (respond)
                prod = prod * (1.0 - cov * x_p_des[j] * x_p_join[j, i])
            joins[i] = 1.0 - prod
        prod = 1.0
        for i in range(n):
            prod = prod * (1.0 - joins[i])
        q = 1.0 - prod
        t1 = x_t1
        for i in range(n):
            t1[i] = joins[i] * power[i]
        coalition = _psum(t1) / max(q, 1e-300) if q > 0 else 0.0
        for i in range(n):
            t1[i] = cap[i] if alive[i] else 0.0
        world_cap = _psum(t1)
        esw = 0.0
        if k > 0:
            esw = -np.inf
            for j in range(k):
                mj = x_members[j]
                for i in range(n):
                    t1[i] = ((1.0 if mj[i] else 0.0) * x_p_yes[i]) * cap[i]
                yes_cap = _psum(t1)
                cov = 1.0 if x_covers[j] else 0.0
                san = 1.0 if sanctions[j] else 0.0
                w = cov * x_p_des[j] * san * yes_cap / world_cap
                esw = max(esw, w)
        sanction_cost = esw * P.sanction_penalty * P.sanction_years
        against = _utility(
            P, perceived, power[vic] + coalition, cap[agg], cap[vic], similarity[agg, vic]
        )
        return (1.0 - q) * best + q * against - sanction_cost

    @_jit
    def _run(P: Any, W: Any, A: Any, S: Any, X: Any, g: Any, years: int, yearly: Any,
             st_cap: Any, st_arms: Any, st_alive: Any, keep_states: bool) -> None:  # fmt: skip
        """Run one replication's years (every phase of ``engine.run_batch``)."""
        cap = S[0]
        arms = S[1]
        revis = S[2]
        alive = S[3]
        busy = S[4]
        member = S[5]
        cred = S[6]
        sanction_left = S[7]
        sanction_pen = S[8]
        reach = W[0]
        reach_in = W[1]
        hostility_in = W[2]
        similarity = W[3]
        drift = W[5]
        sim_t = W[8]
        kind = A[0]
        ideal = A[7]
        open_ = A[10]
        scope = A[13]
        n = cap.shape[0]
        k = member.shape[0]
        x_att_agg = X.att_agg
        x_att_key = X.att_key
        x_att_vic = X.att_vic
        x_gathered = X.gathered
        x_helpers = X.helpers
        x_mask = X.mask
        obligation = A[14]
        x_out = X.out
        x_padded = X.padded
        x_power = X.power
        x_support = X.support
        x_t1 = X.t1
        x_t2 = X.t2
        x_threat = X.threat
        x_u = X.u
        for t in range(years):
            # One call per block of draws: each call to the generator costs more
            # than the number it returns.
            u = g.random(x_u.shape)
            n_alive = 0
            for i in range(n):
                busy[i] = False
                if alive[i]:
                    n_alive += 1
            yearly[0, t] = n_alive
            # Growth (phases.growth.grow).
            for i in range(n):
                sanctioned = sanction_left[i] > 0
                rate = (
                    P.g_mean
                    + drift[i]
                    - P.g_arms_cost * arms[i]
                    - (sanction_pen[i] if sanctioned else 0.0)
                    + P.g_noise * _normal(u[0, i])
                )
                if alive[i]:
                    cap[i] = cap[i] * np.exp(rate)
                sanction_left[i] = sanction_left[i] - 1 if sanctioned else 0
            # Arming (phases.arming.arm).
            power = x_power
            padded = x_padded
            for i in range(n):
                power[i] = cap[i] * arms[i] if alive[i] else 0.0
                padded[i] = power[i]
            padded[n] = 0.0
            support = x_support
            for i in range(n):
                support[i] = 0.0
            helpers = x_helpers
            gathered = x_gathered
            dmax = reach_in.shape[1]
            for j in range(k):
                for i in range(n):
                    helpers[i] = power[i] if (member[j, i] and alive[i]) else 0.0
                helpers[n] = 0.0
                weight = cred[j] * obligation[j]
                for i in range(n):
                    for d in range(dmax):
                        gathered[d] = helpers[reach_in[i, d]]
                    reachable = _psum(gathered)
                    mem = member[j, i] and alive[i]
                    covered_i = mem or (scope[j, i] and kind[j] == CS)
                    support[i] += weight * reachable if covered_i else 0.0
            threat = x_threat
            for i in range(n):
                hostile = padded[reach_in[i, 0]] * hostility_in[i, 0]
                for d in range(1, dmax):
                    hostile = max(hostile, padded[reach_in[i, d]] * hostility_in[i, d])
                own = power[i] + support[i]
                threat[i] = hostile / max(own, 1e-12)
                excess = np.log(max(threat[i], 1e-12) / P.a_tolerance)
                up = P.a_response * max(excess, 0.0) * (P.a_max - arms[i])
                down = P.a_decay * (arms[i] - P.a_min)
                if alive[i]:
                    arms[i] = min(max(arms[i] + up - down, P.a_min), P.a_max)
            t1 = x_t1
            for i in range(n):
                t1[i] = arms[i] if alive[i] else 0.0
            yearly[14, t] = _psum(t1) / max(n_alive, 1)
            # Aggression (phases.aggression.decide).
            for i in range(n):
                power[i] = cap[i] * arms[i] if alive[i] else 0.0
            n_att = 0
            for a in range(n):
                if not (alive[a] and not busy[a] and u[1, a] < P.opportunity * revis[a]):
                    continue
                perceived = power[a] * np.exp(P.misperception * _normal(u[2, a]))
                own_cap = cap[a]
                best = -np.inf
                victim = 0
                first = True
                for j in range(n):
                    if reach[a, j] and alive[j]:
                        e = _utility(P, perceived, power[j], own_cap, cap[j], similarity[a, j])
                    else:
                        e = -np.inf
                    if first or e > best:
                        best = e
                        victim = j
                        first = False
                if not (np.isfinite(best) and best > P.threshold):
                    continue
                _assess(P, W, A, S, X, a, victim, u[5])
                with_arr = _foresee(P, X, S, a, victim, perceived, best, similarity, A[9], A[8])
                if with_arr > P.threshold:
                    x_att_agg[n_att] = a
                    x_att_vic[n_att] = victim
                    x_att_key[n_att] = u[3, a]
                    n_att += 1
                else:
                    yearly[2, t] += 1.0
            # The attacks, one after another in the order of their keys.
            if n_att > 0:
                order = np.argsort(x_att_key[:n_att], kind="mergesort")
                ua = g.random((n_att, x_u.shape[0], n))
                out = x_out
                for c in range(n_att):
                    a = x_att_agg[order[c]]
                    v = x_att_vic[order[c]]
                    if not (alive[a] and alive[v] and not busy[a] and not busy[v]):
                        continue
                    _assess(P, W, A, S, X, a, v, u[5])
                    _respond_and_fight(P, W, A, S, X, a, v, ua[c], out)
                    for m in range(12):
                        yearly[1 + m + (1 if m > 0 else 0), t] += out[m]
            # Entry (phases.learning.enter).
            close = x_t1
            for j in range(k):
                if not open_[j] or ideal[j]:
                    continue
                rate = P.join_rate * cred[j]
                cnt = 0
                if kind[j] == CD:
                    for i in range(n):
                        if member[j, i]:
                            cnt += 1
                    t2 = x_t2
                    for i in range(n):
                        for m in range(n):
                            t2[m] = sim_t[i, m] if member[j, m] else 0.0
                        close[i] = _psum(t2) / max(cnt, 1)
                for i in range(n):
                    want = (
                        alive[i]
                        and threat[i] > P.a_tolerance
                        and not member[j, i]
                        and u[4, i] < rate
                    )
                    if kind[j] == CD:
                        want = want and close[i] >= P.min_similarity
                    x_mask[i] = want
                for i in range(n):
                    member[j, i] = member[j, i] or x_mask[i]
            if keep_states:
                st_cap[t] = cap
                st_arms[t] = arms
                st_alive[t] = alive


if HAVE_NUMBA:

    @_jit
    def _run_many(P: Any, W: Any, A: Any, X: Any, gens: Any, lo: int, hi: int, years: int,
                  cap: Any, arms: Any, revis: Any, alive: Any, busy: Any, member: Any, cred: Any,
                  sanction_left: Any, sanction_pen: Any, yearly: Any, st_cap: Any, st_arms: Any,
                  st_alive: Any, keep_states: bool) -> None:  # fmt: skip
        """Run replications ``lo`` to ``hi - 1``, each from its own generator."""
        for i in range(lo, hi):
            S = (cap[i], arms[i], revis[i], alive[i], busy[i], member[i], cred[i],
                 sanction_left[i], sanction_pen[i])  # fmt: skip
            _run(P, W, A, S, X, gens[i], years, yearly[i], st_cap[i], st_arms[i], st_alive[i],
                 keep_states)  # fmt: skip


class _Scratch(NamedTuple):
    u: FloatArray
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


def _scratch(n: int, k: int, dmax: int) -> _Scratch:
    f = np.zeros
    return _Scratch(
        u=f((DRAWS_PER_STATE, n)),
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
        out=f(12),
    )


def _world_arrays(b: Batch) -> tuple[np.ndarray, ...]:
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
    )


def _arrangement_arrays(
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
        col([_RULE_CODES[type(a.rule)] for a in arrangements], np.int64),
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


def run_batch_compiled(
    world: World,
    arrangements: list[Arrangement],
    params: Parameters,
    gens: list[np.random.Generator],
    first: int,
    years: int,
    *,
    keep_states: bool = False,
    on_year: Callable[[int], None] | None = None,
    threads: int = 1,
) -> BatchRecord:
    """Run a batch of replications with the compiled engine (no crisis log).

    Parameters are those of :func:`collsec.engine.run_batch`; ``threads``
    replications run at once (the results do not depend on it). ``on_year``
    is called with the replication-years done as each replication finishes.

    Raises
    ------
    RuntimeError
        If numba is not installed, or an arrangement's rule is not one the
        compiled engine implements (:func:`supports`).
    """
    if not supports(arrangements, world.n):
        raise RuntimeError(
            f"the compiled engine needs numba, the four built-in rules and at most "
            f"{MAX_STATES} states"
        )
    r, n, k = len(gens), world.n, len(arrangements)
    # The NumPy engine's year 0 and static arrays; the compiled calls update
    # the batch's arrays in place, one replication's rows at a time.
    b = Batch.start(world, arrangements, params, gens)
    P = _pack(params)
    W = _world_arrays(b)
    A = _arrangement_arrays(arrangements, params, n)
    dmax = world.reach_in.shape[1]
    cap, arms, revis, alive, busy = b.cap, b.arms, b.revis, b.alive, b.busy
    member, cred, sanction_left, sanction_pen = b.member, b.cred, b.sanction_left, b.sanction_pen
    yearly = np.zeros((r, len(YEARLY_METRICS), years))
    if keep_states:
        st_cap = np.zeros((r, years, n))
        st_arms = np.zeros((r, years, n))
        st_alive = np.zeros((r, years, n), dtype=bool)
    else:
        st_cap = st_arms = np.zeros((r, 0, n))
        st_alive = np.zeros((r, 0, n), dtype=bool)

    typed_gens = numba.typed.List(gens)

    local = threading.local()

    def some(lo: int, hi: int) -> None:
        # Every scratch array is written before it is read, so a thread reuses
        # its own; a chunk of replications is one compiled call.
        X = getattr(local, "scratch", None)
        if X is None:
            X = local.scratch = _scratch(n, k, dmax)
        _run_many(P, W, A, X, typed_gens, lo, hi, years, cap, arms, revis, alive, busy, member,
                  cred, sanction_left, sanction_pen, yearly, st_cap, st_arms, st_alive,
                  keep_states)  # fmt: skip
        if on_year is not None:
            on_year(years * (hi - lo))

    # Python's cyclic garbage collector would otherwise walk numba's many
    # objects again and again while the calls allocate (about 10% of the run).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        # Chunks of replications: progress is reported per chunk, and the
        # threads' work is balanced by taking chunks in turn.
        chunk = max(1, min(16, r // (16 * threads)))
        starts = range(0, r, chunk)
        if threads > 1 and r > 1:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(lambda lo: some(lo, min(lo + chunk, r)), starts))
        else:
            for lo in starts:
                some(lo, min(lo + chunk, r))
    finally:
        if was_enabled:
            gc.enable()
    states: dict[str, np.ndarray] = {}
    if keep_states:
        states = {"cap": st_cap, "arms": st_arms, "alive": st_alive}
    return BatchRecord(
        replications=np.arange(first, first + r, dtype=np.int64),
        yearly={m: np.ascontiguousarray(yearly[:, i, :]) for m, i in _M.items()},
        crises={},
        final_alive=alive,
        final_cap=cap,
        final_arms=arms,
        states=states,
    )
