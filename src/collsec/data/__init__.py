"""The data layer: typed, validated loaders for the COW, ICB, UNGA, TIES and UNSC files.

Files are found in an explicit folder, then ``$COLLSEC_DATA_DIR``, then the
download cache filled by :func:`fetch` (see :func:`resolve_data_dir`). Each
loader checks the file's sha256 against the registry, validates it against its
declared schema and caches it as Parquet. See ``docs/data.md`` for the data
sets, their versions and what to cite.
"""

from __future__ import annotations

from collsec.data.cache import cache_root, download_dir
from collsec.data.crises import load_icb, load_ties, load_unga, load_unsc_vetoes
from collsec.data.errors import DataError, DataYearWarning
from collsec.data.fetch import DatasetStatus, fetch, status
from collsec.data.loaders import (
    load,
    load_alliances,
    load_contiguity,
    load_contiguity_master,
    load_igo_league_un,
    load_majors,
    load_midb,
    load_nmc,
    load_states,
    load_system,
    load_wars,
    resolve_data_dir,
)
from collsec.data.queries import (
    alliance_members,
    alliance_ties,
    capabilities,
    contiguity,
    league_members,
    major_powers,
    state_names,
    system_members,
    un_members,
    war_battle_deaths,
    wars,
)
from collsec.data.registry import DatasetEntry, Registry, load_registry

__all__ = [
    "DataError",
    "DataYearWarning",
    "DatasetEntry",
    "DatasetStatus",
    "Registry",
    "alliance_members",
    "alliance_ties",
    "cache_root",
    "capabilities",
    "contiguity",
    "download_dir",
    "fetch",
    "league_members",
    "load",
    "load_alliances",
    "load_contiguity",
    "load_contiguity_master",
    "load_icb",
    "load_igo_league_un",
    "load_majors",
    "load_midb",
    "load_nmc",
    "load_registry",
    "load_states",
    "load_system",
    "load_ties",
    "load_unga",
    "load_unsc_vetoes",
    "load_wars",
    "major_powers",
    "resolve_data_dir",
    "state_names",
    "status",
    "system_members",
    "un_members",
    "war_battle_deaths",
    "wars",
]
