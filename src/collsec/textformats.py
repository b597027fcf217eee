"""Reading YAML, TOML and JSON input files safely: one parser for every input.

Scenario files, sweep specs and history parameter files are plain data in one
of three formats. :func:`parse_structured` parses any of them and guarantees
that what comes back is plain data of bounded shape, or a
:class:`~collsec.errors.CollsecError` (of the caller's class) naming the file
and the reason:

- a syntax error names the line where the parser gives one;
- nesting deeper than :data:`MAX_DEPTH` levels is refused (the parsers recurse
  once or more per level, so a file nested thousands of levels deep would
  otherwise end in Python's ``RecursionError``);
- more than :data:`MAX_NODES` values in all is refused (YAML aliases can make a
  few lines expand to billions of values: the "billion laughs" file).

No input of collsec nests deeper than about ten levels, so the depth bound
never refuses a real file.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from typing import Any

import yaml

from collsec.errors import CollsecError
from collsec.i18n import _

_FORMATS = {".toml": "TOML", ".json": "JSON"}

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML has it: the same tags as ``yaml.safe_load``,
linear in the nesting (the pure-Python scanner takes seconds on a file of ten
thousand brackets) and with its own bound on the depth."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted in an input file."""

MAX_NODES = 10_000_000
"""Most values (mappings, lists and scalars, aliases counted each time) in one file."""


def check_shape(data: Any, source: str, error: type[CollsecError] = CollsecError) -> Any:
    """Return ``data`` unchanged if it nests at most :data:`MAX_DEPTH` levels and
    holds at most :data:`MAX_NODES` values; raise ``error`` naming ``source`` if not.

    Walks without recursion and visits a value shared by YAML aliases once,
    while counting it as often as it appears (what validation would expand),
    so an alias bomb is measured in microseconds and any depth safely.

    Raises
    ------
    CollsecError
        (of class ``error``) If the data nests too deeply, holds too many
        values, or contains itself (a recursive YAML alias).
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    open_ids: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if isinstance(node, Mapping):
            children: list[Any] = list(node.values())
        elif isinstance(node, list | tuple):
            children = list(node)
        else:
            continue
        if done:
            open_ids.discard(key)
            kids = [c for c in children if isinstance(c, Mapping | list | tuple)]
            size[key] = 1 + len(children) - len(kids) + sum(size[id(c)] for c in kids)
            height[key] = 1 + max((height[id(c)] for c in kids), default=0)
            if height[key] > MAX_DEPTH:
                raise error(
                    _("nested more than {n} levels deep").format(n=MAX_DEPTH), source=source
                )
            if size[key] > MAX_NODES:
                raise error(
                    _("holds more than {n} values (YAML aliases expanding?)").format(n=MAX_NODES),
                    source=source,
                )
            continue
        if key in size:
            continue
        if key in open_ids or len(open_ids) >= MAX_DEPTH:
            raise error(_("nested more than {n} levels deep").format(n=MAX_DEPTH), source=source)
        open_ids.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children)
    return data


def parse_structured(
    text: str, suffix: str, source: str, error: type[CollsecError] = CollsecError
) -> Any:
    """Parse ``text`` as TOML (``.toml``), JSON (``.json``) or YAML (anything else).

    Parameters
    ----------
    text
        The file's text.
    suffix
        The file's suffix, lower case, with its dot.
    source
        The file's name, for messages.
    error
        The error class raised (a :class:`~collsec.errors.CollsecError` subclass).

    Returns
    -------
    Any
        The plain data; ``None`` for an empty file (YAML or TOML).

    Raises
    ------
    CollsecError
        (of class ``error``) If the text is not valid in its format, nests
        more than :data:`MAX_DEPTH` levels, or holds more than
        :data:`MAX_NODES` values.
    """
    try:
        if suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_YAML_LOADER)
    except RecursionError:
        raise error(
            _("nested more than {n} levels deep").format(n=MAX_DEPTH), source=source
        ) from None
    except tomllib.TOMLDecodeError as err:
        raise error(_("not valid TOML: {reason}").format(reason=err), source=source) from None
    except json.JSONDecodeError as err:
        raise error(
            _("not valid JSON: {reason}").format(reason=err.msg), source=source, line=err.lineno
        ) from None
    except ValueError as err:  # a number too long to convert to an int, and the like
        raise error(
            _("not valid {format}: {reason}").format(
                format=_FORMATS.get(suffix, "YAML"), reason=err
            ),
            source=source,
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        if "maximum nesting depth" in problem:  # libyaml's own depth bound
            raise error(
                _("nested more than {n} levels deep").format(n=MAX_DEPTH), source=source
            ) from None
        raise error(
            _("not valid YAML: {reason}").format(reason=problem), source=source, line=line
        ) from None
    if suffix == ".toml" and data == {}:
        # An empty TOML file is an empty document, as an empty YAML file is
        # (None): both are refused by the caller, not read as "all defaults".
        return None
    return check_shape(data, source, error)
