"""Calibrated probabilities of a finding and of measures, fitted by log loss.

The simulation (:func:`collsec.history.cases.predict_case`) gives, for one
crisis, the share of its draws with a finding and with each instrument. Those
shares are the model's reasoning, not yet probabilities that mean what they
say: in the development books the simulated League and UN find against almost
every aggressor no party vetoes. The *probability model* maps them, with the
data's other inputs, to calibrated probabilities by two logistic
regressions fitted by maximum likelihood (the log loss, a proper scoring rule):

- finding: ``P(designated) = logit^-1(a + b * sim_designated + ...)``;
- action: ``P(any measure) = logit^-1(... sim_measure ...)`` and
  ``P(military | a measure) = logit^-1(... sim_military ...)``.

``sim_*`` are the simulated shares on the log-odds scale (clipped to
[0.01, 0.99]). The other inputs (:func:`model_inputs`) read only data: the
organisation (``un``), the great-power flag of the parties, their membership,
the power ratio, :func:`collsec.history.interests.patron_closeness` and
:func:`collsec.history.interests.sanction_record`. Which inputs enter is a
*variant* (:data:`VARIANTS`), chosen by cross-validation within the training
years (``scripts/calibrate_cases.py``).

No crisis after :data:`CALIBRATION_LAST_YEAR` may enter a fit
(:func:`check_calibration_years`): the crises of 2000-2019 are kept back to
judge the model, as a forecast is judged on the future.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from collsec.errors import CollsecError
from collsec.history.agenda import ASSEMBLY_INPUTS, CASE_INPUTS, ICB_INPUTS, REGIONS
from collsec.history.scores import DEFAULT_C, ActionLogit, Logit, fit_action, fit_logit
from collsec.i18n import _

CALIBRATION_LAST_YEAR = 1999
"""The last crisis year any fit may read (issue 12: the crises of 2000-2019 are the test)."""

SIM_CLIP = 0.01

BASELINE_INPUTS: tuple[str, ...] = (
    "great_power_party",
    "patron_closeness",
    "log_power_ratio",
    "aggressor_member",
    "victim_member",
    "un",
)
"""Inputs of the logistic baseline: the crisis' data without the simulation."""


REGION_INPUTS: tuple[str, ...] = tuple(r[0] for r in REGIONS)
TRIGGER_INPUTS: tuple[str, ...] = ("violent_trigger", "protracted")


@dataclass(frozen=True)
class Variant:
    """Which inputs each of the three logits reads."""

    finding: tuple[str, ...]
    measure: tuple[str, ...]
    military: tuple[str, ...]


VARIANTS: dict[str, Variant] = {
    "sim": Variant(("sim_designated", "un"), ("sim_measure", "un"), ("sim_military",)),
    "sim+patron": Variant(
        ("sim_designated", "un", "patron_closeness"),
        ("sim_measure", "un", "patron_closeness"),
        ("sim_military",),
    ),
    "sim+patron+sanctions": Variant(
        ("sim_designated", "un", "patron_closeness", "sanction_record"),
        ("sim_measure", "un", "patron_closeness", "sanction_record"),
        ("sim_military",),
    ),
    "sim+data": Variant(
        ("sim_designated", *BASELINE_INPUTS, "sanction_record"),
        ("sim_measure", *BASELINE_INPUTS, "sanction_record"),
        ("sim_military", "log_power_ratio", "great_power_party"),
    ),
    # Issue 12, the agenda and the deciding body (collsec.history.agenda): what
    # a forecaster knows when the crisis begins. Registered in docs/history.md
    # (section 3) before the test years were scored.
    "sim+region": Variant(
        ("sim_designated", "un", *REGION_INPUTS), ("sim_measure", "un"), ("sim_military",)
    ),
    "sim+trigger": Variant(
        ("sim_designated", "un", *TRIGGER_INPUTS),
        ("sim_measure", "un", *TRIGGER_INPUTS),
        ("sim_military",),
    ),
    "sim+trigger+region": Variant(
        ("sim_designated", "un", *TRIGGER_INPUTS, *REGION_INPUTS),
        ("sim_measure", "un", *TRIGGER_INPUTS),
        ("sim_military",),
    ),
    "sim+assembly": Variant(
        ("sim_designated", "un", "patron_closeness", *ASSEMBLY_INPUTS),
        ("sim_measure", "un", "patron_closeness", *ASSEMBLY_INPUTS),
        ("sim_military",),
    ),
    "sim+agenda": Variant(
        ("sim_designated", "un", "patron_closeness", *ASSEMBLY_INPUTS, *CASE_INPUTS, *ICB_INPUTS),
        ("sim_measure", "un", "patron_closeness", *ASSEMBLY_INPUTS, *CASE_INPUTS, *ICB_INPUTS),
        ("sim_military",),
    ),
    "trigger+region": Variant(("un", *TRIGGER_INPUTS, *REGION_INPUTS), ("un", *TRIGGER_INPUTS), ()),
    "logistic": Variant(BASELINE_INPUTS, BASELINE_INPUTS, BASELINE_INPUTS),
}
"""The model's variants and, last, the logistic baseline (the same form without
the simulation's shares). A model may take its finding logit from one variant
and its action logits from another: ``"A|B"`` (:func:`variant_of`)."""


