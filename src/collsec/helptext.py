"""typer's and click's own words (help panels, usage line, usage errors) in the active language.

typer renders help with module-level strings of :mod:`typer.rich_utils`
(``Options``, ``[required]``, ``[default: ...]``) and its bundled click
builds the usage line and the usage errors (``Invalid value for '--reps'``)
from fixed English text. :func:`localise_typer` sets the former for the
language of the run; :func:`translate_usage_message` reads the latter's
English wording (by pattern, not by copying click) and says it again through
:func:`collsec.i18n._`. Wording this module does not know is left unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from collsec.i18n import N_, _

_RICH_STRINGS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEFAULT_STRING": N_("[default: {value}]"),
    "ENVVAR_STRING": N_("[env var: {value}]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
"""typer's help strings (their English is typer's own), by their name in typer.rich_utils.

typer fills ``{}``; the messages name the field ``{value}`` so that a
translation could move it.
"""

USAGE_PREFIX = N_("Usage: ")
OPTIONS_METAVAR = N_("[OPTIONS]")
SUBCOMMAND_METAVAR = N_("COMMAND [ARGS]...")
HELP_OPTION_HELP = N_("Show this message and exit.")

_SUFFIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?P<main>.+?)\.? Did you mean (?P<names>.+)\?"), N_("Did you mean {names}?")),
    (
        re.compile(r"(?P<main>.+?) \(Possible options: (?P<names>.+)\)"),
        N_("(Possible options: {names})"),
    ),
)

_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"Invalid value for (?P<hint>.+?): (?P<reason>.+)"),
        N_("Invalid value for {hint}: {reason}"),
    ),
    (re.compile(r"Invalid value: (?P<reason>.+)"), N_("Invalid value: {reason}")),
    (re.compile(r"Missing argument (?P<hint>.+?)\."), N_("Missing argument {hint}.")),
    (re.compile(r"Missing option (?P<hint>.+?)\."), N_("Missing option {hint}.")),
    (re.compile(r"No such option: (?P<name>.+)"), N_("No such option: {name}")),
    (re.compile(r"No such command (?P<name>.+?)\.?"), N_("No such command {name}.")),
    (
        re.compile(r"Got unexpected extra argument\(s\) \((?P<args>.+)\)"),
        N_("Got unexpected extra argument(s) ({args})"),
    ),
    (
        re.compile(r"Option (?P<name>.+?) requires an argument\."),
        N_("Option {name} requires an argument."),
    ),
    (
        re.compile(r"Option (?P<name>.+?) does not take a value\."),
        N_("Option {name} does not take a value."),
    ),
)


def localise_typer() -> None:
    """Set typer's help strings to the active language (call when the commands are built)."""
    from typer import rich_utils

    for name, english in _RICH_STRINGS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, _(english).replace("{value}", "{}"))


def translate_usage_message(message: str) -> str:
    """A usage error's English message (click's wording) in the active language."""
    suffix = ""
    for pattern, template in _SUFFIXES:
        found = pattern.fullmatch(message)
        if found:
            message = found["main"]
            suffix = " " + _(template).format(names=found["names"])
            break
    for pattern, template in _MESSAGES:
        found = pattern.fullmatch(message)
        if found:
            fields: dict[str, Any] = found.groupdict()
            if "reason" in fields:
                fields["reason"] = _(fields["reason"])
            return _(template).format(**fields) + suffix
    return message + suffix
