"""Errors a user can cause, each with a clear message naming where and why.

Every error raised for bad input derives from :class:`CollsecError`. The
command line catches this one class, prints its message, and exits with code 2
without a traceback.
"""

from __future__ import annotations


class CollsecError(Exception):
    """A user-facing error: bad input, a missing file, an impossible parameter.

    Parameters
    ----------
    message
        What is wrong and, where possible, how to fix it.
    source
        The file (or other input) the problem is in, if any.
    field
        The dotted field path, column or option the problem is in, if any.
    line
        The line or row number, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.field = field
        self.line = line
        super().__init__(self.render())

    def render(self) -> str:
        """Return the one-line message shown to the user."""
        where = []
        if self.source:
            where.append(str(self.source) + (f":{self.line}" if self.line is not None else ""))
        if self.field:
            where.append(self.field)
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ScenarioError(CollsecError):
    """A scenario file or value that cannot be used."""


class UnknownNameError(CollsecError):
    """An unknown scenario, regime, parameter or state code."""
