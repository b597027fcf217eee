"""Typed, validated loaders for the Correlates of War files.

Every loader finds its file (see :func:`resolve_data_dir`), checks its sha256
against the registry, reads the CSV as text, converts each declared column (see
:mod:`collsec.data.schemas`), checks ranges, and caches the result as Parquet
keyed by the file's sha256. The second load of an unchanged file reads the
Parquet copy.

The returned table carries its provenance in ``df.attrs["collsec"]``: data set,
version, file path, sha256 and whether it came from the cache.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from collsec.data.cache import download_dir, parquet_path, read_cached, sha256_file, write_cached
from collsec.data.errors import FETCH_HINT, FOLDER_HINT, DataError
from collsec.data.registry import DatasetEntry, Registry, load_registry
from collsec.data.schemas import SCHEMAS, Column, Schema
from collsec.i18n import _

__all__ = [
    "DATA_ENV",
    "find_file",
    "how_to_obtain",
    "load",
    "load_alliances",
    "load_choice",
    "load_contiguity",
    "load_contiguity_master",
    "load_igo_league_un",
    "load_majors",
    "load_midb",
    "load_nmc",
    "load_states",
    "load_system",
    "load_wars",
    "resolve_data_dir",
]

#: Environment variable naming a folder that holds the data files.
DATA_ENV = "COLLSEC_DATA_DIR"

_HEADER_LINES = 1


def resolve_data_dir(data_dir: Path | str | None = None) -> Path:
    """Return the folder to read data files from.

    Parameters
    ----------
    data_dir
        An explicit folder. Wins if given.

    Returns
    -------
    Path
        ``data_dir`` if given, else ``$COLLSEC_DATA_DIR`` if set, else the
        download cache that :func:`collsec.data.fetch` fills.

    Examples
    --------
    >>> resolve_data_dir("/some/folder")
    PosixPath('/some/folder')
    """
    if data_dir is not None:
        return Path(data_dir).expanduser()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    return download_dir()


def how_to_obtain(entry: DatasetEntry) -> str:
    """Return the sentence that tells a user how to get ``entry``'s file."""
    if entry.distribution == "download":
        return _("{fetch}, or {folder}").format(fetch=_(FETCH_HINT), folder=_(FOLDER_HINT))
    if entry.distribution == "derived":
        return _(
            "it is a derived file with no official download; {folder}. It derives from: {sources}"
        ).format(folder=_(FOLDER_HINT), sources=entry.derived_from)
    if entry.distribution == "manual":
        return _(
            "download it from {url} (no stable direct file address) and {folder}, "
            "or in its subfolder {sub}/. Cite {cite_as}"
        ).format(url=entry.homepage, folder=_(FOLDER_HINT), sub=entry.folder, cite_as=entry.cite_as)
    return _(
        "its maintainer asks that software not download or redistribute it, so collsec "
        "never fetches it: download it yourself from {url} and {folder}. "
        "Cite {cite_as}: {citation}"
    ).format(
        url=entry.homepage, folder=_(FOLDER_HINT), cite_as=entry.cite_as, citation=entry.citation
    )


def find_file(entry: DatasetEntry, data_dir: Path | str | None = None) -> tuple[Path, str]:
    """Locate ``entry``'s file.

    The folder from :func:`resolve_data_dir` is searched first, then the
    download cache (so downloaded official files and a folder holding the
    derived and user-supplied files can be used together). In each, the file
    may lie in the folder itself (all files flat) or in the data set's own
    subfolder (``cow/``, ``icb/``, ``unga/``, ``ties/``, ``unsc/``, as in
    ``shared/data``).

    Parameters
    ----------
    entry
        The registry entry.
    data_dir
        An explicit folder, as for :func:`resolve_data_dir`.

    Returns
    -------
    tuple of (Path, str)
        The file and where it was found: ``"folder"`` or ``"cache"``.

    Raises
    ------
    DataError
        If the file is in neither place.
    """
    folder = resolve_data_dir(data_dir)
    cache = download_dir()
    for where, base in (("folder" if folder != cache else "cache", folder), ("cache", cache)):
        for candidate in (base / entry.file, base / entry.folder / entry.file):
            if candidate.is_file():
                return candidate, where
    looked = (
        str(folder)
        if folder == cache
        else _("{folder} or {cache}").format(folder=folder, cache=cache)
    )
    raise DataError(
        _("{title} v{version} not found in {looked}; {how}").format(
            title=entry.title, version=entry.version, looked=looked, how=how_to_obtain(entry)
        ),
        file=entry.file,
    )


