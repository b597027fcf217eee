"""Where files are cached, and the Parquet cache of validated tables.

One cache root holds two folders: ``downloads/`` (official files fetched by
:func:`collsec.data.fetch`) and ``parquet/`` (validated tables). The root is
``$COLLSEC_CACHE_DIR`` if set, else the platform's user cache folder
(``pooch.os_cache("collsec")``, e.g. ``~/.cache/collsec`` on Linux).

A cached table is named by the data set, the sha256 of the source file and a
fingerprint of the schema, so a changed source file or a changed schema misses
the cache and the table is rebuilt.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd
import pooch

from collsec.atomic import replace_into

__all__ = [
    "CACHE_ENV",
    "cache_root",
    "download_dir",
    "parquet_path",
    "read_cached",
    "sha256_file",
    "write_cached",
]

#: Environment variable that overrides the cache root.
CACHE_ENV = "COLLSEC_CACHE_DIR"


def cache_root() -> Path:
    """Return the cache root: ``$COLLSEC_CACHE_DIR`` or the user cache folder."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path(pooch.os_cache("collsec"))


def download_dir() -> Path:
    """Return the folder that :func:`collsec.data.fetch` downloads into by default."""
    return cache_root() / "downloads"


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parquet_path(name: str, sha256: str, fingerprint: str) -> Path:
    """Return the cache file for data set ``name`` read from a source with ``sha256``."""
    return cache_root() / "parquet" / f"{name}-{sha256[:16]}-{fingerprint}.parquet"


def read_cached(path: Path) -> pd.DataFrame | None:
    """Return the cached table at ``path``, or ``None`` if absent or unreadable."""
    if not path.is_file():
        return None
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError):
        # A partial or foreign file: ignore it, the table is rebuilt and rewritten.
        return None


def write_cached(df: pd.DataFrame, path: Path) -> bool:
    """Write ``df`` to ``path`` atomically; return whether it was written.

    A cache that cannot be written (read-only home, full disk) only costs speed,
    so the failure is swallowed.
    """
    try:
        replace_into(path, lambda tmp: df.to_parquet(tmp, index=False))
    except OSError:
        return False
    return True
