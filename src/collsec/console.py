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
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperArgument, TyperCommand, TyperGroup

from collsec.errors import CollsecError
from collsec.helptext import (
    HELP_OPTION_HELP,
    OPTIONS_METAVAR,
    SUBCOMMAND_METAVAR,
    USAGE_PREFIX,
    argument_name,
    localise_typer,
    translate_type_label,
    translate_usage_message,
    translate_usage_piece,
)
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
    localise_typer()
    if cmd.help:
        cmd.help = _(cmd.help)
    if cmd.short_help:
        cmd.short_help = _(cmd.short_help)
    if cmd.options_metavar:
        cmd.options_metavar = _(OPTIONS_METAVAR)
    for param in cmd.params:
        text = getattr(param, "help", None)
        if text:
            setattr(param, "help", _(text))  # noqa: B010 - not every Parameter declares help
        if isinstance(param, TyperArgument) and param.metavar is None and param.name:
            shown = argument_name(param.name)
            if shown != param.name:  # keeps typer's own ``names...`` in English
                param.metavar = shown
        _translate_type(param)


def _translate_type(param: Any) -> None:
    # typer's type column (<int>, <bool>) is computed from the annotation when
    # help is shown; this parameter's own copy says it in the active language.
    typer_type = getattr(param, "display_type_rich", None)
    if typer_type is None or getattr(typer_type, "_collsec_translated", False):
        return

    def display_type_rich(ctx: Any) -> str | None:
        return translate_type_label(typer_type(ctx))

    display_type_rich._collsec_translated = True  # type: ignore[attr-defined]
    setattr(param, "display_type_rich", display_type_rich)  # noqa: B010 - this instance only


def _translated_usage_error(err: UsageError) -> UsageError:
    # click words its usage errors in English; the same error, in the active
    # language (once: an outer group sees the inner one's translation).
    if isinstance(err, NoArgsIsHelpError) or getattr(err, "_collsec_translated", False):
        return err
    new = UsageError(translate_usage_message(err.format_message()), err.ctx)
    new._collsec_translated = True  # type: ignore[attr-defined]
    return new


class _Localised:
    """The usage line, the help option and the usage errors in the active language."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_(USAGE_PREFIX))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        return [translate_usage_piece(piece) for piece in pieces]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None and option.help == HELP_OPTION_HELP:
            option.help = _(HELP_OPTION_HELP)
        if option is not None:
            _translate_type(option)
        return option

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[misc]
        except UsageError as err:
            raise _translated_usage_error(err) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except UsageError as err:
            raise _translated_usage_error(err) from None


class TranslatedCommand(_Localised, TyperCommand):
    """A typer command whose help and option help are translated when it is built.

    Use as ``app.command("name", cls=TranslatedCommand, help=N_("..."))`` with
    every option's ``help=N_("...")``: see :mod:`collsec.i18n`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _translate_help(self)


class TranslatedGroup(_Localised, TyperGroup):
    """A typer group whose help is translated when it is built (``typer.Typer(cls=...)``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.subcommand_metavar == SUBCOMMAND_METAVAR:
            self.subcommand_metavar = _(SUBCOMMAND_METAVAR)
        _translate_help(self)