def load(
    name: str,
    data_dir: Path | str | None = None,
    *,
    verify: bool = True,
    use_cache: bool = True,
    registry: Registry | None = None,
) -> pd.DataFrame:
    """Load data set ``name`` as a typed, validated table.

    Parameters
    ----------
    name
        A registry name, e.g. ``"nmc_v6"`` or ``"wars"``.
    data_dir
        The folder to read from (see :func:`resolve_data_dir`).
    verify
        Check the file's sha256 against the registry. With ``False`` a changed
        file is accepted (still validated against the schema) and cached under
        its own hash.
    use_cache
        Read and write the Parquet cache.
    registry
        The registry to use; the package's own if ``None``.

    Returns
    -------
    pandas.DataFrame
        The declared columns with their declared dtypes; provenance in
        ``attrs["collsec"]``.

    Raises
    ------
    DataError
        If the file is missing, its checksum differs, a required column is
        missing, or a value cannot be parsed or is out of range.

    Notes
    -----
    ``attrs["collsec"]["variant"]`` is ``"release"`` for the full release,
    ``"extract"`` for a registered extract of it (see ``extract_sha256`` in the
    registry) and ``None`` for an unregistered file read with ``verify=False``.
    """
    reg = registry if registry is not None else load_registry()
    entry = reg[name]
    schema = SCHEMAS[name]
    path, source = find_file(entry, data_dir)
    sha = sha256_file(path)
    variant = entry.variant(sha)
    if verify and variant is None:
        raise DataError(
            _(
                "sha256 is {sha}, expected {expected} for {title} v{version}: "
                "the file is corrupt or a different release. Replace it ({how}), "
                "or load with {option} to accept a changed file"
            ).format(
                sha=sha,
                expected=entry.sha256
                if entry.extract_sha256 is None
                else _("{release} (the release) or {extract} (its extract)").format(
                    release=entry.sha256, extract=entry.extract_sha256
                ),
                title=entry.title,
                version=entry.version,
                how=how_to_obtain(entry),
                option="verify=False",
            ),
            file=path,
        )
    cache_file = parquet_path(name, sha, schema.fingerprint())
    df = read_cached(cache_file) if use_cache else None
    from_cache = df is not None
    if df is None:
        df = _parse(path, schema)
        if use_cache:
            write_cached(df, cache_file)
    df.attrs["collsec"] = {
        "dataset": name,
        "version": entry.version,
        "file": str(path),
        "source": source,
        "sha256": sha,
        "variant": variant,
        "from_cache": from_cache,
    }
    return df


def _read_text_table(path: Path) -> pd.DataFrame:
    # Everything as text, nothing turned into NaN yet: conversion happens column
    # by column so that a bad value can be reported with its line and column.
    # The C parser also accepts the classic-Mac CR-only line ends of the war file.
    try:
        try:
            raw, encoding = _read_as_text(path, "utf-8"), "utf-8"
        except UnicodeDecodeError:
            raw, encoding = _read_as_text(path, "latin-1"), "latin-1"
        _check_last_row(path, raw, encoding)
        return raw
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(
            _("cannot be read as CSV ({reason}); replace the file").format(reason=exc), file=path
        ) from exc


def _check_last_row(path: Path, raw: pd.DataFrame, encoding: str) -> None:
    # A file cut short mid-row reads without error (pandas pads the row with
    # empty cells); its last line then has fewer fields than the header.
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 65536))
        tail = fh.read().decode(encoding, errors="replace")
    lines = tail.rstrip("\r\n").splitlines()
    if not lines or len(raw) == 0:
        return
    fields = next(csv.reader([lines[-1]]), [])
    if len(fields) < len(raw.columns):
        raise DataError(
            _(
                "the last row has {n} field(s) but the header has {m}: the file is "
                "truncated; replace it"
            ).format(n=len(fields), m=len(raw.columns)),
            file=path,
            row=len(raw) + _HEADER_LINES,
        )


def _read_as_text(path: Path, encoding: str) -> pd.DataFrame:
    # utf-8-sig drops the byte-order mark of the ICB files (else the first
    # column is called "\ufeffICB1"); a file without one reads the same.
    enc = "utf-8-sig" if encoding == "utf-8" else encoding
    return pd.read_csv(path, encoding=enc, dtype=str, keep_default_na=False, na_filter=False)


