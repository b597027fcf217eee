"""The crisis log, compiled: the twin of :mod:`collsec.diagnosis` and of the rows
:func:`collsec.engine.run_batch` logs.

A replication's crises go into a growable ``float64`` table, one row a crisis
and one column per field (:data:`COLUMNS`; codes for the text and verdict
columns), that :func:`crisis_frame` turns into the NumPy engine's columns.
Every value is worked out as the NumPy engine works it out, in the same order
of operations, from the crisis' assessment in the scratch ``X``:

- a **deterred** attack is logged when it is decided (``aggression.decide``),
  with the expected coalition and the chance of designation;
- a **fought** one after its war, sanctions and learning (``engine.clash``),
  with the votes cast and the war's sides.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from collsec.arrangements import CD, CS
from collsec.diagnosis import CONDITIONS
from collsec.fast._sum import psum
from collsec.fast.kernels import inline, jit
from collsec.fast.rules import win
from collsec.state import RATIO_FLOOR, TINY

COLUMNS: tuple[str, ...] = (
    "replication",
    "year",
    "aggressor",
    "victim",
    "arrangement",
    "outcome",
    "voters",
    "votes_yes",
    "designated",
    "coalition_size",
    "coalition_power",
    "aggressor_power",
    "instrument",
    "reversed",
    "victim_died",
    "severity",
    "p_win",
)
"""The logged fields before the conditions (each condition adds a value and a verdict)."""

NCOL = len(COLUMNS) + 2 * len(CONDITIONS)
_DIAG = len(COLUMNS)
OUTCOMES = ("deterred", "aggressor_won", "aggressor_defeated")
INSTRUMENTS = ("none", "military", "sanctions")
_NONE = 2.0  # verdict code: not applicable (True 1, False 0)


def new_log(rows: int = 64) -> Any:
    """An empty crisis table with room for ``rows`` crises."""
    return np.empty((rows, NCOL))


@inline
def room(log: Any, n_log: int) -> Any:
    """The table, grown (doubled) if row ``n_log`` does not fit."""
    if n_log < log.shape[0]:
        return log
    bigger = np.empty((2 * log.shape[0], log.shape[1]))
    bigger[:n_log] = log[:n_log]
    return bigger


@inline
def primary(A: Any, X: Any) -> int:
    """The crisis' primary arrangement: the first covering collective-security
    arrangement, else the first covering bloc, else -1 (``primary_arrangement``)."""
    kind = A[0]
    k = kind.shape[0]
    for want in (CS, CD):
        for j in range(k):
            if kind[j] == want and X.covers[j]:
                return j
    return -1


@inline
def _put(row: Any, c: int, value: float, holds: bool, applicable: bool) -> None:
    row[_DIAG + 2 * c] = value if applicable else np.nan
    row[_DIAG + 2 * c + 1] = (1.0 if holds else 0.0) if applicable else _NONE


@inline
def _willing(P: Any, W: Any, A: Any, X: Any, j: int, i: int, a_pow: float, need: float) -> float:
    """Member ``i``'s chance of joining arrangement ``j``, able or not (``Assessment.willing``)."""
    if A[7][j] or X.able[j, i]:
        return X.p_join[j, i] if X.able[j, i] else 1.0
    doctrine = W[6][i]
    if doctrine == 1:
        return 1.0
    margin = X.margin[i]
    if doctrine == 2:
        will = 1.0 if (margin > 0 and X.wins[j]) else 0.0
    else:
        lc = X.logit_common[i]
        if np.isnan(lc):
            lr = np.log(
                max(a_pow, max(RATIO_FLOOR * X.power[i], TINY))
                / max(X.power[i], max(RATIO_FLOOR * a_pow, TINY))
            )
            if not lr > 0:
                lr = P.join_cost_gain * lr
            lc = (P.join_base + P.join_affinity * margin) - P.join_cost * lr
        lg = min(max(lc + A[6][j] + X.cred_term[j], -30.0), 30.0)
        will = 1.0 / (1.0 + np.exp(-lg))
    # Not able, so it adds nothing to the others' contribution.
    others = X.total[j] - 0.0
    damp = 1.0 - P.free_riding * min(max(others / need, 0.0), 1.0)
    return will * damp


