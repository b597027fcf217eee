"""A crisis' diagnosis in words: which of Organski's and Morgenthau's conditions held.

The values and verdicts are the library's own (:mod:`collsec.diagnosis`, per
crisis of a run's log; :func:`collsec.history.cases.predict_case`, per
historical crisis); this module only says them, one sentence a condition:
"the coalition's power was 0.8 times the aggressor's: Morgenthau's first
condition failed".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from collsec.diagnosis import CONDITIONS
from collsec.i18n import N_, _

# (held, failed) sentence of each condition; {v} is its value.
_SENTENCES: dict[str, tuple[str, str]] = {
    "O1": (
        N_(
            "{v:.0%} of the voters designated the aggressor: Organski's first assumption "
            "(agreement on the aggressor) held"
        ),
        N_(
            "only {v:.0%} of the voters designated the aggressor: Organski's first assumption "
            "(agreement on the aggressor) failed"
        ),
    ),
    "O2": (
        N_(
            "{v:.0%} of the members were willing to act: Organski's second assumption "
            "(equal commitment) held"
        ),
        N_(
            "only {v:.0%} of the members were willing to act: Organski's second assumption "
            "(equal commitment) failed"
        ),
    ),
    "O3": (
        N_(
            "{v:.0%} of the members were able to act: Organski's third assumption "
            "(freedom and ability to act) held"
        ),
        N_(
            "only {v:.0%} of the members were able to act: Organski's third assumption "
            "(freedom and ability to act) failed"
        ),
    ),
    "O4": (
        N_(
            "the coalition's power was {v:.2g} times the aggressor's: Organski's fourth "
            "assumption (sufficient power) held"
        ),
        N_(
            "the coalition's power was {v:.2g} times the aggressor's: Organski's fourth "
            "assumption (sufficient power) failed"
        ),
    ),
    "O5": (
        N_(
            "the aggressor was deterred or defeated: Organski's fifth assumption "
            "(deterrence or defeat) held"
        ),
        N_(
            "the aggressor was neither deterred nor defeated: Organski's fifth assumption "
            "(deterrence or defeat) failed"
        ),
    ),
    "M1": (
        N_(
            "the force the system could muster was {v:.2g} times the aggressor's: "
            "Morgenthau's first condition (overwhelming force) held"
        ),
        N_(
            "the force the system could muster was only {v:.2g} times the aggressor's: "
            "Morgenthau's first condition (overwhelming force) failed"
        ),
    ),
    "M2": (
        N_(
            "the members' interests were {v:.2f} alike (0 to 1): Morgenthau's second "
            "condition (a shared view of the order) held"
        ),
        N_(
            "the members' interests were only {v:.2f} alike (0 to 1): Morgenthau's second "
            "condition (a shared view of the order) failed"
        ),
    ),
    "M3": (
        N_(
            "{v:.0%} of the members had no tie to the aggressor: Morgenthau's third "
            "condition (interests set aside) held"
        ),
        N_(
            "only {v:.0%} of the members had no tie to the aggressor: Morgenthau's third "
            "condition (interests set aside) failed"
        ),
    ),
}

CONDITION_NAMES: dict[str, str] = {
    "O1": N_("agreement on the aggressor"),
    "O2": N_("equal commitment"),
    "O3": N_("freedom and ability to act"),
    "O4": N_("sufficient power"),
    "O5": N_("deterrence or defeat"),
    "M1": N_("overwhelming force"),
    "M2": N_("a shared view of the order"),
    "M3": N_("interests set aside"),
}
"""Short name of each condition (THEORY.md), translated where shown."""


def _finite(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def verdicts_of_row(row: Mapping[str, Any]) -> dict[str, tuple[float | None, bool | None]]:
    """``{cond: (value, holds)}`` from a crisis-log row (``O1_value``, ``O1_holds``, ...)."""
    out: dict[str, tuple[float | None, bool | None]] = {}
    for c in CONDITIONS:
        h = row.get(f"{c}_holds")
        holds = None if h is None or (isinstance(h, float) and math.isnan(h)) else bool(h)
        out[c] = (_finite(row.get(f"{c}_value")), holds)
    return out


def verdicts_of_case(
    diagnosis: Mapping[str, Mapping[str, Any]],
) -> dict[str, tuple[float | None, bool | None]]:
    """``{cond: (value, holds)}`` from :attr:`CasePrediction.diagnosis`."""
    return {
        c: (_finite(diagnosis[c].get("value")), diagnosis[c].get("holds"))
        for c in CONDITIONS
        if c in diagnosis
    }


def sentence(cond: str, value: float | None, holds: bool | None) -> str:
    """One condition in words (translated)."""
    if holds is None or value is None:
        return _("{cond} ({name}): does not apply, no arrangement covered the victim").format(
            cond=cond, name=_(CONDITION_NAMES[cond])
        )
    held, failed = _SENTENCES[cond]
    return _(held if holds else failed).format(v=value)


def headline(verdicts: Mapping[str, tuple[float | None, bool | None]]) -> str:
    """One line: which conditions failed and which held."""
    failed = [c for c, (_v, h) in verdicts.items() if h is False]
    held = [c for c, (_v, h) in verdicts.items() if h is True]
    return _("Failed: {failed}. Held: {held}.").format(
        failed=", ".join(failed) or _("none"), held=", ".join(held) or _("none")
    )


def explain(verdicts: Mapping[str, tuple[float | None, bool | None]]) -> list[str]:
    """Every condition in words, failed ones first (they explain an outcome)."""
    order = sorted(verdicts, key=lambda c: (verdicts[c][1] is not False, CONDITIONS.index(c)))
    return [sentence(c, *verdicts[c]) for c in order]
