"""A tiny translation layer for user-facing text (English and Bahasa Indonesia).

Every message shown to a user is written in English in the source and passed
through :func:`_`. English is the message id itself; other languages live in
JSON catalogs under ``collsec/locales/<language>.json`` that map each English
message id to its translation, with more parts of the same catalog in
``collsec/locales/<language>/*.json`` (one per area of the program, so that
areas grow their catalogs apart; a message translated twice, differently, is
an error). A message missing from a catalog falls back to
English, so an incomplete catalog never breaks the program.

The language is the one set by :func:`set_language`, otherwise the one named
by the ``COLLSEC_LANG`` environment variable (``en`` or ``id``; forms such as
``id_ID.UTF-8`` are accepted), otherwise English.

Messages with values use named ``str.format`` fields, so a translation can move
them: ``_("wrote {n} files").format(n=3)``. Identifiers, field names, codes,
file paths and numbers are never written into a message id: they are fields,
and a translation keeps exactly the same field names.

Translate when the message is shown, not when a module is imported, so that a
language chosen at run time (:func:`set_language`, e.g. by the dashboard)
applies. A message that has to be written down earlier, as a module-level
constant or a command's help text, is marked with :func:`N_`, which returns it
unchanged (the catalog test still finds it), and is translated with :func:`_`
where it is shown::

    FETCH_HINT = N_("run `collsec data fetch`")
    ...
    raise DataError(_("not found; {hint}").format(hint=_(FETCH_HINT)))

Command-line help marked with :func:`N_` is translated when typer builds the
command, by :class:`collsec.console.TranslatedCommand` and
:class:`collsec.console.TranslatedGroup`.

Examples
--------
>>> set_language("id")
>>> _("error")
'galat'
>>> set_language("en")
>>> _("error")
'error'
"""

from __future__ import annotations

import json
import os
import threading
from functools import cache
from importlib import resources

from collsec.errors import ScenarioError, UnknownNameError

ENGLISH = "en"
"""The source language: its messages are the message ids."""

ENV_VAR = "COLLSEC_LANG"
"""Environment variable naming the language when :func:`set_language` was not called."""

_chosen: str | None = None
_thread = threading.local()


def _normalise(lang: str) -> str:
    """``id_ID.UTF-8`` -> ``id``; ``EN-gb`` -> ``en``."""
    return lang.strip().lower().replace("-", "_").split(".")[0].split("_")[0]


@cache
def _languages() -> tuple[str, ...]:
    folder = resources.files("collsec") / "locales"
    found = sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))
    return (ENGLISH, *found)


def available_languages() -> list[str]:
    """Return the languages with a catalog, English first.

    Examples
    --------
    >>> available_languages()
    ['en', 'id']
    """
    return list(_languages())


@cache
def catalog(lang: str) -> dict[str, str]:
    """Return the catalog of ``lang`` (empty for English).

    Raises
    ------
    UnknownNameError
        If there is no catalog for ``lang``.
    ScenarioError
        If the catalog is not a JSON object of strings.
    """
    if lang == ENGLISH:
        return {}
    if lang not in available_languages():
        raise UnknownNameError(
            f"no translation for language {lang!r}: choose one of "
            + ", ".join(available_languages()),
            field=ENV_VAR,
        )
    folder = resources.files("collsec") / "locales"
    parts = [(f"collsec/locales/{lang}.json", folder / f"{lang}.json")]
    extra = folder / lang
    if extra.is_dir():
        more = sorted(p.name for p in extra.iterdir() if p.name.endswith(".json"))
        parts += [(f"collsec/locales/{lang}/{name}", extra / name) for name in more]
    data: dict[str, str] = {}
    for source, path in parts:
        for key, value in _read_catalog_part(source, path.read_text(encoding="utf-8")).items():
            if key in data and data[key] != value:
                raise ScenarioError(
                    f"message {key!r} is translated twice, differently", source=source
                )
            data[key] = value
    return data


def _read_catalog_part(source: str, text: str) -> dict[str, str]:
    """Parse one catalog file: a JSON object of message strings to strings."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ScenarioError(f"not valid JSON: {err.msg}", source=source, line=err.lineno) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ScenarioError("a catalog must map message strings to strings", source=source)
    return data


def set_language(lang: str | None) -> None:
    """Choose the language of messages; ``None`` goes back to ``COLLSEC_LANG``.

    Raises
    ------
    UnknownNameError
        If there is no catalog for ``lang``.
    """
    global _chosen
    if lang is None:
        _chosen = None
        return
    code = _normalise(lang)
    catalog(code)  # fail now, naming the language, rather than at the first message
    _chosen = code


def set_thread_language(lang: str | None) -> None:
    """Choose the language of messages in the calling thread only; ``None`` clears it.

    A server answers several users at once, each in their own language (the
    dashboard runs each user's page in its own thread); this choice wins over
    :func:`set_language` in that thread and nowhere else.

    Raises
    ------
    UnknownNameError
        If there is no catalog for ``lang``.

    Examples
    --------
    >>> set_thread_language("id")
    >>> _("error")
    'galat'
    >>> set_thread_language(None)
    >>> _("error")
    'error'
    """
    if lang is None:
        _thread.lang = None
        return
    code = _normalise(lang)
    catalog(code)
    _thread.lang = code


def get_language() -> str:
    """Return the active language code.

    The calling thread's choice (:func:`set_thread_language`) first, then
    :func:`set_language`'s, then ``COLLSEC_LANG``. An unknown ``COLLSEC_LANG``
    falls back to English rather than failing: the environment of a shell
    should not stop every command.
    """
    local = getattr(_thread, "lang", None)
    if local is not None:
        return str(local)
    if _chosen is not None:
        return _chosen
    env = _normalise(os.environ.get(ENV_VAR, "") or ENGLISH)
    return env if env in _languages() else ENGLISH


def _(msgid: str) -> str:
    """Return ``msgid`` translated into the active language (English if missing)."""
    lang = get_language()
    if lang == ENGLISH:
        return msgid
    return catalog(lang).get(msgid, msgid)


def N_(msgid: str) -> str:  # noqa: N802 - the gettext name for a no-op marker
    """Mark ``msgid`` as a message without translating it; translate it later with :func:`_`.

    For messages that must exist before the language is known: module-level
    constants, command help. The catalog test collects ``N_("...")`` literals
    as it collects ``_("...")`` ones.

    Examples
    --------
    >>> set_language("id")
    >>> HINT = N_("error")
    >>> HINT, _(HINT)
    ('error', 'galat')
    >>> set_language("en")
    """
    return msgid


def regime_label(regime: str) -> str:
    """Return the display name of a regime (C10) in the active language.

    Examples
    --------
    >>> set_language("en")
    >>> regime_label("collective_defense")
    'collective defence'
    """
    labels = {
        "as_specified": _("as specified"),
        "self_help": _("self-help"),
        "collective_defense": _("collective defence"),
        "collective_security": _("collective security"),
        "ideal_collective_security": _("ideal collective security"),
    }
    return labels.get(regime, regime)
