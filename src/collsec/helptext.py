"""typer's and click's own words (help panels, usage line, usage errors) in the active language.

typer renders help with module-level strings of :mod:`typer.rich_utils`
(``Options``, ``[required]``, ``[default: ...]``) and its bundled click
builds the usage line and the usage errors (``Invalid value for '--reps'``)
from fixed English text. :func:`localise_typer` sets the former for the
language of the run; :func:`translate_usage_message` reads the latter's
English wording (by pattern, not by copying click) and says it again through
:func:`collsec.i18n._`. typer also shows each value's Python type (``<int>``,
``<bool>``, ``<list[str]>``) and writes a required argument in braces
(``{scenario}``); :func:`translate_type_label` and :func:`translate_usage_piece`
say those in the active language, and an argument is shown under its name in
that language (:func:`argument_name`). Wording this module does not know is
left unchanged.
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

_TYPE_NAMES: frozenset[str] = frozenset(
    {N_("str"), N_("int"), N_("float"), N_("bool"), N_("path"), N_("file"), N_("dir")}
)
"""typer's names of a value's type (the English is typer's own), translated in the help."""

LIST_TYPE = N_("list[{type}]")
RANGE_TYPE = N_("{type} range")

REQUIRED_ARGUMENT = N_("{{{name}}}")
"""A required argument in the usage line: typer's ``{name}`` in English.

A language whose readers would take the braces for an unfilled template (in
Bahasa Indonesia the usage line reads ``[OPSI] skenario``, as click always
wrote it) translates them away; an optional one stays ``[name]``.
"""

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


def _type_name(name: str) -> str:
    listed = re.fullmatch(r"list\[(?P<item>.+)\]", name)
    if listed:
        return _(LIST_TYPE).format(type=_type_name(listed["item"]))
    ranged = re.fullmatch(r"(?P<item>\w+) range", name)
    if ranged:
        return _(RANGE_TYPE).format(type=_type_name(ranged["item"]))
    return _(name) if name in _TYPE_NAMES else name


def translate_type_label(label: str | None) -> str | None:
    """typer's type column (``<int>``, ``<list[str]>``) in the active language.

    A choice (``<cinc|usable>``) lists values, which are never translated.

    Examples
    --------
    >>> from collsec.i18n import set_language
    >>> set_language("id")
    >>> translate_type_label("<list[str]>"), translate_type_label("<cinc|usable>")
    ('<daftar[teks]>', '<cinc|usable>')
    >>> set_language("en")
    >>> translate_type_label("<list[str]>")
    '<list[str]>'
    """
    if label is None:
        return None
    found = re.fullmatch(r"<(?P<name>.+)>", label)
    return f"<{_type_name(found['name'])}>" if found else label


def argument_name(name: str) -> str:
    """An argument's name in the help and errors (``scenario`` is ``skenario`` in Indonesian).

    The message id is the argument's own (Python) name; ``tests/unit/test_i18n.py``
    keeps every command's argument names in the catalog.
    """
    return _(name)


def translate_usage_piece(piece: str) -> str:
    """One piece of the usage line, a required argument's ``{name}`` in the active language."""
    found = re.fullmatch(r"\{(?P<name>[^{}]+)\}(?P<more>(\.\.\.)?)", piece)
    if not found:
        return piece
    return _(REQUIRED_ARGUMENT).format(name=found["name"]) + found["more"]


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