@jit
def diagnose(
    P: Any,
    W: Any,
    A: Any,
    S: Any,
    X: Any,
    row: Any,
    agg: int,
    vic: int,
    prim: int,
    o1: float,
    designated: bool,
    coalition_power: float,
    aggressor_side: float,
    o5: bool,
) -> None:
    """Value and verdict of every condition of one crisis into ``row`` (``diagnosis.diagnose``)."""
    reach = W[0]
    affinity = W[4]
    sim_t = W[8]
    member = S[5]
    power = X.power
    n = power.shape[0]
    has = prim >= 0
    k = prim if has else 0
    a_pow = power[agg]
    v_pow = power[vic]
    need = max(P.force_margin * a_pow - v_pow, max(RATIO_FLOOR * P.force_margin * a_pow, TINY))
    n_mem = 0
    n_willing = 0
    n_able = 0
    n_untied = 0
    potential = X.t1
    all_members = X.mask
    have = member.shape[0] > 0
    for i in range(n):
        mem = X.members[k, i] if have else False
        all_members[i] = mem
        potential[i] = power[i] if (mem and reach[i, vic]) else 0.0
        if not mem:
            continue
        n_mem += 1
        if _willing(P, W, A, X, k, i, a_pow, need) >= 0.5:
            n_willing += 1
        if X.able[k, i]:
            n_able += 1
        if not affinity[i, agg] >= P.tie_threshold:
            n_untied += 1
    safe = max(n_mem, 1)
    _put(row, 0, o1, designated, has)
    o2 = n_willing / safe
    _put(row, 1, o2, o2 >= P.o2_share, has and n_mem > 0)
    o3 = n_able / safe
    _put(row, 2, o3, o3 >= P.o3_share, has and n_mem > 0)
    o4 = coalition_power / max(aggressor_side, 1e-300)
    _put(row, 3, o4, o4 > 1.0, True)
    _put(row, 4, 1.0 if o5 else 0.0, o5, True)
    m1 = (psum(potential) + v_pow) / max(a_pow, 1e-300)
    _put(row, 5, m1, m1 >= P.m1_margin, has)
    if has and have and member[k, vic]:
        all_members[vic] = True
    cnt = 0
    for i in range(n):
        if all_members[i]:
            cnt += 1
    # diagnosis._mean_pairwise, in the same order of operations.
    inner = X.t2
    masked = X.t1
    for a in range(n):
        if all_members[a]:
            for b in range(n):
                inner[b] = sim_t[a, b] if all_members[b] else 0.0
            masked[a] = psum(inner)
        else:
            masked[a] = 0.0
    tot = psum(masked) - cnt
    m2 = tot / max(cnt * (cnt - 1), 1.0) if cnt > 1 else np.nan
    _put(row, 6, m2, m2 >= P.m2_threshold, has and cnt > 1)
    m3 = n_untied / safe
    _put(row, 7, m3, m3 >= P.m3_share, has and n_mem > 0)


@inline
def log_deterred(
    P: Any, W: Any, A: Any, S: Any, X: Any, row: Any, rep: int, t: int, agg: int, vic: int
) -> None:
    """The row of an attack the arrangements deterred (``engine.run_batch``)."""
    power = X.power
    n = power.shape[0]
    k = A[0].shape[0]
    prim = primary(A, X)
    kk = prim if prim >= 0 else 0
    t1 = X.t1
    n_vot = 0
    for i in range(n):
        v = X.voters[kk, i] if k > 0 else False
        t1[i] = X.p_yes[i] if v else 0.0
        if v:
            n_vot += 1
    yes_sum = psum(t1)
    o1 = yes_sum / max(n_vot, 1)
    p_des = X.p_des[kk] if k > 0 else 0.0
    # Assessment.expected_join, summed, and the expected coalition.
    joins = X.t2
    for i in range(n):
        prod = 1.0
        for j in range(k):
            cov = 1.0 if X.covers[j] else 0.0
            prod = prod * (1.0 - cov * X.p_des[j] * X.p_join[j, i])
        joins[i] = 1.0 - prod
    size = psum(joins)
    for i in range(n):
        t1[i] = joins[i] * power[i]
    coalition = psum(t1) + power[vic]
    row[0] = rep
    row[1] = t
    row[2] = agg
    row[3] = vic
    row[4] = prim
    row[5] = 0.0
    row[6] = n_vot
    row[7] = np.rint(yes_sum)
    row[8] = 1.0 if p_des >= 0.5 else 0.0
    row[9] = size
    row[10] = coalition
    row[11] = power[agg]
    row[12] = 0.0
    row[13] = 0.0
    row[14] = 0.0
    row[15] = 0.0
    row[16] = win(power[agg], coalition, P.decisiveness)
    diagnose(P, W, A, S, X, row, agg, vic, prim, o1, p_des >= 0.5, coalition, power[agg], True)


