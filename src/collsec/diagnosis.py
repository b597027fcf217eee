"""Diagnosis of a crisis: Organski's assumptions and Morgenthau's conditions.

Every crisis (an attack, or a deterred attack) records the value and the
verdict of each condition, so a user can ask *why* the system worked or failed
(MODEL.md, "Diagnosis of a crisis"). Values are computed for the crisis'
primary arrangement: the first collective-security arrangement that covers the
victim, else the first covering collective-defence bloc. Where no arrangement
covers the victim, the conditions that concern members are not applicable
(value NaN, verdict missing).

==== ================================================ =====================
id   value                                            holds when
==== ================================================ =====================
O1   share of voters that designate (chance, if        designated
     deterred)
O2   share of members whose willingness is >= 1/2      >= ``o2_share``
O3   share of members able to act                      >= ``o3_share``
O4   (victim + coalition) power / aggressor side       > 1
O5   aggressor deterred, or defeated                   either
M1   (victim + potential coalition) / aggressor power  >= ``m1_margin``
M2   mean pairwise interest similarity of members      >= ``m2_threshold``
M3   share of members untied to the aggressor          >= ``m3_share``
==== ================================================ =====================
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from collsec.phases.response import Assessment, Response
from collsec.phases.war import WarOutcome
from collsec.scenario import DiagnosisParams
from collsec.state import Batch

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

CONDITIONS: tuple[str, ...] = ("O1", "O2", "O3", "O4", "O5", "M1", "M2", "M3")
"""The conditions diagnosed, in report order."""


def primary_arrangement(b: Batch, covers: BoolArray) -> IntArray:
    """Index of each crisis' primary arrangement, or -1 when none covers it."""
    c, k = covers.shape
    if k == 0:
        return np.full(c, -1, dtype=np.int64)
    order = np.argsort(b.kind, kind="stable")  # collective security (0) first
    cov = covers[:, order]
    first = np.argmax(cov, axis=1)
    out: IntArray = np.where(cov.any(axis=1), order[first], -1).astype(np.int64)
    return out


