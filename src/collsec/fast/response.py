"""Phase 4, response, compiled: the twin of :mod:`collsec.phases.response`.

:func:`assess` works out what the arrangements would do in one crisis, short of
drawing random numbers (who covers the victim, who votes, the chance of
designation under each rule, who is able to act and each one's chance of
joining), into the scratch ``X``; :func:`respond` draws the votes,
designation, participation and the instrument from the crisis' uniforms.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from collsec.arrangements import CD, CS
from collsec.fast._sum import psum
from collsec.fast.kernels import inline, jit, ndtr, ndtri
from collsec.state import RATIO_FLOOR, TINY


@inline
def at_least(p: Any, voters: Any, need: float, tmp: Any, tmp2: Any) -> float:
    n = p.shape[0]
    for i in range(n):
        tmp[i] = p[i] if voters[i] else 0.0
    mu = psum(tmp)
    for i in range(n):
        tmp2[i] = tmp[i] * (1.0 - tmp[i])
    var = psum(tmp2)
    z = (mu - need + 0.5) / np.sqrt(var + 1e-9)
    return 1.0 if need <= 0 else ndtr(z)


@inline
def kth_smallest(a: Any, m: int, k: int) -> float:
    """``np.sort(a[:m])[k - 1]`` without sorting or allocating (reorders ``a[:m]``).

    Keeps ``a[:k]`` sorted and inserts each later value that beats its largest:
    about ``m x k`` comparisons for the few council seats, where a sort would
    allocate a copy on every assessment (4% of the run, measured by perf).
    """
    for i in range(1, k):
        v = a[i]
        j = i - 1
        while j >= 0 and a[j] > v:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = v
    for i in range(k, m):
        v = a[i]
        if v < a[k - 1]:
            j = k - 2
            while j >= 0 and a[j] > v:
                a[j + 1] = a[j]
                j -= 1
            a[j + 1] = v
    return a[k - 1]


@inline
def log_all_yes(p: Any, voters: Any, tmp: Any) -> float:
    for i in range(p.shape[0]):
        tmp[i] = np.log(min(max(p[i], 1e-300), 1.0)) if voters[i] else 0.0
    return psum(tmp)


@jit
def assess(
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
    reach_t = W[9]
    affinity_t = W[10]
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
        margin[i] = affinity_t[vic, i] - affinity_t[agg, i]
    if P.vote_noise > 0:
        # Each state's chance of a yes depends only on the pair and the static
        # affinities: kept per pair (X.pyes_cache, a slot per pair), worked out
        # the first time the pair meets in this batch.
        pair = agg * n + vic
        slot = pair % X.pyes_pair.shape[0]
        row = X.pyes_cache[slot]
        if X.pyes_pair[slot] != pair:
            for i in range(n):
                row[i] = ndtr((margin[i] + P.vote_bias) / P.vote_noise)
            X.pyes_pair[slot] = pair
        for i in range(n):
            p_yes[i] = row[i]
    else:
        for i in range(n):
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
    need = max(P.force_margin * a_pow - v_pow, max(RATIO_FLOOR * P.force_margin * a_pow, TINY))
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
            bj[i] = mj[i] and not absent[j, i] and not busy[i] and reach_t[vic, i]
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
                kth = kth_smallest(x_keys, n_elig, free_seats)
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
            pd = np.exp(log_all_yes(p_yes, vj, t1)) if n_vote > 0 else 0.0
        elif r == 2:
            nd = np.ceil(quota[j] * n_vote - 1e-9)
            pd = at_least(p_yes, vj, nd, t1, t2) if n_vote > 0 else 0.0
        else:
            nd = np.ceil(quota[j] * min(n_vote, seats[j]) / seats[j] - 1e-9)
            if veto[j]:
                vp = x_mask
                n_vp = 0
                for i in range(n):
                    vp[i] = vj[i] and permanent[j, i]
                    if vp[i]:
                        n_vp += 1
                p_perm = np.exp(log_all_yes(p_yes, vp, t1))
                for i in range(n):
                    vp[i] = vj[i] and not permanent[j, i]
                pd = at_least(p_yes, vp, nd - n_vp, t1, t2) * p_perm
            else:
                pd = at_least(p_yes, vj, nd, t1, t2)
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
                lr = np.log(
                    max(a_pow, max(RATIO_FLOOR * power[i], TINY))
                    / max(power[i], max(RATIO_FLOOR * a_pow, TINY))
                )
                if not lr > 0:
                    lr = P.join_cost_gain * lr
                logit_common[i] = (P.join_base + P.join_affinity * margin[i]) - P.join_cost * lr
            lg = min(max(logit_common[i] + obligation_term[j] + cred_term, -30.0), 30.0)
            will[i] = 1.0 / (1.0 + np.exp(-lg))
            t1[i] = will[i] * power[i]
        wins = (psum(t1) + v_pow) >= P.force_margin * a_pow
        X.wins[j] = wins
        X.cred_term[j] = cred_term
        for i in range(n):
            if not bj[i]:
                continue
            d = doctrine[i]
            if d == 1:
                will[i] = 1.0
            elif d == 2:
                will[i] = 1.0 if (margin[i] > 0 and wins) else 0.0
            t1[i] = will[i] * power[i]
        total = psum(t1)
        X.total[j] = total
        for i in range(n):
            if not bj[i]:
                pj[i] = 0.0
                continue
            if doctrine[i] != 1:
                others = total - t1[i]
                damp = 1.0 - P.free_riding * min(max(others / need, 0.0), 1.0)
                will[i] = will[i] * damp
            pj[i] = will[i]


@inline
def respond(
    P: Any, A: Any, S: Any, X: Any, agg: int, vic: int, uu: Any, aggressor_side: float
) -> tuple[bool, bool, bool, float, float]:
    """Votes, designation, participation and instrument of one crisis (``respond``).

    Reads the assessment in ``X``; writes ``X.yes``, ``X.designated``,
    ``X.joiners`` (every state drawn to join a designating arrangement) and
    ``X.sanctioners``. Returns whether collective measures were needed, whether
    force and whether sanctions were used, the sanctions' weight, and world
    capability.
    """
    cap = S[0]
    alive = S[3]
    rule = A[1]
    quota = A[2]
    seats = A[3]
    veto = A[4]
    military = A[8]
    sanctions = A[9]
    permanent = A[11]
    n = cap.shape[0]
    k = S[5].shape[0]
    x_covers = X.covers
    x_designated = X.designated
    x_members = X.members
    x_p_join = X.p_join
    x_voters = X.voters
    x_yes = X.yes
    x_joiners = X.joiners
    x_sanctioners = X.sanctioners
    power = X.power
    margin = X.margin
    t1 = X.t1
    yes = x_yes
    for i in range(n):
        z = ndtri(min(max(uu[0, i], 1e-12), 1 - 1e-12))
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
    coalition = psum(t1)
    is_military = (
        mil_ok
        and needed
        and any_join
        and (coalition + power[vic] >= P.force_margin * aggressor_side)
    )
    for i in range(n):
        t1[i] = cap[i] if alive[i] else 0.0
    world_cap = psum(t1)
    world_cap_s = max(world_cap, 1e-300)
    for i in range(n):
        t1[i] = cap[i] if sanctioners[i] else 0.0
    weight = psum(t1) / world_cap_s
    is_sanctions = san_ok and needed and not is_military and weight > 0
    sanction_weight = weight if is_sanctions else 0.0
    return needed, is_military, is_sanctions, sanction_weight, world_cap