@inline
def log_fought(
    P: Any, W: Any, A: Any, S: Any, X: Any, row: Any, rep: int, t: int, agg: int, vic: int
) -> None:
    """The row of a war, from ``X.out`` (``engine._resolve_attacks``)."""
    out = X.out
    n = X.power.shape[0]
    k = A[0].shape[0]
    prim = primary(A, X)
    kk = prim if prim >= 0 else 0
    n_vot = 0
    n_yes = 0
    for i in range(n):
        if k > 0 and X.voters[kk, i]:
            n_vot += 1
            if X.yes[i]:
                n_yes += 1
    designated = k > 0 and X.designated[kk] and prim >= 0
    won = out[1] == 0.0
    att = out[12]
    dfn = out[13]
    row[0] = rep
    row[1] = t
    row[2] = agg
    row[3] = vic
    row[4] = prim
    row[5] = 1.0 if won else 2.0
    row[6] = n_vot
    row[7] = n_yes
    row[8] = 1.0 if designated else 0.0
    row[9] = out[5]
    row[10] = dfn
    row[11] = att
    row[12] = 1.0 if out[6] > 0 else (2.0 if out[7] > 0 else 0.0)
    row[13] = out[1]
    row[14] = out[2]
    row[15] = out[4]
    row[16] = win(att, dfn, P.decisiveness)
    o1 = n_yes / max(n_vot, 1)
    diagnose(P, W, A, S, X, row, agg, vic, prim, o1, designated, dfn, att, not won)


def crisis_frame(
    table: np.ndarray, replications: np.ndarray, codes: np.ndarray, names: np.ndarray
) -> dict[str, np.ndarray]:
    """The NumPy engine's crisis columns from a compiled crisis table.

    ``replications`` maps the table's batch rows to replication indices;
    ``codes`` are the states' codes and ``names`` the arrangements' names with
    ``""`` last (for crises no arrangement covers).
    """
    c = table.shape[0]
    if c == 0:
        return {}
    col = {name: table[:, i] for i, name in enumerate(COLUMNS)}

    def text(values: np.ndarray, choices: tuple[str, ...]) -> np.ndarray:
        return np.array(choices, dtype=object)[values.astype(np.int64)]

    out: dict[str, np.ndarray] = {
        "replication": replications[col["replication"].astype(np.int64)],
        "year": col["year"].astype(np.int64),
        "aggressor": codes[col["aggressor"].astype(np.int64)],
        "victim": codes[col["victim"].astype(np.int64)],
        "arrangement": names[col["arrangement"].astype(np.int64)],
        "outcome": text(col["outcome"], OUTCOMES),
        "voters": col["voters"].astype(np.int64),
        "votes_yes": col["votes_yes"].astype(np.int64),
        "designated": col["designated"] > 0,
        "coalition_size": col["coalition_size"].copy(),
        "coalition_power": col["coalition_power"].copy(),
        "aggressor_power": col["aggressor_power"].copy(),
        "instrument": text(col["instrument"], INSTRUMENTS),
        "reversed": col["reversed"] > 0,
        "victim_died": col["victim_died"] > 0,
        "severity": col["severity"].copy(),
        "p_win": col["p_win"].copy(),
    }
    verdicts = np.array([False, True, None], dtype=object)
    for i, name in enumerate(CONDITIONS):
        out[f"{name}_value"] = table[:, _DIAG + 2 * i].copy()
        out[f"{name}_holds"] = verdicts[table[:, _DIAG + 2 * i + 1].astype(np.int64)]
    return out
