"""What every command shares: the two consoles, the error line, the guard.

The main application (:mod:`collsec.cli`) and every command module registered
on it (data, history, experiments) wrap their commands with :func:`guarded`,
so a user's mistake is always one line on stderr and exit code 2, and Ctrl-C
is exit code 130, whichever module the command lives in.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from collsec.errors import CollsecError
from collsec.i18n import _

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., Any])


def stderr_console() -> Console:
    """A console on stderr (made per call, so a test runner's stderr is used)."""
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def stdout_console() -> Console:
    """A console on stdout (made per call)."""
    return Console(file=sys.stdout, highlight=False)


def print_error(err: CollsecError | str) -> None:
    """Print ``error: <message>`` as one line on stderr."""
    message = err.render() if isinstance(err, CollsecError) else str(err)
    line = Text(_("error") + ": ", style="bold red")
    line.append(" ".join(message.split()))  # one line, whatever the message holds
    stderr_console().print(line)


def guarded(fn: F) -> F:
    """Wrap a command: user errors become one line and exit 2; Ctrl-C exits 130."""
    if getattr(fn, "_collsec_guarded", False):
        return fn

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CollsecError as err:
            print_error(err)
            raise typer.Exit(EXIT_USAGE) from None
        except KeyboardInterrupt:
            stderr_console().print(Text(_("interrupted; nothing more was written"), style="yellow"))
            raise typer.Exit(EXIT_INTERRUPTED) from None

    wrapper._collsec_guarded = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _translate_help(cmd: TyperCommand | TyperGroup) -> None:
    # typer builds the click objects each time the app runs, from the English
    # help marked with N_; translating here (not at import) honours the language
    # chosen before the run.
    if cmd.help:
        cmd.help = _(cmd.help)
    if cmd.short_help:
        cmd.short_help = _(cmd.short_help)
    for param in cmd.params:
        text = getattr(param, "help", None)
        if text:
            setattr(param, "help", _(text))  # noqa: B010 - not every Parameter declares help


class TranslatedCommand(TyperCommand):
    """A typer command whose help and option help are translated when it is built.

    Use as ``app.command("name", cls=TranslatedCommand, help=N_("..."))`` with
    every option's ``help=N_("...")``: see :mod:`collsec.i18n`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _translate_help(self)


class TranslatedGroup(TyperGroup):
    """A typer group whose help is translated when it is built (``typer.Typer(cls=...)``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _translate_help(self)
