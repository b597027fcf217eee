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
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from collsec.errors import CollsecError
from collsec.history.cases import ACTIONS, REVERSALS, Case, CasePrediction, predict_case
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
    "book": "heldout2",
    "cases": 19,
    "accuracy": 0.456,
    "baseline": 0.702,
}
"""The bundled parameter set's one clean out-of-sample score (docs/history.md,
section 3): ``collsec cases evaluate heldout2``, a book coded before any
prediction and scored once, against its own majority labels. ``collsec case``
prints it beside every prediction; ``tests/history`` recomputes it, so it
cannot go stale when the model changes."""

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


def evaluate_book(
    rows: list[BookRow],
    *,
    data_dir: Path | str | None = None,
    hp: HistoryParams | None = None,
    source: str = "<case book>",
    on_case: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Predict every row and score it against the record.

    Returns
    -------
    dict
        ``{"cases": [{"id", "predicted", "recorded", "correct", "line", "notes", ...}],
        "accuracy": {"designated", "action", "reversed", "overall"},
        "baseline": {"labels": {...}, "accuracy": {...}}}``: the baseline
        predicts the book's most frequent label in every column
        (:func:`majority_labels`).

    Raises
    ------
    CollsecError
        If there is no row, a row names a state not in the system in its
        year, or an organisation that did not exist (the message names the row).
    """
    if not rows:
        raise CollsecError(_("a case book needs at least one case"), source=source)
    cases: list[dict[str, Any]] = []
    hits = dict.fromkeys(OUTCOMES, 0)
    for k, row in enumerate(rows):
        try:
            pred: CasePrediction = predict_case(row.case, data_dir=data_dir, hp=hp)
        except CollsecError as err:
            raise CollsecError(
                err.message, source=source, line=k + 2, field=err.field or "row"
            ) from None
        labels = pred.labels()
        correct = {c: labels[c] == row.recorded[c] for c in OUTCOMES}
        for c in OUTCOMES:
            hits[c] += int(correct[c])
        cases.append(
            {
                "id": row.case.id,
                "predicted": labels,
                "recorded": dict(row.recorded),
                "correct": correct,
                "probabilities": {
                    "designated": pred.p_designated,
                    "action": pred.p_action,
                    "reversed": pred.p_reversed,
                },
                "line": k + 2,
                "notes": list(pred.notes),
            }
        )
        if on_case is not None:
            on_case(row.case.id)
    n = len(rows)
    acc = {c: hits[c] / n for c in OUTCOMES}
    acc["overall"] = sum(hits.values()) / (3 * n)
    labels = majority_labels(rows)
    base = {c: sum(r.recorded[c] == labels[c] for r in rows) / n for c in labels}
    base["overall"] = sum(base.values()) / 3
    return {"cases": cases, "accuracy": acc, "baseline": {"labels": labels, "accuracy": base}}
