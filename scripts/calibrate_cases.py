"""Calibrate the global case-prediction parameters on a case book (reproducible).

A small grid over a few global response parameters (how plain aggression is to
a voter, how much alliance ties weigh, the noise in votes, how much sanctions
cut an aggressor's war power) is scored by overall accuracy on the development
case book; ties are broken toward the grid's first (default-nearest) point.
Leave-one-out accuracy is reported honestly: for each case, the grid point
chosen on the other cases predicts it.

Nothing here looks at a case's id, year or state codes: the grid is scored on
whole books only.

``--test BOOK`` (a path, or ``heldout`` for the bundled held-out book) scores
the point chosen on the development book on a test book *after* the choice;
the test book never enters the choice. Beside every accuracy the script prints
a baseline that ignores the inputs: the development book's most frequent label
per column (in leave-one-out, the most frequent label of the other cases).

Usage::

    PYTHONPATH=src python scripts/calibrate_cases.py \\
        [--book ../shared/data/cases/cases.csv [--book heldout]] [--data-dir ../shared/data/cow] \\
        [--draws 600] [--test heldout] [--write]

``--write`` stores the chosen point in ``src/collsec/history/params.yaml``.
"""

from __future__ import annotations

import argparse
import itertools
import warnings
from pathlib import Path

import yaml

from collsec.history.evaluate import (
    OUTCOMES,
    evaluate_book,
    majority_labels,
    read_case_book,
    resolve_case_book,
)
from collsec.history.worlds import load_history_params

GRID: dict[str, tuple[float, ...]] = {
    "params.response.vote_bias": (0.0, 0.1, 0.3, 0.5),
    "params.response.tie_weight": (1.0, 0.5, 0.25),
    "params.response.vote_noise": (0.15, 0.3),
    "params.response.sanction_war_effect": (0.3, 0.6),
}


def per_column(hits: list[dict[str, bool]]) -> str:
    """``designated a, action b, reversed c, overall d`` from per-case hits."""
    n = max(len(hits), 1)
    acc = {c: sum(h[c] for h in hits) / n for c in OUTCOMES}
    overall = sum(acc.values()) / len(OUTCOMES)
    return ", ".join(f"{c} {acc[c]:.3f}" for c in OUTCOMES) + f", overall {overall:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[1]
    ap.add_argument(
        "--book",
        action="append",
        help="case book to calibrate on (a path or a bundled name; repeat to pool books; "
        "default: the development book)",
    )
    ap.add_argument("--data-dir", default=str(root.parent / "shared/data/cow"))
    ap.add_argument("--draws", type=int, default=600)
    ap.add_argument("--test", default=None, help="test book scored after the choice (or heldout)")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    books = args.book or [str(root.parent / "shared/data/cases/cases.csv")]
    rows = [row for book in books for row in read_case_book(resolve_case_book(book))]
    base = load_history_params().with_(draws=args.draws)
    keys = list(GRID)
    points = list(itertools.product(*(GRID[k] for k in keys)))
    # Per point, per case: which columns it got right.
    hits: list[list[dict[str, bool]]] = []
    for m, values in enumerate(points):
        point = dict(zip(keys, values, strict=True))
        hp = base.with_(overrides=point)
        res = evaluate_book(rows, data_dir=args.data_dir, hp=hp)
        hits.append([dict(c["correct"]) for c in res["cases"]])
        print(f"[{m + 1}/{len(points)}] {point} overall={res['accuracy']['overall']:.3f}")
    scores = [[sum(h.values()) for h in per_case] for per_case in hits]
    best = max(range(len(points)), key=lambda m: (sum(scores[m]), -m))
    print("chosen:", dict(zip(keys, points[best], strict=True)))
    print(f"in-sample: {per_column(hits[best])}")
    labels = majority_labels(rows)
    base_hits = [{c: r.recorded[c] == lab for c, lab in labels.items()} for r in rows]
    print(f"  baseline (majority labels {labels}): {per_column(base_hits)}")
    loo: list[dict[str, bool]] = []
    loo_base: list[dict[str, bool]] = []
    for i in range(len(rows)):
        pick = max(
            range(len(points)),
            key=lambda m: (sum(s for j, s in enumerate(scores[m]) if j != i), -m),
        )
        loo.append(hits[pick][i])
        lab = majority_labels([r for j, r in enumerate(rows) if j != i])
        loo_base.append({c: rows[i].recorded[c] == lab[c] for c in OUTCOMES})
    print(f"leave-one-out: {per_column(loo)}")
    print(f"  baseline (majority of the other cases): {per_column(loo_base)}")
    if args.test:
        test_rows = read_case_book(resolve_case_book(args.test))
        hp = base.with_(overrides=dict(zip(keys, points[best], strict=True)))
        res = evaluate_book(test_rows, data_dir=args.data_dir, hp=hp)
        print(f"test book {args.test} ({len(test_rows)} cases), chosen point: ", end="")
        print(per_column([dict(c["correct"]) for c in res["cases"]]))
        lab = majority_labels(rows)
        test_base = [{c: r.recorded[c] == lab[c] for c in OUTCOMES} for r in test_rows]
        print(f"  baseline (development majority labels): {per_column(test_base)}")
    if args.write:
        path = root / "src/collsec/history/params.yaml"
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
        chosen = dict(zip(keys, points[best], strict=True))
        raw["overrides"] = chosen
        head = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
        path.write_text(head + yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