def variant_of(name: str) -> Variant:
    """The inputs of a variant: a name of :data:`VARIANTS`, or ``"A|B"`` (finding of
    A, action of B).

    Raises
    ------
    CollsecError
        For a name that is neither.
    """
    parts = name.split("|")
    if len(parts) > 2 or not all(p in VARIANTS for p in parts):
        raise CollsecError(
            _("{value!r} is not one of {allowed}").format(value=name, allowed=", ".join(VARIANTS)),
            field="variant",
        )
    f, a = VARIANTS[parts[0]], VARIANTS[parts[-1]]
    return Variant(f.finding, a.measure, a.military)


def baseline_variant(name: str) -> Variant:
    """The logistic baseline beside the model ``name``: the issue's inputs
    (:data:`BASELINE_INPUTS`) and every non-simulated input the model reads, in
    each logit; so the simulation's shares are the only difference."""

    def add(extra: tuple[str, ...]) -> tuple[str, ...]:
        more = [k for k in extra if not k.startswith("sim_") and k not in BASELINE_INPUTS]
        return (*BASELINE_INPUTS, *dict.fromkeys(more))

    v = variant_of(name)
    return Variant(add(v.finding), add(v.measure), add(v.military))


def _logodds(p: float) -> float:
    q = min(max(float(p), SIM_CLIP), 1 - SIM_CLIP)
    return math.log(q / (1 - q))


def model_inputs(
    p_designated: float, p_action: Mapping[str, float], data_inputs: Mapping[str, float]
) -> dict[str, float]:
    """Every input of the probability model and the baseline, for one crisis.

    Parameters
    ----------
    p_designated, p_action
        The simulation's shares of draws with a finding and with each instrument.
    data_inputs
        :attr:`CasePrediction.inputs <collsec.history.cases.CasePrediction>`:
        ``un``, ``great_power_party``, ``aggressor_member``, ``victim_member``,
        ``log_power_ratio``, ``patron_closeness``, ``sanction_record``.
    """
    measure = 1.0 - float(p_action.get("none", 0.0))
    mil = float(p_action.get("military", 0.0))
    out = {k: float(v) for k, v in data_inputs.items()}
    out["sim_designated"] = _logodds(p_designated)
    out["sim_measure"] = _logodds(measure)
    out["sim_military"] = _logodds(mil / measure) if measure > 0 else 0.0
    return out


