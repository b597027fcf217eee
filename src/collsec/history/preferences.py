"""Interest similarity of historical worlds from UN General Assembly votes (M2).

A historical world's interest similarity is, by default, the S-score of the
states' alliance portfolios (:func:`collsec.history.worlds.s_score`). From
1946 the General Assembly's roll calls give a direct measure of how close two
states' foreign-policy positions are: Bailey, Strezhnev and Voeten's (2017)
ideal points, one number per state-year on a scale comparable over time. With
``similarity: unga`` (``params.yaml``) a UN-era world's similarity of two
states with ideal points in the year is

    sim[i, j] = 1 - |x_i - x_j| / (max x - min x),

the distance scaled by the year's range, so that it lies in [0, 1] like the
S-score and needs no scale of its own; a pair in which a state has no ideal
point (not a UN member that year) keeps its alliance similarity. A great
power close to a party then shields it in the vote whether or not an alliance
ties them (THEORY.md, M2).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from collsec import data
from collsec.data.errors import DataError
from collsec.data.loaders import resolve_data_dir

FloatArray = NDArray[np.float64]

UNGA_FIRST_YEAR = 1946
"""The first year with General Assembly ideal points."""

SIMILARITY_SOURCES: tuple[str, ...] = ("alliances", "unga")
"""Where a historical world's interest similarity comes from (``similarity``)."""


def _ideal_points(data_dir: Path | str | None, verify: bool) -> dict[tuple[int, int], float]:
    # A COW folder given alone (shared/data/cow) has the UNGA files in ../unga.
    folder = resolve_data_dir(data_dir)
    try:
        df = data.load_unga("year", folder, verify=verify)
    except DataError:
        if not (folder.parent / "unga").is_dir():
            raise
        df = data.load_unga("year", folder.parent, verify=verify)
    points = df["idealpointall"].fillna(df["idealpointfp"])
    keep = points.notna().to_numpy()
    return {
        (int(c), int(y)): float(x)
        for c, y, x in zip(df["ccode"][keep], df["year"][keep], points[keep], strict=True)
    }


def unga_similarity(
    year: int,
    codes: list[int],
    fallback: FloatArray,
    *,
    data_dir: Path | str | None = None,
    verify: bool = True,
) -> FloatArray:
    """Interest similarity from the ideal points of ``year`` (see the module docstring).

    Parameters
    ----------
    year
        The year whose ideal points are read (the first simulated year).
    codes
        COW state codes, in world order.
    fallback
        ``[n, n]`` similarity kept for pairs without two ideal points.
    data_dir
        The data folder (the UNGA file flat, in ``unga/``, or in ``../unga``).
    verify
        Check the file's sha256 against the registry (as :func:`collsec.data.load`).

    Returns
    -------
    numpy.ndarray
        ``[n, n]`` in [0, 1], symmetric, ones on the diagonal.

    References
    ----------
    Bailey, Strezhnev & Voeten (2017) [bailey2017].
    """
    points = _ideal_points(data_dir, verify)
    x = np.array([points.get((c, year), np.nan) for c in codes], dtype=np.float64)
    has = np.isfinite(x)
    out = np.array(fallback, dtype=np.float64, copy=True)
    if has.sum() < 2:
        return out
    span = float(np.nanmax(x) - np.nanmin(x)) or 1.0
    dist = np.abs(x[:, None] - x[None, :]) / span
    both = has[:, None] & has[None, :]
    out[both] = 1.0 - dist[both]
    np.fill_diagonal(out, 1.0)
    return out
