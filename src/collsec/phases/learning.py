"""Phase 6, learning and membership: credibility, exit, entry (C5; Druzin 2018).

Credibility moves toward the arrangement's record: 1 for military action,
``sanction_credit`` for sanctions, 0 for nothing. A member left undefended may
leave; a designated aggressor may walk out (Japan and Germany 1933, Italy
1937: C5). A threatened outsider may join an open arrangement with a chance
that grows with its credibility, so an arrangement can grow from the weak
states up, or unravel (Druzin 2018).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from collsec.arrangements import CD
from collsec.state import Batch

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


def learn(
    b: Batch,
    rows: IntArray,
    aggressor: IntArray,
    victim: IntArray,
    covers: BoolArray,
    designated: BoolArray,
    military: BoolArray,
    sanctions: BoolArray,
    u_exit: FloatArray,
    needed: BoolArray | None = None,
) -> None:
    """Update credibility and membership after a batch of crises.

    Parameters
    ----------
    b
        The batch, updated in place.
    rows, aggressor, victim
        ``[c]``: replication row, aggressor and victim.
    covers, designated
        ``[c, k]``: arrangement ``k`` covered the victim; it designated.
    military, sanctions
        ``[c]``: the instrument used.
    u_exit
        ``[c, n]`` uniforms for the exit decisions.
    needed
        ``[c]``: the victim could not meet the aggressor alone. A crisis the
        victim could handle alone does not test the arrangements: their
        credibility stays, and the victim is not "left undefended". Default:
        every crisis tests them.
    """
    lp = b.params.learning
    if not b.arrangements:
        return
    ci = np.arange(len(rows))
    record = np.where(
        military[:, None] & designated,
        1.0,
        np.where(sanctions[:, None] & designated, lp.sanction_credit, 0.0),
    )
    tested = covers if needed is None else covers & needed[:, None]
    cred = b.cred[rows]
    b.cred[rows] = np.where(tested, cred + lp.credibility_rate * (record - cred), cred)
    ideal = np.array([a.ideal for a in b.arrangements], dtype=bool)[None, :]
    undefended = tested & ~(military | sanctions)[:, None] & ~ideal
    v_member = b.member[rows, :, victim]
    leave_v = v_member & undefended & (u_exit[ci, victim] < lp.exit_undefended)[:, None]
    a_member = b.member[rows, :, aggressor]
    leave_a = a_member & designated & ~ideal & (u_exit[ci, aggressor] < lp.exit_designated)[:, None]
    b.member[rows, :, victim] = v_member & ~leave_v
    b.member[rows, :, aggressor] = b.member[rows, :, aggressor] & ~leave_a


def _mean_similarity(mem: BoolArray, similarity: FloatArray) -> FloatArray:
    """``[r, n]``: summed similarity of each state to the members ``mem``.

    A row sum of a contiguous array rather than a matrix product: BLAS sums in
    an order of its own, the compiled engine (:mod:`collsec.fast`) must match
    NumPy's, and the rows are chunked so that memory stays small.
    """
    r, n = mem.shape
    sim_t = np.ascontiguousarray(similarity.T)
    out = np.empty((r, n))
    step = max(1, 2_000_000 // max(n * n, 1))
    for lo in range(0, r, step):
        m = mem[lo : lo + step]
        out[lo : lo + step] = np.where(m[:, None, :], sim_t[None, :, :], 0.0).sum(axis=-1)
    return out


def enter(b: Batch, threat: FloatArray, u_entry: FloatArray) -> None:
    """Threatened outsiders join open arrangements that are credible enough.

    A living non-member whose threat ratio is above the arming tolerance joins
    open arrangement ``k`` with chance ``join_rate x credibility``; a
    collective-defence bloc takes it only if its interests are close enough to
    the bloc's (``blocs.min_similarity``).

    Parameters
    ----------
    b
        The batch, updated in place.
    threat
        ``[r, n]`` threat ratios from the arming phase.
    u_entry
        ``[r, n]`` uniforms.
    """
    lp = b.params.learning
    threatened = b.alive & (threat > b.params.arming.tolerance)
    for k, a in enumerate(b.arrangements):
        if not a.open or a.ideal:
            continue
        mem = b.member[:, k, :]
        want = threatened & ~mem & (u_entry < lp.join_rate * b.cred[:, k : k + 1])
        if a.kind == CD:
            cnt = np.maximum(mem.sum(axis=1, keepdims=True), 1)
            want &= _mean_similarity(mem, b.world.similarity) / cnt >= b.params.blocs.min_similarity
        b.member[:, k, :] = mem | want
