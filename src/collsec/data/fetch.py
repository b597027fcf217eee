"""Download the official files, and report which files are present and intact.

:func:`fetch` downloads every data set whose registry entry has an official
URL, with :func:`pooch.retrieve`: a bare CSV is checked against its known
sha256 by pooch; for a CSV inside a zip the zip is checked when its hash is
known, and the extracted CSV is always checked against the registry. Derived
files and the alliance data are never downloaded (see ``docs/data.md``).

:func:`status` reports, for every data set, whether its file is present, where
it was found, and whether its sha256 matches the registry.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import pooch
import requests
from pydantic import BaseModel, ConfigDict

from collsec.atomic import write_bytes
from collsec.data.cache import download_dir, sha256_file
from collsec.data.errors import FETCH_HINT, FOLDER_HINT, DataError
from collsec.data.loaders import find_file, how_to_obtain
from collsec.data.registry import DatasetEntry, Registry, load_registry
from collsec.i18n import _

__all__ = ["DatasetStatus", "ExtractMember", "fetch", "status"]


class ExtractMember:
    """A pooch processor that extracts one CSV from a zip and checks its sha256.

    pooch's own :class:`pooch.Unzip` extracts members by exact path into a
    folder named after the zip. COW's zips need more: NMC 6.0 nests the CSV
    in a second zip, the folder inside some zips is not known for certain (a
    member is matched by exact path, else by its base name), and the extracted
    file must be checked against the registry because the zip's own hash may be
    unknown.

    Parameters
    ----------
    member
        The path of the CSV in the zip; several parts for nested zips.
    target
        Where to write the CSV.
    sha256
        The CSV's expected sha256.
    """

    def __init__(self, member: tuple[str, ...], target: Path, sha256: str) -> None:
        self.member = member
        self.target = target
        self.sha256 = sha256

    def __call__(self, fname: str, action: str, pup: Any) -> str:
        """Extract the member of the zip ``fname`` (pooch's processor protocol)."""
        if action == "fetch" and self.target.is_file() and sha256_file(self.target) == self.sha256:
            return str(self.target)
        data = _read_member(Path(fname), self.member)
        actual = hashlib.sha256(data).hexdigest()
        if actual != self.sha256:
            raise DataError(
                _(
                    "checksum mismatch: {member} extracted from {archive} has sha256 {actual}, "
                    "expected {expected}. The official release has changed or the download is "
                    "corrupt; delete {archive} and retry, or {folder}"
                ).format(
                    member="!/".join(self.member),
                    archive=fname,
                    actual=actual,
                    expected=self.sha256,
                    folder=_(FOLDER_HINT),
                ),
                file=self.target.name,
            )
        write_bytes(self.target, data)  # checked first, then written atomically
        return str(self.target)


def _read_member(archive: Path, member: tuple[str, ...]) -> bytes:
    data = archive.read_bytes()
    where = archive.name
    for part in member:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
                name = part if part in names else _by_basename(names, part, where)
                data = zf.read(name)
        except zipfile.BadZipFile as exc:
            raise DataError(
                _("not a zip file ({reason}); delete it and run {command} again").format(
                    reason=exc, command="`collsec data fetch`"
                ),
                file=where,
            ) from exc
        where = f"{where}!/{name}"
    return data


def _by_basename(names: list[str], part: str, where: str) -> str:
    base = PurePosixPath(part).name
    hits = [n for n in names if PurePosixPath(n).name == base]
    if len(hits) != 1:
        raise DataError(
            _(
                "zip has {n} members named {name!r} (expected one); the official "
                "release has changed: download it by hand and {folder}"
            ).format(n=len(hits), name=base, folder=_(FOLDER_HINT)),
            file=where,
        )
    return hits[0]


def _progressbar(progress: bool) -> bool:
    # pooch's progress bar needs tqdm, which is optional.
    return progress and importlib.util.find_spec("tqdm") is not None


def _fetch_one(entry: DatasetEntry, dest: Path, progress: bool) -> Path:
    assert entry.download is not None  # guaranteed by DatasetEntry validation
    dl = entry.download
    try:
        if dl.member is None:
            got = pooch.retrieve(
                dl.url,
                known_hash=f"sha256:{entry.sha256}",
                fname=entry.file,
                path=dest,
                progressbar=_progressbar(progress),
            )
        else:
            archive = PurePosixPath(dl.url.split("?")[0]).name
            known = f"sha256:{dl.archive_sha256}" if dl.archive_sha256 else None
            got = pooch.retrieve(
                dl.url,
                known_hash=known,
                fname=archive,
                path=dest / "archives",
                processor=ExtractMember(dl.member, dest / entry.file, entry.sha256),
                progressbar=_progressbar(progress),
            )
    except ValueError as exc:
        # pooch raises ValueError when a download's hash differs from known_hash.
        raise DataError(
            _(
                "checksum mismatch downloading {url}: {reason}. The official release has "
                "changed or the download is corrupt; retry, or download it by hand and "
                "{folder}"
            ).format(url=dl.url, reason=exc, folder=_(FOLDER_HINT)),
            file=entry.file,
        ) from exc
    except (requests.RequestException, OSError) as exc:
        raise DataError(
            _(
                "could not download {url} ({reason}); check the connection and retry, "
                "or download it by hand and {folder}"
            ).format(url=dl.url, reason=exc, folder=_(FOLDER_HINT)),
            file=entry.file,
        ) from exc
    return Path(got)


def fetch(
    datasets: list[str] | None = None,
    dest: Path | str | None = None,
    progress: bool = True,
    *,
    registry: Registry | None = None,
) -> dict[str, Path]:
    """Download official data files and check their sha256.

    Parameters
    ----------
    datasets
        Registry names to fetch; all downloadable data sets if ``None``.
        Derived and user-supplied data sets are skipped when ``None`` and an
        error when named.
    dest
        The folder to download into; the download cache if ``None``. Files
        already there with the right sha256 are not downloaded again.
    progress
        Show a progress bar (if tqdm is installed).
    registry
        The registry to use; the package's own if ``None``.

    Returns
    -------
    dict of str to Path
        Each fetched data set's verified CSV.

    Raises
    ------
    DataError
        If a named data set cannot be downloaded (derived, or the alliance
        data), a download fails, or a checksum does not match.
    """
    reg = registry if registry is not None else load_registry()
    if datasets is None:
        names = [n for n in reg.names() if reg[n].distribution == "download"]
    else:
        names = list(datasets)
        for name in names:
            entry = reg[name]
            if entry.distribution != "download":
                raise DataError(
                    _("cannot be fetched: {how}").format(how=how_to_obtain(entry)),
                    file=entry.file,
                )
    target = Path(dest).expanduser() if dest is not None else download_dir()
    try:
        target.mkdir(parents=True, exist_ok=True)
        if not target.is_dir():
            raise NotADirectoryError(20, "not a folder")
    except OSError as err:
        raise DataError(
            _("cannot write the downloads here: {reason}").format(reason=err.strerror or err),
            file=str(target),
        ) from None
    return {name: _fetch_one(reg[name], target, progress) for name in names}


class DatasetStatus(BaseModel):
    """Whether one data set's file is present and intact.

    Attributes
    ----------
    name, file, version
        The registry name, file name and release.
    present
        Whether the file was found.
    sha256_expected, sha256_actual
        The registry's hash and the file's (``None`` if absent).
    ok
        Present and the hashes match.
    source
        ``"folder"`` or ``"cache"`` (the download cache), ``None`` if absent.
    path
        The file found, if any.
    distribution
        ``"download"``, ``"derived"``, ``"user_supplied"`` or ``"manual"``.
    message
        What to do, in one sentence.
    variant
        ``"release"`` (the full release), ``"extract"`` (a registered extract
        of it, as the ICB files in ``shared/data``) or ``None`` (absent or
        not an accepted file).
    """

    model_config = ConfigDict(frozen=True)

    name: str
    file: str
    present: bool
    version: str
    sha256_expected: str
    sha256_actual: str | None
    ok: bool
    source: Literal["folder", "cache"] | None
    path: Path | None
    distribution: Literal["download", "derived", "user_supplied", "manual"]
    message: str
    variant: Literal["release", "extract"] | None = None


def status(
    data_dir: Path | str | None = None, *, registry: Registry | None = None
) -> list[DatasetStatus]:
    """Report, for every data set, whether its file is present and intact.

    Parameters
    ----------
    data_dir
        The folder to look in first (see :func:`collsec.data.resolve_data_dir`);
        the download cache is looked in next.
    registry
        The registry to use; the package's own if ``None``.

    Returns
    -------
    list of DatasetStatus
        One per registry entry, in registry order.
    """
    reg = registry if registry is not None else load_registry()
    out = []
    for name in reg.names():
        entry = reg[name]
        try:
            path, source = find_file(entry, data_dir)
        except DataError:
            out.append(
                _status(
                    entry, None, None, None, _("missing: {how}").format(how=how_to_obtain(entry))
                )
            )
            continue
        actual = sha256_file(path)
        variant = entry.variant(actual)
        if variant == "extract":
            note = _("ok: an extract of the release ({note})").format(note=entry.extract_note)
        elif variant == "release" and entry.extract_sha256 is not None:
            note = _("ok: the full release")
        elif variant == "release":
            if entry.distribution == "download":
                note = _("ok")
            elif entry.distribution == "derived":
                note = _("ok (derived file, supplied from a folder; from {sources})").format(
                    sources=entry.derived_from
                )
            elif entry.distribution == "manual":
                note = _("ok (supplied by you from its homepage: cite {cite_as})").format(
                    cite_as=entry.cite_as
                )
            else:
                note = _("ok (supplied by you; never fetched: cite {cite_as})").format(
                    cite_as=entry.cite_as
                )
        else:
            fix = _(FETCH_HINT) if entry.distribution == "download" else how_to_obtain(entry)
            note = _(
                "sha256 differs from the registry: the file is corrupt or a different "
                "release; replace it ({fix})"
            ).format(fix=fix)
        out.append(_status(entry, path, source, actual, note))
    return out


def _status(
    entry: DatasetEntry,
    path: Path | None,
    source: str | None,
    actual: str | None,
    message: str,
) -> DatasetStatus:
    return DatasetStatus(
        name=entry.name,
        file=entry.file,
        present=path is not None,
        version=entry.version,
        sha256_expected=entry.sha256,
        sha256_actual=actual,
        ok=actual is not None and entry.variant(actual) is not None,
        variant=entry.variant(actual) if actual is not None else None,
        source=source,
        path=path,
        distribution=entry.distribution,
        message=message,
    )
