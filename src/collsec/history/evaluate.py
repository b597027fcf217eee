"""Evaluation against the record: run a case book, compare with what happened.

A case book is a CSV in the schema of ``shared/data/cases/README.md``: columns
``id, year, organization, aggressors, victim, absent, designated, action,
reversed`` (``summary`` and ``sources`` are optional and ignored). Every row is
predicted with the one global parameter set (:func:`predict_case`); nothing
depends on a case's id, year or state codes beyond its data.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from collsec.errors import CollsecError
from collsec.history.agenda import ICB_COLUMNS, icb_inputs
from collsec.history.calibration import (
    CALIBRATION_LAST_YEAR,
    MODEL_VARIANTS,
    ProbabilityModel,
    baseline_variant,
    choose_variant,
    fit_probability_model,
    model_inputs,
    variant_of,
)
from collsec.history.cases import (
    ACTIONS,
    REVERSALS,
    Case,
    CasePrediction,
    argmax_action,
    predict_case,
)
from collsec.history.scores import base_rates, binary, scores
from collsec.history.worlds import ORGS, HistoryParams
from collsec.i18n import _

REQUIRED: tuple[str, ...] = (
    "id",
    "year",
    "organization",
    "aggressors",
    "victim",
    "absent",
    "designated",
    "action",
    "reversed",
)
OUTCOMES: tuple[str, ...] = ("designated", "action", "reversed")
ALLOWED: dict[str, tuple[str, ...]] = {
    "designated": ("yes", "no"),
    "action": ACTIONS,
    "reversed": REVERSALS,
}


OUT_OF_SAMPLE: dict[str, Any] = {
    "book": "icb",
    "train_to": 1979,
    "test_from": 1980,
    "cases": 95,
    "variant": "trigger+region|sim+patron",
    "brier_skill": {"designated": 0.0049, "action": -0.1011},
    "logistic_skill": {"designated": 0.0107, "action": -0.1035},
}
"""The time split of the bundled procedure (docs/history.md, section 3): the
probability model chosen by cross-validation and fitted on the ICB book's
crises to 1979, scored on those of 1980-1999, as Brier skill against the
training years' base rates, beside the logistic baseline's. ``collsec case``
prints it (:func:`trust_sentence`); ``tests/history`` recomputes it, so it
cannot go stale when the model changes."""


def trust_sentence(oos: dict[str, Any] | None = None) -> str:
    """How far to trust a calibrated probability, in words (``collsec case``, the dashboard)."""
    o = OUT_OF_SAMPLE if oos is None else oos
    bss, lg = o["brier_skill"], o["logistic_skill"]

    def word(x: float) -> str:
        if x < -0.02:
            return _("worse than the base rates")
        if x < 0.05:
            return _("no better than the base rates")
        if x < 0.15:
            return _("a little better than the base rates")
        return _("clearly better than the base rates")

    return _(
        "How far to trust this: fitted on the crises to {a} and scored on the {n} crises "
        "of {b}-1999, the probability of a finding was {wd} (Brier skill {d:+.2f}; a "
        "logistic regression on the same inputs {ld:+.2f}) and that of measures {wa} "
        "({m:+.2f}; logistic {lm:+.2f}). Skill 0 is a constant guess of the base rates; read "
        "the diagnosis as the model's reasoning (docs/history.md)."
    ).format(
        a=o["train_to"],
        b=o["test_from"],
        n=o["cases"],
        wd=word(bss["designated"]),
        d=bss["designated"],
        ld=lg["designated"],
        wa=word(bss["action"]),
        m=bss["action"],
        lm=lg["action"],
    )


BUNDLED_BOOKS: tuple[str, ...] = ("heldout", "heldout2", "heldout3")
"""Case books shipped with the package, by name (``collsec cases evaluate heldout``)."""


def resolve_case_book(name_or_path: Path | str) -> Path:
    """The path of a case book: an existing file, else a bundled book by name.

    An existing file always wins, so a local file called ``heldout`` is read as
    given. Anything else is returned unchanged for :func:`read_case_book` to
    report.
    """
    path = Path(name_or_path)
    if path.exists() or str(name_or_path) not in BUNDLED_BOOKS:
        return path
    # The wheel installs the package as plain files (hatch), so the resource
    # is a real path on disk.
    return Path(str(resources.files("collsec.history") / "casebooks" / f"{name_or_path}.csv"))


@dataclass(frozen=True)
class BookRow:
    """One validated row of a case book: the crisis and the record."""

    case: Case
    recorded: dict[str, str]
    attributes: dict[str, float] = field(default_factory=dict)
    """The optional ``icb_*`` columns given (:data:`collsec.history.agenda.ICB_COLUMNS`)."""


def _codes(value: str, source: str, row: int, fld: str, *, required: bool) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in value.split(";") if p.strip())
    if required and not parts:
        raise CollsecError(_("needs at least one state code"), source=source, line=row, field=fld)
    for p in parts:
        if not p.isdigit():
            raise CollsecError(
                _("{code!r} is not a COW state code (a whole number)").format(code=p),
                source=source,
                line=row,
                field=fld,
            )
        # Normalise leading zeros so "002" and "2" name the same state.
    return tuple(str(int(p)) for p in parts)


def read_case_book(path: Path | str) -> list[BookRow]:
    """Read and validate a case book.

    Raises
    ------
    CollsecError
        If the file cannot be read, a column is missing, it has no rows, or a
        value is bad; the message names the file, the row (the header is row 1)
        and the field.
    """
    source = str(path)
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            if not header:
                raise CollsecError(
                    _(
                        "is empty: a case book needs a header row ({need}) and one row per case"
                    ).format(need=", ".join(REQUIRED)),
                    source=source,
                )
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise CollsecError(
                    _("missing column {column!r} (need: {need})").format(
                        column=missing[0], need=", ".join(REQUIRED)
                    ),
                    source=source,
                    line=1,
                    field=missing[0],
                )
            rows = list(reader)
    except OSError as err:
        raise CollsecError(
            _("cannot read the case book: {reason}").format(reason=err.strerror), source=source
        ) from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise CollsecError(
            _("not a readable CSV file: {reason}").format(reason=err), source=source
        ) from None
    if not rows:
        raise CollsecError(
            _("has a header but no rows: a case book needs at least one case"), source=source
        )
    out: list[BookRow] = []
    ids: set[str] = set()
    for k, raw in enumerate(rows):
        line = k + 2
        vals = {c: (raw.get(c) or "").strip() for c in REQUIRED}
        if not vals["id"]:
            raise CollsecError(_("is empty"), source=source, line=line, field="id")
        if vals["id"] in ids:
            raise CollsecError(
                _("duplicate id {id!r}").format(id=vals["id"]), source=source, line=line, field="id"
            )
        ids.add(vals["id"])
        try:
            year = int(vals["year"])
        except ValueError:
            raise CollsecError(
                _("{value!r} is not a year").format(value=vals["year"]),
                source=source,
                line=line,
                field="year",
            ) from None
        org = vals["organization"].lower()
        if org not in ORGS:
            raise CollsecError(
                _("{value!r} is not an organisation: use league or un").format(
                    value=vals["organization"]
                ),
                source=source,
                line=line,
                field="organization",
            )
        aggressors = _codes(vals["aggressors"], source, line, "aggressors", required=True)
        victim = _codes(vals["victim"], source, line, "victim", required=True)
        if len(victim) != 1:
            raise CollsecError(
                _("needs exactly one state code"), source=source, line=line, field="victim"
            )
        absent = _codes(vals["absent"], source, line, "absent", required=False)
        recorded = {}
        for col in OUTCOMES:
            v = vals[col].lower()
            if v not in ALLOWED[col]:
                raise CollsecError(
                    _("{value!r} is not one of {allowed}").format(
                        value=vals[col], allowed=", ".join(ALLOWED[col])
                    ),
                    source=source,
                    line=line,
                    field=col,
                )
            recorded[col] = v
        attributes: dict[str, float] = {}
        for col in ICB_COLUMNS:
            text = (raw.get(col) or "").strip()
            if not text:
                continue
            try:
                attributes[col] = float(text)
            except ValueError:
                raise CollsecError(
                    _("{value!r} is not a number").format(value=text),
                    source=source,
                    line=line,
                    field=col,
                ) from None
        out.append(
            BookRow(
                case=Case(
                    year=year,
                    org=org,
                    aggressors=aggressors,
                    victim=victim[0],
                    absent=absent,
                    id=vals["id"],
                ),
                recorded=recorded,
                attributes=attributes,
            )
        )
    return out


def majority_labels(rows: list[BookRow]) -> dict[str, str]:
    """The most frequent recorded label per column (ties: the first in the book).

    Predicting it for every case is the baseline a model must beat: it uses no
    input at all, and it is read from the very record it is scored on.
    """
    out = {}
    for col in OUTCOMES:
        seen = [r.recorded[col] for r in rows]
        counts = Counter(seen)
        out[col] = max(counts, key=lambda v: (counts[v], -seen.index(v)))
    return out


IN_SAMPLE_NOTE = "in sample: fitted on these same crises"
"""What the JSON says of a baseline fitted on the rows it scores (no time split)."""
OUT_OF_SAMPLE_NOTE = "out of sample: fitted on the training years only"
"""What the JSON says of a baseline fitted on the training rows of a time split."""


def check_variant(variant: str | None, *, fitted: bool) -> None:
    """Refuse an unknown ``--variant``, or one given where nothing is fitted.

    Without a time split the probabilities are the parameter set's calibration
    (``params.yaml``), so a variant would be ignored; it is refused instead.

    Raises
    ------
    CollsecError
        Naming ``--variant`` and the choices.
    """
    if variant is None:
        return
    try:
        variant_of(variant)
    except CollsecError:
        raise CollsecError(
            _("{value!r} is not a variant: choose one of {allowed}").format(
                value=variant, allowed=", ".join(MODEL_VARIANTS)
            ),
            field="--variant",
        ) from None
    if not fitted:
        raise CollsecError(
            _(
                "needs a time split (--train-to and --test-from): without one the "
                "probabilities are the parameter set's calibration and no variant is fitted"
            ),
            field="--variant",
        )


def _split(
    rows: list[BookRow], train_to: int | None, test_from: int | None
) -> tuple[list[int], list[int]]:
    """Indices of the training rows and of the scored rows."""
    if train_to is None and test_from is None:
        return [i for i, r in enumerate(rows) if r.case.year <= CALIBRATION_LAST_YEAR], list(
            range(len(rows))
        )
    if train_to is None or test_from is None:
        raise CollsecError(_("give both --train-to and --test-from"), field="--train-to")
    if train_to > CALIBRATION_LAST_YEAR:
        raise CollsecError(
            _("fits read crises to {last} only").format(last=CALIBRATION_LAST_YEAR),
            field="--train-to",
        )
    if test_from <= train_to:
        raise CollsecError(_("must be after --train-to"), field="--test-from")
    train = [i for i, r in enumerate(rows) if r.case.year <= train_to]
    test = [i for i, r in enumerate(rows) if r.case.year >= test_from]
    if not train:
        raise CollsecError(
            _("no crisis of the book is in the training years (to {y})").format(y=train_to),
            field="--train-to",
        )
    if not test:
        raise CollsecError(
            _("no crisis of the book is in the test years (from {y})").format(y=test_from),
            field="--test-from",
        )
    return train, test


def _outcome_scores(
    p_des: list[float],
    p_act: list[dict[str, float]],
    rows: list[BookRow],
    reference: dict[str, dict[str, float]],
) -> dict[str, dict[str, float | None]]:
    return {
        "designated": scores(
            [binary(p) for p in p_des],
            [r.recorded["designated"] for r in rows],
            ("yes", "no"),
            reference["designated"],
        ),
        "action": scores(p_act, [r.recorded["action"] for r in rows], ACTIONS, reference["action"]),
    }


def book_inputs(preds: list[CasePrediction], rows: list[BookRow]) -> list[dict[str, float]]:
    """Every input of the probability model per row: the simulation's, the data's
    and the book's ``icb_*`` onset codes (:func:`collsec.history.agenda.icb_inputs`)."""
    return [
        {**model_inputs(p.p_designated, p.p_action, p.inputs), **icb_inputs(r.attributes)}
        for p, r in zip(preds, rows, strict=True)
    ]


