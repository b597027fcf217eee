"""The registry of data files: what each file is, where it comes from, its hash.

The registry is one JSON file shipped with the package (``registry.json``), read
into frozen, validated :class:`DatasetEntry` objects. JSON rather than TOML
because an unknown zip hash is recorded as ``null``, which TOML cannot express.

The ``sha256`` of an entry is always the hash of the CSV file the loaders read.
For a file that ships inside a zip on correlatesofwar.org, the zip's own hash
(``download.archive_sha256``) may be ``null``: it was not known when the
registry was written, and the extracted CSV is checked instead.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from collsec.data.errors import DataError
from collsec.i18n import _

__all__ = ["DatasetEntry", "Download", "Registry", "load_registry"]

_SHA256 = r"^[0-9a-f]{64}$"


class Download(BaseModel):
    """Where an official file is downloaded from.

    Attributes
    ----------
    url
        The official release file: the CSV itself, or a zip that contains it.
    archive_sha256
        The zip's own sha256, or ``None`` when unknown (then only the extracted
        CSV is checked). Always ``None`` for a bare CSV.
    member
        For a zip, the path of the CSV inside it; a list of several parts when
        zips are nested (the outer zip's member first). ``None`` for a bare CSV.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(pattern=r"^(https?|ftp)://")
    archive_sha256: str | None = Field(default=None, pattern=_SHA256)
    member: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _member_only_for_zips(self) -> Download:
        if self.member is not None and len(self.member) == 0:
            raise ValueError(
                _("{field} must list at least one path, or be null for a bare CSV").format(
                    field="member"
                )
            )
        if self.member is None and self.archive_sha256 is not None:
            raise ValueError(
                _("{field} is only for zips; a bare CSV is checked by {other}").format(
                    field="archive_sha256", other="sha256"
                )
            )
        return self


class DatasetEntry(BaseModel):
    """One data file: identity, provenance and how to obtain it.

    Attributes
    ----------
    name
        The registry key, e.g. ``"nmc_v6"``.
    title, file, version
        What the file is, its file name, and the release it belongs to.
    sha256
        The sha256 of the CSV file itself.
    first_year, last_year
        The years the file covers.
    distribution
        ``"download"`` (official, fetched by :func:`collsec.data.fetch`),
        ``"derived"`` (built from an official file; supply it from a folder),
        ``"user_supplied"`` (the maintainer asks that software not fetch it) or
        ``"manual"`` (an official release with no stable direct file address:
        download it from ``homepage`` and supply it from a folder).
    download
        The official download, for ``"download"`` entries only.
    derived_from
        The official source of a ``"derived"`` file.
    url_checked
        Whether the download URL was checked against the live site.
    homepage, citation, cite_as, citation_key
        The data set's page, the full reference, the short in-text form
        (e.g. "Gibler (2009)") and its bibliography key.
    folder
        The subfolder of a data folder that may hold the file (``cow``,
        ``icb``, ``unga``, ``ties``, ``unsc``); the file may also lie in the
        data folder itself.
    extract_sha256, extract_note
        The sha256 of a registered extract of the release (a subset of its
        rows, every other byte unchanged), accepted beside the release, and
        how it was made. ``sha256`` is always the full release's.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    title: str
    file: str
    version: str
    sha256: str = Field(pattern=_SHA256)
    first_year: int
    last_year: int
    distribution: Literal["download", "derived", "user_supplied", "manual"]
    download: Download | None = None
    derived_from: str | None = None
    url_checked: bool = False
    homepage: str
    citation: str
    cite_as: str
    citation_key: str
    folder: str = Field(default="cow", pattern=r"^[a-z0-9_]+$")
    extract_sha256: str | None = Field(default=None, pattern=_SHA256)
    extract_note: str | None = None

    def variant(self, sha256: str) -> Literal["release", "extract"] | None:
        """Say which accepted file a hash is: the full release, a registered extract, neither."""
        if sha256 == self.sha256:
            return "release"
        if self.extract_sha256 is not None and sha256 == self.extract_sha256:
            return "extract"
        return None

    @model_validator(mode="after")
    def _consistent(self) -> DatasetEntry:
        if (self.distribution == "download") != (self.download is not None):
            raise ValueError(
                _("a {kind!r} entry needs {field}, and only it may have one").format(
                    kind="download", field="download.url"
                )
            )
        if (self.distribution == "derived") != (self.derived_from is not None):
            raise ValueError(
                _("a {kind!r} entry needs {field}, and only it may have one").format(
                    kind="derived", field="derived_from"
                )
            )
        if (self.extract_sha256 is None) != (self.extract_note is None):
            raise ValueError(
                _("{a} and {b} go together").format(a="extract_sha256", b="extract_note")
            )
        if self.first_year > self.last_year:
            raise ValueError(_("{a} is after {b}").format(a="first_year", b="last_year"))
        return self


class Registry(BaseModel):
    """All data files the package knows, keyed by name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    datasets: dict[str, DatasetEntry]

    def __getitem__(self, name: str) -> DatasetEntry:
        try:
            return self.datasets[name]
        except KeyError:
            known = ", ".join(sorted(self.datasets))
            raise DataError(
                _("unknown data set {name!r}; known: {known}").format(name=name, known=known)
            ) from None

    def names(self) -> list[str]:
        """Return the data set names in registry order."""
        return list(self.datasets)


def load_registry(path: Path | None = None) -> Registry:
    """Read and validate the registry.

    Parameters
    ----------
    path
        A registry JSON file; the one shipped with the package if ``None``.

    Returns
    -------
    Registry
        The validated registry.

    Raises
    ------
    DataError
        If the file is not valid JSON or an entry is invalid.
    """
    if path is None:
        text = resources.files("collsec.data").joinpath("registry.json").read_text("utf-8")
        where = "collsec/data/registry.json"
    else:
        text = Path(path).read_text("utf-8")
        where = str(path)
    try:
        raw = json.loads(text)
        entries = {name: {"name": name, **entry} for name, entry in raw["datasets"].items()}
        return Registry(datasets=entries)
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DataError(
            _("not a valid data registry: {reason}").format(reason=exc), file=where
        ) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise DataError(
            _("invalid registry entry: {reason}").format(reason=first["msg"]),
            file=where,
            field=field,
        ) from exc