@dataclass(frozen=True)
class ProbabilityModel:
    """The fitted finding and action logits (``probability_model`` in ``params.yaml``)."""

    variant: str
    finding: Logit
    action: ActionLogit
    fitted_on: str = ""

    def predict(
        self, rows: Sequence[Mapping[str, float]]
    ) -> tuple[list[float], list[dict[str, float]]]:
        """Calibrated ``P(designated)`` and ``P(action)`` per row of :func:`model_inputs`."""
        return [float(p) for p in self.finding.predict(rows)], self.action.predict(rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``params.yaml``."""
        return {
            "variant": self.variant,
            "fitted_on": self.fitted_on,
            "finding": self.finding.to_dict(),
            "action": self.action.to_dict(),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], source: str = "params.yaml") -> ProbabilityModel:
        """Read :meth:`to_dict`'s form; a bad entry is a :class:`CollsecError`."""
        if "finding" not in raw or "action" not in raw:
            raise CollsecError(
                _("needs 'finding' and 'action'"), source=source, field="probability_model"
            )
        return cls(
            variant=str(raw.get("variant", "")),
            finding=Logit.from_dict(raw["finding"], source),
            action=ActionLogit.from_dict(raw["action"], source),
            fitted_on=str(raw.get("fitted_on", "")),
        )


def check_calibration_years(years: Sequence[int], last: int = CALIBRATION_LAST_YEAR) -> None:
    """Refuse a fit that would read a crisis after ``last`` (1999).

    Raises
    ------
    CollsecError
        Naming the first such year.
    """
    late = [y for y in years if y > CALIBRATION_LAST_YEAR or y > last]
    if late:
        raise CollsecError(
            _(
                "a crisis of {year} cannot enter a calibration: fits read crises to {last} "
                "only (the later ones are kept back to judge the model)"
            ).format(year=min(late), last=min(last, CALIBRATION_LAST_YEAR)),
            field="year",
        )


def fit_probability_model(
    rows: Sequence[Mapping[str, float]],
    years: Sequence[int],
    designated: Sequence[str],
    actions: Sequence[str],
    variant: str | Variant,
    *,
    C: float | None = DEFAULT_C,
    fitted_on: str = "",
) -> ProbabilityModel:
    """Fit one variant by log loss on crises to 1999 (:func:`check_calibration_years`).

    Raises
    ------
    CollsecError
        For a crisis after 1999, an unknown variant, or no rows.
    """
    check_calibration_years(years)
    v = variant_of(variant) if isinstance(variant, str) else variant
    variant = variant if isinstance(variant, str) else "logistic"
    finding = fit_logit(rows, [d == "yes" for d in designated], v.finding, C=C)
    action = fit_action(rows, actions, v.measure, v.military, C=C)
    return ProbabilityModel(variant, finding, action, fitted_on)


def cross_validated_log_loss(
    rows: Sequence[Mapping[str, float]],
    years: Sequence[int],
    designated: Sequence[str],
    actions: Sequence[str],
    variant: str,
    *,
    folds: int = 5,
) -> dict[str, float]:
    """Log loss of a variant in ``folds`` contiguous blocks of years, each predicted by the rest.

    The rows are ordered by year and cut into ``folds`` blocks of near-equal
    size; each block is predicted by the fit on the other blocks, so the score
    reads no row twice and, like the time split, predicts whole periods.
    """
    from collsec.history.scores import log_loss

    order = sorted(range(len(rows)), key=lambda i: (years[i], i))
    k = max(2, min(folds, len(rows)))
    blocks = [order[j * len(order) // k : (j + 1) * len(order) // k] for j in range(k)]
    pd_all: dict[int, dict[str, float]] = {}
    pa_all: dict[int, dict[str, float]] = {}
    for block in blocks:
        test = set(block)
        train = [i for i in order if i not in test]
        m = fit_probability_model(
            [rows[i] for i in train],
            [years[i] for i in train],
            [designated[i] for i in train],
            [actions[i] for i in train],
            variant,
        )
        p_d, p_a = m.predict([rows[i] for i in block])
        for i, pd_, pa in zip(block, p_d, p_a, strict=True):
            pd_all[i] = {"yes": pd_, "no": 1 - pd_}
            pa_all[i] = pa
    idx = sorted(pd_all)
    return {
        "designated": log_loss([pd_all[i] for i in idx], [designated[i] for i in idx]),
        "action": log_loss([pa_all[i] for i in idx], [actions[i] for i in idx]),
    }


MODEL_VARIANTS: tuple[str, ...] = tuple(v for v in VARIANTS if v != "logistic")


def choose_variant(
    rows: Sequence[Mapping[str, float]],
    years: Sequence[int],
    designated: Sequence[str],
    actions: Sequence[str],
    *,
    folds: int = 5,
) -> tuple[str, dict[str, dict[str, float]]]:
    """The finding logit and the action logits, each of the model variant with the
    least cross-validated log loss of its outcome.

    Ties go to the simpler variant (the earlier in :data:`VARIANTS`). Returns
    the choice (``"A"``, or ``"A|B"`` when the finding's variant A differs from
    the action's B, :func:`variant_of`) and every variant's cross-validated
    log losses. A variant whose inputs the rows lack (the ``icb_*`` inputs of a
    book without them) is fitted without them, as every fit is.
    """
    table = {
        v: cross_validated_log_loss(rows, years, designated, actions, v, folds=folds)
        for v in MODEL_VARIANTS
    }

    def best(outcome: str) -> str:
        return min(
            MODEL_VARIANTS, key=lambda v: (round(table[v][outcome], 9), MODEL_VARIANTS.index(v))
        )

    f, a = best("designated"), best("action")
    return (f if f == a else f"{f}|{a}"), table
