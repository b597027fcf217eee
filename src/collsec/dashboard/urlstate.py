"""The whole state of the app in the URL, so a teacher can send a link.

The state is a flat mapping of named fields (page, chapter, language,
scenario, regimes, seed, run size, the sandbox's parameter overrides, the
predictions, the historical case and its counterfactuals). :func:`decode`
reads a query string's parameters into typed values, dropping any that is
invalid with a reason; :func:`encode` writes back only what differs from the
defaults, so links stay short and a reload shows the same thing.

The parameters of the model are not declared here: any ``params.*`` key is
checked against :func:`collsec.scenario.parameter_table`, the schema's one
declaration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from collsec.i18n import _, available_languages
from collsec.scenario import REGIMES, bundled_scenarios, parameter_table

PAGES: tuple[str, ...] = ("learn", "explore", "history", "glossary")
"""The app's pages, in menu order."""

CHAPTER_COUNT = 7


@dataclass(frozen=True)
class FieldSpec:
    """One URL field: its kind, default and (for ``choice``) allowed values."""

    kind: str  # choice | int | str | bool | list
    default: Any
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None


@cache
def fields() -> dict[str, FieldSpec]:
    """Every URL field but the ``params.*`` and ``pred.*`` ones."""
    return {
        "page": FieldSpec("choice", "learn", PAGES),
        "lang": FieldSpec("choice", "", tuple(available_languages())),
        "ch": FieldSpec("int", 1, low=1, high=CHAPTER_COUNT),
        "ran": FieldSpec("bool", False),
        "go": FieldSpec("bool", False),
        "off": FieldSpec("list", (), ("O1", "O2", "O3", "O4", "O5", "M1", "M2", "M3")),
        "scenario": FieldSpec("choice", "default", tuple(bundled_scenarios())),
        "regimes": FieldSpec("list", ("self_help", "collective_security"), REGIMES),
        "seed": FieldSpec("int", 20261127, low=0),
        "reps": FieldSpec("int", 20, low=1, high=10_000_000),
        "years": FieldSpec("int", 100, low=1, high=100_000),
        "rep": FieldSpec("int", 0, low=0),
        "year": FieldSpec("int", 0, low=0),
        "crisis": FieldSpec("int", -1, low=-1),
        "book": FieldSpec("str", "chapters"),
        "case": FieldSpec("str", ""),
        "org": FieldSpec("choice", "un", ("league", "un")),
        "cyear": FieldSpec("int", 1950, low=1816, high=2100),
        "aggressors": FieldSpec("str", ""),
        "victim": FieldSpec("str", ""),
        "absent": FieldSpec("str", ""),
        "add": FieldSpec("str", ""),
        "remove": FieldSpec("str", ""),
        "rule": FieldSpec("str", ""),
        "cf_absent": FieldSpec("str", ""),
    }


@cache
def _params() -> dict[str, dict[str, Any]]:
    return {row["path"]: row for row in parameter_table()}


def _number(text: str, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(text)
    except ValueError:
        raise ValueError(_("not a number")) from None


def _parse_param(path: str, text: str) -> Any:
    row = _params()[path]
    default = row["default"]
    if isinstance(default, bool):
        if text.lower() not in ("true", "false"):
            raise ValueError(_("must be true or false"))
        return text.lower() == "true"
    value: float | int = _number(text, int if isinstance(default, int) else float)
    lo, hi = row["low"], row["high"]
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(_("must lie in [{low}, {high}]").format(low=lo, high=hi))
    return value


def _parse(spec: FieldSpec, text: str) -> Any:
    if spec.kind == "choice":
        if text not in spec.choices:
            raise ValueError(_("must be one of {choices}").format(choices=", ".join(spec.choices)))
        return text
    if spec.kind == "int":
        value = int(_number(text, int))
        if (spec.low is not None and value < spec.low) or (
            spec.high is not None and value > spec.high
        ):
            raise ValueError(_("out of range"))
        return value
    if spec.kind == "bool":
        return text in ("1", "true")
    if spec.kind == "list":
        items = tuple(t for t in text.split(",") if t)
        bad = [t for t in items if t not in spec.choices]
        if bad or not items:
            raise ValueError(_("must be one of {choices}").format(choices=", ".join(spec.choices)))
        return items
    return text


def defaults() -> dict[str, Any]:
    """The state of a fresh app (no query string)."""
    return {k: f.default for k, f in fields().items()}


def decode(query: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Read a query string's parameters into a state.

    Returns
    -------
    tuple
        The state (defaults for missing or invalid fields, ``params`` a dict
        of overrides, ``pred`` a dict of predictions) and one line per field
        that was dropped, naming it and why.

    Examples
    --------
    >>> state, problems = decode({"page": "explore", "seed": "7", "ch": "9"})
    >>> state["page"], state["seed"], state["ch"], problems
    ('explore', 7, 1, ['ch: out of range'])
    """
    state = defaults()
    state["params"] = {}
    state["pred"] = {}
    problems: list[str] = []
    specs = fields()
    for key, raw in query.items():
        text = str(raw)
        try:
            if key in specs:
                state[key] = _parse(specs[key], text)
            elif key in _params():
                state["params"][key] = _parse_param(key, text)
            elif key.startswith("pred.") and len(key) > 5:
                state["pred"][key[5:]] = text
            else:
                problems.append(_("{field}: not a field of the app").format(field=key))
        except ValueError as err:
            problems.append(f"{key}: {err}")
    return state, problems


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value)


def encode(state: Mapping[str, Any]) -> dict[str, str]:
    """The query parameters of a state: the page always, other fields when not default.

    Examples
    --------
    >>> s = defaults() | {"page": "explore", "seed": 7, "params": {}, "pred": {}}
    >>> encode(s)
    {'page': 'explore', 'seed': '7'}
    """
    out: dict[str, str] = {}
    for key, spec in fields().items():
        value = state.get(key, spec.default)
        if key == "page" or value != spec.default:
            if spec.kind == "bool":
                out[key] = "1" if value else "0"
            else:
                out[key] = _text(value)
    for path, value in sorted((state.get("params") or {}).items()):
        if value != _params()[path]["default"]:
            out[path] = _text(value)
    for key, value in sorted((state.get("pred") or {}).items()):
        if value:
            out[f"pred.{key}"] = str(value)
    return out
