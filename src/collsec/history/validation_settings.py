"""The settings of ``collsec validate``: the ``validation`` block of ``params.yaml``.

The dynamic model runs from the historical worlds of 1920 and 1946 with the
scenario's default phase parameters except these history parameters, each
read from data or from a fit to data (docs/history.md, section 4):

- ``power_measure``, ``revisionism``, ``similarity``: how the starting worlds
  are built (:class:`~collsec.history.worlds.HistoryParams`);
- ``overrides``: dotted ``params.*`` values, e.g. the participation logit
  fitted on the war record (``scripts/estimate_participation.py``);
- ``sanction_willingness``: the share of the sanctioners' weight an
  aggressor meets, the organisations' recorded rate of sanctions after a
  finding; it scales ``response.sanction_penalty`` (the cost is linear in
  both).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from collsec.errors import CollsecError
from collsec.i18n import _

__all__ = ["ValidationSettings", "parse_validation"]


@dataclass(frozen=True)
class ValidationSettings:
    """What ``collsec validate`` changes from the scenario defaults (see the module)."""

    power_measure: str = "cinc"
    revisionism: str = "constant"
    similarity: str = "alliances"
    sanction_willingness: float = 1.0
    overrides: dict[str, Any] = field(default_factory=dict)


_KEYS = {"power_measure", "revisionism", "similarity", "sanction_willingness", "overrides"}


def parse_validation(raw: Any, source: str) -> ValidationSettings:
    """Read the ``validation`` block (absent: the scenario defaults, CINC, constant, alliances).

    Raises
    ------
    CollsecError
        A key that is not one of the settings, or a value of the wrong kind
        or out of range (the choices of the three world settings are checked
        with the other history parameters).
    """
    if raw is None:
        return ValidationSettings()
    if not isinstance(raw, dict):
        raise CollsecError(_("must be a mapping"), source=source, field="validation")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise CollsecError(
            _("unknown setting {name!r}; use {choices}").format(
                name=unknown[0], choices=", ".join(sorted(_KEYS))
            ),
            source=source,
            field="validation",
        )
    try:
        will = float(raw.get("sanction_willingness", 1.0))
    except (TypeError, ValueError):
        will = -1.0
    if not 0.0 <= will <= 1.0:
        raise CollsecError(
            _("must be from 0 to 1"), source=source, field="validation.sanction_willingness"
        )
    overrides = raw.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise CollsecError(_("must be a mapping"), source=source, field="validation.overrides")
    return ValidationSettings(
        power_measure=str(raw.get("power_measure", "cinc")),
        revisionism=str(raw.get("revisionism", "constant")),
        similarity=str(raw.get("similarity", "alliances")),
        sanction_willingness=will,
        overrides=dict(overrides),
    )