def _parse(path: Path, schema: Schema) -> pd.DataFrame:
    raw = _read_text_table(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c.name for c in schema.columns if c.name not in raw.columns]
    if missing:
        raise DataError(
            _(
                "missing column(s) {columns}; the file is not the expected release. "
                "Replace it with the file named in the registry"
            ).format(columns=", ".join(missing)),
            file=path,
            field=missing[0],
        )
    out = pd.DataFrame({c.name: _convert(raw[c.name], c, path) for c in schema.columns})
    if schema.postprocess is not None:
        out = schema.postprocess(out)
    if schema.unique:
        dup = out.duplicated(list(schema.unique), keep="first").to_numpy()
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            key = ", ".join(f"{k}={out[k].iloc[i]}" for k in schema.unique)
            raise DataError(
                _("duplicate row for ({key}); each ({columns}) must be unique").format(
                    key=key, columns=", ".join(schema.unique)
                ),
                file=path,
                field=schema.unique[0],
                row=_line(out.index[i]),
            )
    return out.reset_index(drop=True)


def _line(index: object) -> int:
    return int(index) + _HEADER_LINES + 1  # type: ignore[call-overload]


def _fail(path: Path, col: Column, mask: np.ndarray, text: pd.Series, why: str) -> DataError:
    i = int(np.flatnonzero(mask)[0])
    n = int(mask.sum())
    more = " " + _("({n} more row(s) like it)").format(n=n - 1) if n > 1 else ""
    return DataError(
        _("value {value!r} {reason}{more}; fix or replace the file").format(
            value=text.iloc[i], reason=why, more=more
        ),
        file=path,
        field=col.name,
        row=_line(text.index[i]),
    )


def _convert(text: pd.Series, col: Column, path: Path) -> pd.Series:
    text = text.astype(str).str.strip()
    empty = (text == "").to_numpy()
    out: pd.Series
    if col.dtype == "string":
        codes = {str(c) for c in col.na_codes}
        na = empty | text.isin(codes).to_numpy()
        out = text.astype("string").mask(na)
        if col.allowed is not None:
            texts = sorted(str(a) for a in col.allowed)
            other = ~na & ~text.isin(texts).to_numpy()
            if other.any():
                raise _fail(
                    path,
                    col,
                    other,
                    text,
                    _("is not one of the codes {codes}").format(codes=", ".join(texts)),
                )
        _check_nulls(out, col, path, text)
        return out

    # A text missing code ("NA") of a numeric column is an empty cell.
    words = [c for c in col.na_codes if isinstance(c, str)]
    if words:
        empty = empty | text.isin(words).to_numpy()
    num = pd.to_numeric(text.mask(empty), errors="coerce")
    bad = num.isna().to_numpy() & ~empty
    if bad.any():
        raise _fail(path, col, bad, text, _("is not a number"))
    values = num.to_numpy(dtype=float, na_value=np.nan)
    if col.na_codes:
        numbers = [c for c in col.na_codes if not isinstance(c, str)]
        values = np.where(np.isin(values, np.asarray(numbers, dtype=float)), np.nan, values)
    present = ~np.isnan(values)
    if col.dtype in ("Int64", "boolean"):
        frac = present & (values != np.floor(np.where(present, values, 0)))
        if frac.any():
            raise _fail(path, col, frac, text, _("is not a whole number"))
    if col.dtype == "boolean":
        not01 = present & ~np.isin(values, (0.0, 1.0))
        if not01.any():
            raise _fail(path, col, not01, text, _("is not 0 or 1"))
    if col.min is not None:
        low = present & (values < col.min)
        if low.any():
            raise _fail(
                path, col, low, text, _("is below the minimum {value:g}").format(value=col.min)
            )
    if col.max is not None:
        high = present & (values > col.max)
        if high.any():
            raise _fail(
                path, col, high, text, _("is above the maximum {value:g}").format(value=col.max)
            )
    if col.allowed is not None:
        allowed = np.asarray(sorted(col.allowed), dtype=float)
        other = present & ~np.isin(values, allowed)
        if other.any():
            listed = ", ".join(str(a) for a in sorted(col.allowed))
            raise _fail(
                path, col, other, text, _("is not one of the codes {codes}").format(codes=listed)
            )
    series = pd.Series(values, index=text.index, name=col.name)
    if col.dtype == "Float64":
        out = series.astype("Float64")
    elif col.dtype == "Int64":
        out = series.astype("Float64").astype("Int64")
    else:
        out = series.astype("Float64").astype("Int64").astype("boolean")
    _check_nulls(out, col, path, text)
    return out