def _mean_pairwise(mask: BoolArray, sim: FloatArray) -> FloatArray:
    """Mean similarity over the pairs of distinct states in each row's ``mask``.

    Row sums of contiguous arrays rather than a matrix product: BLAS sums in an
    order of its own (which may change with the number of crises), and the
    compiled engine (:mod:`collsec.fast.diagnosis`) must match NumPy's order.
    Rows are chunked so that memory stays small.
    """
    c, n = mask.shape
    m = mask.astype(float)
    cnt = m.sum(axis=1)
    sim_t = np.ascontiguousarray(sim.T)
    inner = np.empty((c, n))  # inner[i, a]: summed similarity of the members to a
    step = max(1, 2_000_000 // max(n * n, 1))
    for lo in range(0, c, step):
        mm = mask[lo : lo + step]
        inner[lo : lo + step] = np.where(mm[:, None, :], sim_t[None, :, :], 0.0).sum(axis=-1)
    tot = (inner * m).sum(axis=1) - cnt  # drop the diagonal ones
    out: FloatArray = np.where(cnt > 1, tot / np.maximum(cnt * (cnt - 1), 1.0), np.nan)
    return out


def diagnose(
    b: Batch,
    s: Assessment,
    primary: IntArray,
    *,
    o1_value: FloatArray,
    designated: BoolArray,
    coalition_power: FloatArray,
    aggressor_side: FloatArray,
    o5: BoolArray,
) -> dict[str, FloatArray | NDArray[np.object_]]:
    """Value and verdict of every condition for a batch of crises.

    Parameters
    ----------
    b
        The batch.
    s
        The crises' assessment.
    primary
        ``[c]``: primary arrangement of each crisis, -1 if none.
    o1_value, designated
        ``[c]``: share of voters designating (or its expectation) and the verdict.
    coalition_power
        ``[c]``: power of the victim's side, the victim included.
    aggressor_side
        ``[c]``: power of the aggressor's side.
    o5
        ``[c]``: aggressor deterred or defeated.

    Returns
    -------
    dict
        ``{"O1_value": ..., "O1_holds": ..., ...}``; values are floats (NaN
        when not applicable), verdicts are objects (True, False or None).
    """
    d: DiagnosisParams = b.params.diagnosis
    c = s.c
    ci = np.arange(c)
    has = primary >= 0
    k = np.where(has, primary, 0)
    nan = np.full(c, np.nan)
    out: dict[str, FloatArray | NDArray[np.object_]] = {}

    def put(name: str, value: FloatArray, holds: BoolArray, applicable: BoolArray) -> None:
        out[f"{name}_value"] = np.where(applicable, value, np.nan)
        verdict = np.empty(c, dtype=object)
        verdict[:] = None
        verdict[applicable] = holds[applicable]
        out[f"{name}_holds"] = verdict

    if s.members.shape[1] == 0:
        members = np.zeros((c, b.n), dtype=bool)
        able = members
        willing = np.zeros((c, b.n))
    else:
        members = s.members[ci, k]
        able = s.able[ci, k]
        willing = s.willing[ci, k]
    n_mem = members.sum(axis=1)
    safe = np.maximum(n_mem, 1)
    put("O1", o1_value, designated, has)
    o2 = ((willing >= 0.5) & members).sum(axis=1) / safe
    put("O2", o2, o2 >= d.o2_share, has & (n_mem > 0))
    o3 = (able & members).sum(axis=1) / safe
    put("O3", o3, o3 >= d.o3_share, has & (n_mem > 0))
    o4 = coalition_power / np.maximum(aggressor_side, 1e-300)
    put("O4", o4, o4 > 1.0, np.ones(c, dtype=bool))
    put("O5", o5.astype(float), o5, np.ones(c, dtype=bool))
    reach_v = b.reach_t[s.victim]
    potential = (members & reach_v) * s.power
    m1 = (potential.sum(axis=1) + s.victim_power()) / np.maximum(s.attack_power(), 1e-300)
    put("M1", m1, m1 >= d.m1_margin, has)
    all_members = members.copy()
    all_members[ci, s.victim] |= has & (
        b.member[s.rows, k, s.victim] if s.members.shape[1] else False
    )
    m2 = _mean_pairwise(all_members, b.world.similarity)
    put("M2", m2, m2 >= d.m2_threshold, has & (all_members.sum(axis=1) > 1))
    tied = b.affinity.T[s.aggressor] >= d.tie_threshold
    m3 = (members & ~tied).sum(axis=1) / safe
    put("M3", m3, m3 >= d.m3_share, has & (n_mem > 0))
    del nan
    return out


def diagnose_response(
    b: Batch, s: Assessment, resp: Response, war: WarOutcome, o5: BoolArray
) -> tuple[IntArray, BoolArray, BoolArray, dict[str, FloatArray | NDArray[np.object_]]]:
    """Diagnosis of crises that were fought, from the votes cast and the war.

    Returns
    -------
    tuple
        Primary arrangement ``[c]`` (-1 if none), its voters ``[c, n]``,
        whether it designated ``[c]``, and :func:`diagnose`'s columns.
    """
    c = s.c
    ci = np.arange(c)
    prim = primary_arrangement(b, s.covers)
    if s.covers.shape[1]:
        kk = np.where(prim >= 0, prim, 0)
        voters = s.voters[ci, kk]
        designated = resp.designated[ci, kk] & (prim >= 0)
    else:
        voters = np.zeros((c, b.n), dtype=bool)
        designated = np.zeros(c, dtype=bool)
    n_vot = voters.sum(axis=1)
    n_yes = (voters & resp.yes).sum(axis=1)
    diag = diagnose(
        b,
        s,
        prim,
        o1_value=n_yes / np.maximum(n_vot, 1),
        designated=designated,
        coalition_power=war.defence_power,
        aggressor_side=war.attack_power,
        o5=o5,
    )
    return prim, voters, designated, diag
