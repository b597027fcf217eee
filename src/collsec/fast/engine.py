"""The compiled engine's yearly loop: the twin of :mod:`collsec.engine`.

:func:`run_batch_compiled` runs a batch of replications, each over its whole
horizon in compiled code, a chunk of replications per call, chunks spread over
threads. The yearly order is the NumPy engine's: growth, arming, aggression
(with deterrence), then the attacks one after another in the order of their
keys (:func:`clash`: sides, response, war, sanctions, learning), then entry.

Draws: each replication draws from its own ``numpy.random.Generator``, in the
NumPy engine's order: ``6 x n`` uniforms at the start of each year, then
``6 x n`` per attack of the year, before any is resolved. For a PCG64 (the
API's generators) the kernels step a copy of its state and write it back
(:mod:`collsec.fast.draws`); any other bit generator is called through
numba. So a replication's numbers depend only on its own generator, whatever
the batch size or the number of threads.

Arrays: :func:`run_many` borrows every array it is given
(:func:`collsec.fast.kernels.borrow`: no reference counts), and runs each
replication on the thread's own copy of its rows (``X.own_*``).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from collsec.arrangements import Arrangement
from collsec.engine import YEARLY_METRICS, BatchRecord
from collsec.fast._sum import MAX_STATES, psum
from collsec.fast.aggression import decide
from collsec.fast.arming import arm
from collsec.fast.arrays import RULE_CODES, arrangement_arrays, pack, scratch, world_arrays
from collsec.fast.diagnosis import crisis_frame, log_fought, new_log, room
from collsec.fast.draws import pcg64_all, pcg64_fill, pcg64_usable, read_states, write_states
from collsec.fast.growth import grow
from collsec.fast.kernels import HAVE_NUMBA, borrow, inline, jit
from collsec.fast.learning import enter, learn
from collsec.fast.response import assess, respond
from collsec.fast.war import fight
from collsec.scenario import Parameters
from collsec.seeds import LazyGenerators
from collsec.state import Batch
from collsec.world import World

_M = {name: i for i, name in enumerate(YEARLY_METRICS)}


def supports(arrangements: list[Arrangement], n: int = 0) -> bool:
    """True if the compiled engine can run these arrangements on ``n`` states."""
    return HAVE_NUMBA and n <= MAX_STATES and all(type(a.rule) in RULE_CODES for a in arrangements)


@inline
def draw(g: Any, out: Any) -> None:
    """Fill ``out`` from the generator: the numbers of ``g.random(out.shape)``,
    without allocating an array every year."""
    for r in range(out.shape[0]):
        for i in range(out.shape[1]):
            out[r, i] = g.random()


@inline
def sort_keys(keys: Any, m: int, order: Any) -> None:
    """``order[:m] = np.argsort(keys[:m], kind="mergesort")``: a stable
    insertion sort, allocation-free (a year has a handful of attacks)."""
    for i in range(m):
        order[i] = i
    for i in range(1, m):
        o = order[i]
        v = keys[o]
        j = i - 1
        while j >= 0 and keys[order[j]] > v:
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = o


@jit
def clash(P: Any, W: Any, A: Any, S: Any, X: Any, agg: int, vic: int, uu: Any, out: Any) -> None:
    """Sides, response and war of one crisis (``engine.clash``), then sanctions,
    learning and the crisis' share of the year's metrics in ``out``
    (``engine._resolve_attacks``). The crisis is assessed in ``X`` already."""
    alive = S[3]
    busy = S[4]
    sanction_left = S[7]
    sanction_pen = S[8]
    reach_t = W[9]
    weak = W[7]
    n = alive.shape[0]
    k = S[5].shape[0]
    x_able = X.able
    x_attackers = X.attackers
    x_covers = X.covers
    x_defenders = X.defenders
    x_designated = X.designated
    x_free = X.free
    x_helps = X.helps
    x_p_join = X.p_join
    power = X.power
    margin = X.margin
    t1 = X.t1
    # Sides: like-minded free states within reach help either side (C6, C7).
    free = x_free
    helps = x_helps
    attackers = x_attackers
    for i in range(n):
        free[i] = alive[i] and not busy[i] and reach_t[vic, i] and i != agg and i != vic
        helps[i] = uu[2, i] < P.adhoc_support
        attackers[i] = (free[i] and helps[i] and margin[i] <= -P.adhoc_affinity) or i == agg
    for i in range(n):
        t1[i] = power[i] if attackers[i] else 0.0
    aggressor_side = psum(t1)
    needed, is_military, is_sanctions, sanction_weight, world_cap = respond(
        P, A, S, X, agg, vic, uu, aggressor_side
    )
    joiners = X.joiners
    # Defenders: the coalition (if it fights) and like-minded ad hoc helpers.
    defenders = x_defenders
    for i in range(n):
        jn = joiners[i] and is_military
        joiners[i] = jn
        adhoc = free[i] and helps[i] and margin[i] >= P.adhoc_affinity and not jn
        defenders[i] = (jn or adhoc) and not attackers[i]
    defenders[vic] = True
    won, died, severity, att, dfn = fight(P, S, X, agg, vic, uu, sanction_weight, world_cap)
    # Sanctions on the aggressor.
    if is_sanctions:
        sanction_left[agg] = int(P.sanction_years)
        sanction_pen[agg] = P.sanction_penalty * sanction_weight
    # Learning (phases.learning.learn).
    if k > 0:
        learn(P, A, S, X, agg, vic, uu, needed, is_military, is_sanctions)
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
    out[12] = att  # the sides as fought, for the crisis log
    out[13] = dfn


@jit
def run(P: Any, W: Any, A: Any, S: Any, X: Any, g: Any, pcg: Any, use_pcg: bool, years: int,
        yearly: Any, st_cap: Any, st_arms: Any, st_alive: Any, keep_states: bool,
        keep_crises: bool, log: Any, n_log: int, rep: int) -> tuple[Any, int]:  # fmt: skip
    """Run one replication's years (every phase of ``engine.run_batch``).

    The uniforms come from the replication's PCG64 state ``pcg`` with
    ``use_pcg`` (:mod:`collsec.fast.draws`), else from its generator ``g``.

    With ``keep_crises``, its crises are appended to ``log`` from row
    ``n_log`` on; returns the log (grown if need be) and its rows.
    """
    cap = S[0]
    arms = S[1]
    alive = S[3]
    busy = S[4]
    n = cap.shape[0]
    u = X.u
    ua = X.ua
    order = X.order
    for t in range(years):
        if use_pcg:
            pcg64_fill(pcg, u)
        else:
            draw(g, u)
        n_alive = 0
        for i in range(n):
            busy[i] = False
            if alive[i]:
                n_alive += 1
        yearly[0, t] = n_alive
        grow(P, W, S, u[0])
        arm(P, W, A, S, X)
        t1 = X.t1
        for i in range(n):
            t1[i] = arms[i] if alive[i] else 0.0
        yearly[14, t] = psum(t1) / max(n_alive, 1)
        n_att, n_det, log, n_log, last = decide(P, W, A, S, X, u, keep_crises, log, n_log, rep,
                                                t)  # fmt: skip
        yearly[2, t] += n_det
        # The attacks, one after another in the order of their keys.
        if n_att > 0:
            sort_keys(X.att_key, n_att, order)
            out = X.out
            for c in range(n_att):
                # Attack c's block of draws, drawn before it is resolved: the
                # NumPy engine draws every attack's block at once, in this
                # order, and nothing else draws in between.
                if use_pcg:
                    pcg64_fill(pcg, ua)
                else:
                    draw(g, ua)
                a = X.att_agg[order[c]]
                v = X.att_vic[order[c]]
                if not (alive[a] and alive[v] and not busy[a] and not busy[v]):
                    continue
                # Until the first clash nothing has changed since the attacks
                # were decided: if this is the crisis assessed last then (the
                # year's only one, often), X holds its assessment already.
                if last != a * n + v:
                    assess(P, W, A, S, X, a, v, u[5])
                clash(P, W, A, S, X, a, v, ua, out)
                last = -1
                for m in range(12):
                    yearly[1 + m + (1 if m > 0 else 0), t] += out[m]
                if keep_crises:
                    log = room(log, n_log)
                    log_fought(P, W, A, S, X, log[n_log], rep, t, a, v)
                    n_log += 1
        enter(P, W, A, S, X, u[4])
        if keep_states:
            st_cap[t] = cap
            st_arms[t] = arms
            st_alive[t] = alive
    return log, n_log


@jit
def run_many(P: Any, W: Any, A: Any, X: Any, gens: Any, pcg: Any, use_pcg: bool, lo: int,
             hi: int, years: int,
             cap: Any, arms: Any, revis: Any, alive: Any, busy: Any, member: Any, cred: Any,
             sanction_left: Any, sanction_pen: Any, yearly: Any, st_cap: Any, st_arms: Any,
             st_alive: Any, keep_states: bool, keep_crises: bool,
             log: Any) -> tuple[Any, int]:  # fmt: skip
    """Run replications ``lo`` to ``hi - 1``, each from its own generator
    (``gens[lo:hi]``), on the chunk's own rows of the dynamic arrays (row 0 is
    replication ``lo``); return their crisis log and its rows (batch row in
    column 0)."""
    # Every array here outlives the call (the caller holds it): borrowed, so
    # that the kernels count no references (kernels.borrow). The crisis log
    # is not: it is reallocated as it grows.
    W = borrow(W)
    A = borrow(A)
    X = borrow(X)
    cap, arms, revis, alive, busy = borrow((cap, arms, revis, alive, busy))
    member, cred, sanction_left, sanction_pen = borrow((member, cred, sanction_left, sanction_pen))
    yearly, st_cap, st_arms, st_alive, pcg = borrow((yearly, st_cap, st_arms, st_alive, pcg))
    n_log = 0
    # Each replication runs on the thread's own copy of its rows (X.own_*),
    # copied back when it ends: the rows of two replications share cache
    # lines, and the next chunk's are another thread's.
    S = (X.own_cap, X.own_arms, X.own_revis, X.own_alive, X.own_busy, X.own_member,
         X.own_cred, X.own_sanction_left, X.own_sanction_pen)  # fmt: skip
    batch = (cap, arms, revis, alive, busy, member, cred, sanction_left, sanction_pen)
    for i in range(lo, hi):
        j = i - lo
        _rows(S, batch, j, True)
        X.own_pcg[:] = pcg[j]
        g = gens[0] if use_pcg else gens[i]  # with use_pcg the generators are not read
        # (a row of a borrowed array is an ordinary view: borrowed again)
        rows = borrow((yearly[:, j], st_cap[j], st_arms[j], st_alive[j]))
        log, n_log = run(P, W, A, S, X, g, X.own_pcg, use_pcg, years, rows[0], rows[1],
                         rows[2], rows[3], keep_states, keep_crises, log, n_log, i)  # fmt: skip
        _rows(S, batch, j, False)
        pcg[j] = X.own_pcg
    return log, n_log


@inline
def _rows(S: Any, batch: Any, j: int, into: bool) -> None:
    """Copy replication ``j``'s rows of the batch's arrays into ``S`` (``into``)
    or back."""
    if into:
        S[0][:] = batch[0][j]
        S[1][:] = batch[1][j]
        S[2][:] = batch[2][j]
        S[3][:] = batch[3][j]
        S[4][:] = batch[4][j]
        S[5][:, :] = batch[5][j]
        S[6][:] = batch[6][j]
        S[7][:] = batch[7][j]
        S[8][:] = batch[8][j]
    else:
        batch[0][j] = S[0]
        batch[1][j] = S[1]
        batch[2][j] = S[2]
        batch[3][j] = S[3]
        batch[4][j] = S[4]
        batch[5][j] = S[5]
        batch[6][j] = S[6]
        batch[7][j] = S[7]
        batch[8][j] = S[8]


def chunks(r: int, threads: int) -> list[tuple[int, int]]:
    """The chunks of replications, ``(lo, hi)``, in order: progress is reported
    per chunk, and threads balance their work by taking chunks in turn.

    On one thread, chunks of a sixteenth of the batch (at most 16). On
    several, each chunk is half of what is left per thread (at most 16),
    so chunks shrink toward the end and the threads finish together.
    """
    out = []
    lo = 0
    while lo < r:
        if threads > 1:
            size = max(1, min(16, (r - lo) // (2 * threads)))
        else:
            size = max(1, min(16, r // 16))
        out.append((lo, min(lo + size, r)))
        lo += size
    return out


def run_batch_compiled(
    world: World,
    arrangements: list[Arrangement],
    params: Parameters,
    gens: Sequence[np.random.Generator],
    first: int,
    years: int,
    *,
    keep_crises: bool = True,
    keep_states: bool = False,
    on_year: Callable[[int], None] | None = None,
    threads: int = 1,
) -> BatchRecord:
    """Run a batch of replications with the compiled engine.

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
    P = pack(params)
    W = world_arrays(b)
    A = arrangement_arrays(arrangements, params, n)
    dmax = world.reach_in.shape[1]
    cap, arms, revis, alive, busy = b.cap, b.arms, b.revis, b.alive, b.busy
    member, cred, sanction_left, sanction_pen = b.member, b.cred, b.sanction_left, b.sanction_pen
    # metric by replication by year: each metric's rows are the result's own
    # array, with no copy (each replication writes its column of rows)
    yearly = np.zeros((len(YEARLY_METRICS), r, years))
    if keep_states:
        st_cap = np.zeros((r, years, n))
        st_arms = np.zeros((r, years, n))
        st_alive = np.zeros((r, years, n), dtype=bool)
    else:
        st_cap = st_arms = np.zeros((r, 0, n))
        st_alive = np.zeros((r, 0, n), dtype=bool)

    # Each replication's PCG64 state, read from its generator by the thread
    # that runs it, stepped in the kernels and written back into the generator
    # after its chunk (collsec.fast.draws). Lazy generators (the API's) are
    # all PCG64 and built in those threads too; a list is checked whole.
    use_pcg = pcg64_usable(gens[0]) if isinstance(gens, LazyGenerators) else pcg64_all(gens)
    pcg = np.zeros((r, 4), dtype=np.uint64)

    from numba.typed import List

    # numba's typed list costs about 30 us a generator to build: with the PCG64
    # states in hand the kernels need none of them, and get a list of one.
    typed_gens = List(gens[:1] if use_pcg else list(gens))

    local = threading.local()
    tables: dict[int, np.ndarray] = {}

    dynamic = (pcg, cap, arms, revis, alive, busy, member, cred, sanction_left, sanction_pen,
               yearly, st_cap, st_arms, st_alive)  # fmt: skip

    def some(lo: int, hi: int) -> None:
        # Every scratch array is written before it is read, so a thread reuses
        # its own; a chunk of replications is one compiled call on the chunk's
        # rows (views: run_many borrows them, so the threads share no count).
        X = getattr(local, "scratch", None)
        if X is None:
            X = local.scratch = scratch(n, k, dmax)
        own = [a[lo:hi] for a in dynamic]
        own[10] = yearly[:, lo:hi]  # replications on its second axis
        if use_pcg:
            where = read_states(gens[lo:hi], own[0])
        log, rows = run_many(P, W, A, X, typed_gens, own[0], use_pcg, lo, hi, years, *own[1:],
                             keep_states, keep_crises, new_log())  # fmt: skip
        if use_pcg:
            write_states(where, own[0])
        tables[lo] = log[:rows]
        if on_year is not None:
            on_year(years * (hi - lo))

    # Python's cyclic garbage collector would otherwise walk numba's many
    # objects again and again while the calls allocate (about 10% of the run).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        bounds = chunks(r, threads)
        if threads > 1 and r > 1:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(lambda b: some(*b), bounds))
        else:
            for lo, hi in bounds:
                some(lo, hi)
    finally:
        if was_enabled:
            gc.enable()
    states: dict[str, np.ndarray] = {}
    if keep_states:
        states = {"cap": st_cap, "arms": st_arms, "alive": st_alive}
    replications = np.arange(first, first + r, dtype=np.int64)
    crises: dict[str, np.ndarray] = {}
    if keep_crises:
        # Chunks in replication order: each replication's crises by year, in
        # the order the NumPy engine logs them within a year.
        table = np.concatenate([tables[lo] for lo in sorted(tables)])
        codes = np.array(world.codes, dtype=object)
        names = np.array([a.name for a in arrangements] + [""], dtype=object)
        crises = crisis_frame(table, replications, codes, names)
    return BatchRecord(
        replications=replications,
        yearly={m: yearly[i] for m, i in _M.items()},
        crises=crises,
        final_alive=alive,
        final_cap=cap,
        final_arms=arms,
        states=states,
    )