def _check_nulls(out: pd.Series, col: Column, path: Path, text: pd.Series) -> None:
    if col.nullable:
        return
    na = out.isna().to_numpy()
    if na.any():
        raise _fail(path, col, na, text, _("is missing but this column may not be empty"))


def load_choice(
    choice: str,
    names: dict[str, str],
    unknown: str,
    data_dir: Path | str | None = None,
    *,
    field: str | None = None,
    verify: bool = True,
    use_cache: bool = True,
) -> pd.DataFrame:
    """Load the registry entry that ``choice`` names in ``names`` (a version, a level).

    ``unknown`` is the message for a choice not in ``names``, with ``{name}``
    and ``{choices}`` (e.g. ``"unknown NMC version {name!r}; use {choices}"``,
    already translated).
    """
    if choice not in names:
        listed = " or ".join(", ".join(repr(k) for k in names).rsplit(", ", 1))
        raise DataError(unknown.format(name=choice, choices=listed), field=field)
    return load(names[choice], data_dir, verify=verify, use_cache=use_cache)


def load_nmc(
    version: Literal["6.0", "7.0"] = "6.0",
    data_dir: Path | str | None = None,
    *,
    verify: bool = True,
    use_cache: bool = True,
) -> pd.DataFrame:
    """Load National Material Capabilities (abridged), one row per state-year.

    Parameters
    ----------
    version
        ``"6.0"`` (1816-2016, the original release file; the default) or
        ``"7.0"`` (1816-2022, a reconstruction of the official file; see
        ``docs/data.md``).
    data_dir, verify, use_cache
        As for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        ``stateabb, ccode, year, milex, milper, irst, pec, tpop, upop, cinc,
        version``; -9 (missing) is ``<NA>``.

    Raises
    ------
    DataError
        As for :func:`load`, or for an unknown version.

    References
    ----------
    Singer, Bremer & Stuckey (1972) [singer1972].
    """
    return load_choice(
        version,
        {"6.0": "nmc_v6", "7.0": "nmc_v7"},
        _("unknown NMC version {name!r}; use {choices}"),
        data_dir,
        field="version",
        verify=verify,
        use_cache=use_cache,
    )


def load_states(
    data_dir: Path | str | None = None, *, verify: bool = True, use_cache: bool = True
) -> pd.DataFrame:
    """Load the COW state list v2016: one row per spell of system membership.

    Parameters
    ----------
    data_dir, verify, use_cache
        As for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        ``stateabb, ccode, statenme, styear, stmonth, stday, endyear, endmonth,
        endday, version``.

    Raises
    ------
    DataError
        As for :func:`load`.
    """
    return load("states", data_dir, verify=verify, use_cache=use_cache)


def load_system(
    data_dir: Path | str | None = None, *, verify: bool = True, use_cache: bool = True
) -> pd.DataFrame:
    """Load the COW state system v2016, one row per member state-year.

    Parameters
    ----------
    data_dir, verify, use_cache
        As for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        ``stateabb, ccode, year, version``.

    Raises
    ------
    DataError
        As for :func:`load`.
    """
    return load("system", data_dir, verify=verify, use_cache=use_cache)


def load_majors(
    data_dir: Path | str | None = None, *, verify: bool = True, use_cache: bool = True
) -> pd.DataFrame:
    """Load the COW major powers v2016, one row per spell of major-power status.

    Parameters
    ----------
    data_dir, verify, use_cache
        As for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        ``stateabb, ccode, styear, stmonth, stday, endyear, endmonth, endday,
        version``.

    Raises
    ------
    DataError
        As for :func:`load`.
    """
    return load("majors", data_dir, verify=verify, use_cache=use_cache)