def book_base_rates(rows: list[BookRow]) -> dict[str, dict[str, float]]:
    """Frequency of each recorded finding and action label among ``rows``."""
    return {
        "designated": base_rates([r.recorded["designated"] for r in rows], ("yes", "no")),
        "action": base_rates([r.recorded["action"] for r in rows], ACTIONS),
    }


def evaluate_book(
    rows: list[BookRow],
    *,
    data_dir: Path | str | None = None,
    hp: HistoryParams | None = None,
    source: str = "<case book>",
    on_case: Callable[[str], None] | None = None,
    train_to: int | None = None,
    test_from: int | None = None,
    base_rate_rows: list[BookRow] | None = None,
    variant: str | None = None,
    predictions: list[CasePrediction] | None = None,
    fit_in_sample: bool = False,
) -> dict[str, Any]:
    """Predict every row and score it against the record.

    Without a split, the probabilities are those of the parameter set's
    calibration (``probability_model`` in ``params.yaml``; a parameter file
    without one gives the simulated shares), and the baselines are fitted on
    the book's rows to 1999. With ``train_to`` and ``test_from``, the
    probability model and the baselines are fitted on the rows to
    ``train_to`` and scored on the rows from ``test_from``: the time split.
    The model's variant is ``variant``, else chosen by blocked
    cross-validation within the training rows
    (:func:`~collsec.history.calibration.choose_variant`).
    ``fit_in_sample`` fits the model on the book's rows to 1999 instead
    (``scripts/calibrate_cases.py``); ``predictions`` reuses simulations
    already run, one per row.

    Returns
    -------
    dict
        ``{"cases": [{"id", "predicted", "recorded", "correct", "probabilities",
        "simulated"}], "accuracy": {...}, "baseline": {"labels", "accuracy"},
        "scores": {"designated": {"brier", "log_loss", "brier_skill",
        "brier_reference"}, "action": {...}}, "baselines": {"constant": {...},
        "logistic": {...}}, "base_rates": {...}, "split": {...}}``. The
        ``baseline`` (majority labels) predicts the scored rows' most frequent
        label in every column (:func:`majority_labels`); the Brier skill scores
        are against ``base_rates``: the frequencies of ``base_rate_rows`` if
        given, else of the training rows under a split, else of the book.

    Raises
    ------
    CollsecError
        If there is no row, a row names a state not in the system in its
        year, or an organisation that did not exist (the message names the
        row); for a split that is impossible or reads a crisis after 1999.
    """
    from collsec.history.worlds import load_history_params

    if not rows:
        raise CollsecError(_("a case book needs at least one case"), source=source)
    hp = hp or load_history_params()
    train_idx, test_idx = _split(rows, train_to, test_from)
    check_variant(variant, fitted=train_to is not None or fit_in_sample)
    if predictions is not None and len(predictions) != len(rows):
        raise CollsecError(_("one prediction per row is needed"), field="predictions")
    preds: list[CasePrediction] = list(predictions or [])
    for k, row in enumerate(rows):
        if predictions is not None:
            break
        try:
            preds.append(predict_case(row.case, data_dir=data_dir, hp=hp))
        except CollsecError as err:
            raise CollsecError(
                err.message, source=source, line=k + 2, field=err.field or "row"
            ) from None
        if on_case is not None:
            on_case(row.case.id)
    inputs = book_inputs(preds, rows)
    split = train_to is not None
    cv: dict[str, dict[str, float]] = {}
    if variant is not None:
        chosen = variant
    elif split or fit_in_sample:
        # The procedure, not one variant, is under test: choose within the training rows.
        chosen, cv = (
            choose_variant(
                [inputs[i] for i in train_idx],
                [rows[i].case.year for i in train_idx],
                [rows[i].recorded["designated"] for i in train_idx],
                [rows[i].recorded["action"] for i in train_idx],
            )
            if len(train_idx) >= 4
            else ("sim", {})
        )
    else:
        chosen = str(hp.probability_model.get("variant") or "sim")

    def fit(name: str, idx: list[int]) -> ProbabilityModel:
        return fit_probability_model(
            [inputs[i] for i in idx],
            [rows[i].case.year for i in idx],
            [rows[i].recorded["designated"] for i in idx],
            [rows[i].recorded["action"] for i in idx],
            name,
        )

    model: ProbabilityModel | None = None
    if split or fit_in_sample:
        model = fit(chosen, train_idx) if train_idx else None
    elif hp.probability_model:
        model = ProbabilityModel.from_dict(hp.probability_model)
    scored = [rows[i] for i in test_idx]
    scored_inputs = [inputs[i] for i in test_idx]
    if model is not None:
        m_des, m_act = model.predict(scored_inputs)
    else:
        m_des = [preds[i].p_designated for i in test_idx]
        m_act = [dict(preds[i].p_action) for i in test_idx]
    train_rows = [rows[i] for i in train_idx]
    if base_rate_rows is not None:
        reference, ref_from = book_base_rates(base_rate_rows), "given"
    elif split:
        reference, ref_from = book_base_rates(train_rows), "training"
    else:
        reference, ref_from = book_base_rates(rows), "book"
    cases: list[dict[str, Any]] = []
    hits = dict.fromkeys(OUTCOMES, 0)
    for row, i, pd_, pa in zip(scored, test_idx, m_des, m_act, strict=True):
        pred = preds[i]
        labels = {
            "designated": "yes" if pd_ >= 0.5 else "no",
            "action": argmax_action(pa),
            "reversed": pred.reversed,
        }
        correct = {c: labels[c] == row.recorded[c] for c in OUTCOMES}
        for c in OUTCOMES:
            hits[c] += int(correct[c])
        cases.append(
            {
                "id": row.case.id,
                "year": row.case.year,
                "predicted": labels,
                "recorded": dict(row.recorded),
                "correct": correct,
                "probabilities": {
                    "designated": float(pd_),
                    "action": {a: float(pa[a]) for a in ACTIONS},
                    "reversed": pred.p_reversed,
                },
                "simulated": {
                    "designated": pred.p_designated,
                    "action": pred.p_action,
                    "reversed": pred.p_reversed,
                },
                "inputs": pred.inputs,
                "line": i + 2,
                "notes": list(pred.notes),
            }
        )
    n = max(len(scored), 1)
    acc = {c: hits[c] / n for c in OUTCOMES}
    acc["overall"] = sum(hits.values()) / (3 * n)
    labels = majority_labels(scored) if scored else {}
    base = {c: sum(r.recorded[c] == labels[c] for r in scored) / n for c in labels}
    base["overall"] = sum(base.values()) / 3 if scored else 0.0
    baselines: dict[str, Any] = {}
    if train_rows:
        const = book_base_rates(train_rows)
        baselines["constant"] = {
            "probabilities": const,
            "scores": _outcome_scores(
                [const["designated"]["yes"]] * len(scored),
                [dict(const["action"])] * len(scored),
                scored,
                reference,
            ),
        }
        logit = fit_probability_model(
            [inputs[i] for i in train_idx],
            [rows[i].case.year for i in train_idx],
            [rows[i].recorded["designated"] for i in train_idx],
            [rows[i].recorded["action"] for i in train_idx],
            baseline_variant(chosen),
        )
        l_des, l_act = logit.predict(scored_inputs)
        in_sample = bool(set(train_idx) & set(test_idx))
        baselines["logistic"] = {
            "inputs": {
                "finding": list(logit.finding.coef),
                "measure": list(logit.action.measure.coef),
                "military": list(logit.action.military.coef),
            },
            "in_sample": in_sample,
            "fitted_on": IN_SAMPLE_NOTE if in_sample else OUT_OF_SAMPLE_NOTE,
            "fit": {"finding": logit.finding.to_dict(), "action": logit.action.to_dict()},
            "scores": _outcome_scores(l_des, l_act, scored, reference),
        }
    return {
        "cases": cases,
        "accuracy": acc,
        "baseline": {"labels": labels, "accuracy": base},
        "scores": _outcome_scores(m_des, m_act, scored, reference),
        "baselines": baselines,
        "base_rates": {"from": ref_from, **reference},
        "model": {
            "variant": model.variant if model is not None else "simulated shares",
            "fitted": bool(split or fit_in_sample),
            "cross_validated_log_loss": cv,
        },
        "split": {
            "train_to": train_to,
            "test_from": test_from,
            "training_rows": len(train_rows),
            "scored_rows": len(scored),
        },
    }
