"""Errors and warnings raised by the data layer.

A :class:`DataError` names the file, and for a bad value the row and column,
and says how to fix the problem: fetch the file, point at a folder that has it,
or replace a corrupt copy.
"""

from __future__ import annotations

from pathlib import Path

from collsec.errors import CollsecError
from collsec.i18n import N_

__all__ = ["FETCH_HINT", "FOLDER_HINT", "DataError", "DataYearWarning"]

#: How to get an official file that can be downloaded (a marked message: show ``_(FETCH_HINT)``).
FETCH_HINT = N_("run `collsec data fetch`")
#: How to point the package at a folder that holds the files (show ``_(FOLDER_HINT)``).
FOLDER_HINT = N_("pass --data-dir / set COLLSEC_DATA_DIR to a folder that holds it")


class DataError(CollsecError):
    """A data file that is missing, corrupt or not what its schema declares.

    Parameters
    ----------
    message
        What is wrong and how to fix it.
    file
        The file the problem is in (a path or a bare file name).
    field
        The column the problem is in, if any.
    row
        The line of the file the problem is on (the header is line 1), if known.

    Attributes
    ----------
    file, field, row
        As given; ``source`` and ``line`` of :class:`~collsec.errors.CollsecError`
        hold the same file and row.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        field: str | None = None,
        row: int | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.row = row
        super().__init__(message, source=self.file, field=field, line=row)


class DataYearWarning(UserWarning):
    """A year past the end of a data set was asked for; its last year was used."""