def load_alliances(
    kind: Literal["member_yearly", "member"] = "member_yearly",
    data_dir: Path | str | None = None,
    *,
    verify: bool = True,
    use_cache: bool = True,
) -> pd.DataFrame:
    """Load COW Formal Alliances v4.1 (Gibler 2009).

    The alliance data are never downloaded: their maintainer asks that software
    not fetch or redistribute them. Supply the files from a folder.

    Parameters
    ----------
    kind
        ``"member_yearly"`` (one row per alliance-member-year, 21315 rows) or
        ``"member"`` (one row per membership spell, 1221 rows).
    data_dir, verify, use_cache
        As for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        The v4.1 columns; the 0/1 obligation columns (``defense``,
        ``neutrality``, ``nonaggression``, ``entente``) and censoring flags are
        nullable booleans.

    Raises
    ------
    DataError
        As for :func:`load`, or for an unknown kind.

    References
    ----------
    Gibler (2009) [gibler2009].
    """
    return load_choice(
        kind,
        {"member_yearly": "alliances_member_yearly", "member": "alliances_member"},
        _("unknown alliance file {name!r}; use {choices}"),
        data_dir,
        verify=verify,
        use_cache=use_cache,
    )


def load_contiguity(
    data_dir: Path | str | None = None, *, verify: bool = True, use_cache: bool = True
) -> pd.DataFrame:
    """Load COW Direct Contiguity v3.2, one row per directed dyad-year.

    Where the contiguity type changed within a year the file has two rows for
    the dyad-year; the minimum (closest) type is kept, so (state1no, state2no,
    year) is unique: 82440 rows.

    Parameters
    ----------
    data_dir, verify, use_cache
        As for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        ``dyad, state1no, state1ab, state2no, state2ab, year, conttype, version``;
        conttype 1 land, 2-5 water up to 12, 24, 150 and 400 miles.

    Raises
    ------
    DataError
        As for :func:`load`.

    References
    ----------
    Stinnett et al. (2002) [stinnett2002].
    """
    return load("contiguity", data_dir, verify=verify, use_cache=use_cache)


def load_contiguity_master(
    data_dir: Path | str | None = None, *, verify: bool = True, use_cache: bool = True
) -> pd.DataFrame:
    """Load the Direct Contiguity v3.2 master file: one row per contiguity spell.

    Parameters
    ----------
    data_dir, verify, use_cache
        As for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        ``dyad, statelno, statelab, statehno, statehab, conttype, begin, end,
        notes, version``; ``begin`` and ``end`` are YYYYMM.

    Raises
    ------
    DataError
        As for :func:`load`.
    """
    return load("contiguity_master", data_dir, verify=verify, use_cache=use_cache)


def load_igo_league_un(
    data_dir: Path | str | None = None, *, verify: bool = True, use_cache: bool = True
) -> pd.DataFrame:
    """Load the League of Nations / UN extract of COW IGO v3.0, per state-year.

    Parameters
    ----------
    data_dir, verify, use_cache
        As for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        ``ccode, year, stateabb, igo_state, lon, un``; in ``lon`` and ``un``,
        1 is a full member, 0 not a member, -1 the IGO did not exist (or the
        state was not in the system).

    Raises
    ------
    DataError
        As for :func:`load`.

    References
    ----------
    Pevehouse et al. (2020) [pevehouse2020].
    """
    return load("igo_league_un", data_dir, verify=verify, use_cache=use_cache)


def load_wars(
    data_dir: Path | str | None = None, *, verify: bool = True, use_cache: bool = True
) -> pd.DataFrame:
    """Load the COW Inter-State War Data v4.0, one row per war participant.

    Parameters
    ----------
    data_dir, verify, use_cache
        As for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        The 25 v4.0 columns; -9 (missing), -8 (not applicable) and -7 (ongoing)
        are ``<NA>``.

    Raises
    ------
    DataError
        As for :func:`load`.

    References
    ----------
    Sarkees & Wayman (2010) [sarkees2010].
    """
    return load("wars", data_dir, verify=verify, use_cache=use_cache)


def load_midb(
    data_dir: Path | str | None = None, *, verify: bool = True, use_cache: bool = True
) -> pd.DataFrame:
    """Load Militarized Interstate Disputes v5.0, one row per dispute participant.

    Parameters
    ----------
    data_dir, verify, use_cache
        As for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        The MIDB 5.0 columns; -9 (missing) is ``<NA>``; ``sidea``,
        ``revstate`` and ``orig`` are booleans.

    Raises
    ------
    DataError
        As for :func:`load`.

    References
    ----------
    Palmer et al. (2022) [palmer2022].
    """
    return load("midb", data_dir, verify=verify, use_cache=use_cache)
