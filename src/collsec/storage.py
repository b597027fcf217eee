"""Parquet tables that carry their scenario and the package version.

Every results file embeds the scenario (as YAML) and the collsec version in
the Parquet schema metadata, so a file found alone still says how it was made.
Files are written through :func:`collsec.atomic.replace_into` (temporary
name, fsync, rename), so a file that exists is complete, and with page
checksums, so a corrupted page is found on reading rather than read as numbers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from collsec import __version__
from collsec.atomic import replace_into
from collsec.scenario import Scenario, scenario_from_data

SCENARIO_KEY = b"collsec.scenario"
VERSION_KEY = b"collsec.version"


def write_table(
    df: pd.DataFrame,
    path: Path,
    scenario: Scenario | None = None,
    extra: dict[bytes, bytes] | None = None,
) -> Path:
    """Write ``df`` to ``path`` as Parquet, atomically, with the scenario embedded.

    ``extra`` adds schema metadata entries (a sweep chunk's spec hash).
    """
    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[VERSION_KEY] = __version__.encode()
    if scenario is not None:
        meta[SCENARIO_KEY] = scenario.to_json().encode()
    meta.update(extra or {})
    table = table.replace_schema_metadata(meta)
    return replace_into(path, lambda tmp: pq.write_table(table, tmp, write_page_checksum=True))


def read_metadata(path: Path) -> tuple[Scenario | None, str | None]:
    """The scenario and package version embedded in a Parquet file written here."""
    import json

    meta = pq.read_schema(path).metadata or {}
    sc = meta.get(SCENARIO_KEY)
    ver = meta.get(VERSION_KEY)
    scenario = scenario_from_data(json.loads(sc), source=str(path)) if sc else None
    return scenario, ver.decode() if ver else None
