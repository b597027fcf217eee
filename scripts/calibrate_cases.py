"""Fit the probability model of case prediction by log loss (reproducible).

The simulation's shares of draws (with the bundled response parameters) and
the data's inputs are mapped to calibrated probabilities by the logits of
:mod:`collsec.history.calibration`, fitted by maximum likelihood (log loss, a
proper scoring rule), never by accuracy, on the crises of the given books up
to 1999. Crises after 1999 are listed and left out: the fit refuses them
(:func:`~collsec.history.calibration.check_calibration_years`).

Two fits, each with the variant chosen by 5-fold blocked cross-validation
*within its own training years* (and, with ``--grid``, the response grid
point chosen by the same cross-validation within the time split's training
years, for both):

1. **time split**: fitted on the crises to ``--train-to`` (1979), scored on
   those from ``--test-from`` (1980) to 1999, with the constant guess (the
   training years' base rates) and the logistic baseline fitted on the same
   years; skill against the training years' base rates;
2. **bundled**: fitted on every crisis to 1999; ``--write`` stores it as
   ``probability_model`` in ``src/collsec/history/params.yaml``.

Rows found in several books (same year, lead aggressor and victim) are kept
once, from the first book that has them. ``--json FILE`` writes every row's
probabilities (both fits) for ``scripts/reliability_diagram.py``.

Usage::

    PYTHONPATH=src python scripts/calibrate_cases.py --book icb.csv \\
        --book ../shared/data/cases/cases.csv --book heldout --book heldout2 \\
        [--data-dir ../shared/data/cow] [--draws 2000] [--json cal.json] [--write]
"""

from __future__ import annotations

import argparse
import itertools
import json
import warnings
from pathlib import Path
from typing import Any

import yaml

from collsec.history.calibration import CALIBRATION_LAST_YEAR
from collsec.history.cases import predict_case
from collsec.history.evaluate import BookRow, evaluate_book, read_case_book, resolve_case_book
from collsec.history.worlds import load_history_params


def pooled(books: list[str]) -> tuple[list[BookRow], list[BookRow], int]:
    """Rows to 1999 (first book wins a duplicate), rows after 1999, duplicates dropped."""
    seen: set[tuple[int, str, str]] = set()
    keep: list[BookRow] = []
    late: list[BookRow] = []
    dup = 0
    for book in books:
        for row in read_case_book(resolve_case_book(book)):
            key = (row.case.year, row.case.aggressors[0], row.case.victim)
            if key in seen:
                dup += 1
                continue
            seen.add(key)
            (late if row.case.year > CALIBRATION_LAST_YEAR else keep).append(row)
    return keep, late, dup


COMMENT: tuple[str, ...] = (
    "# probability_model: calibrated P(finding) and P(action) from the simulated",
    "# shares and the data's inputs, fitted by log loss on crises to 1999 by",
    "# scripts/calibrate_cases.py (docs/history.md, section 3). Do not edit by hand.",
)

GRID: dict[str, tuple[float, ...]] = {
    "params.response.vote_bias": (0.5, 0.2, 0.0),
    "params.response.tie_weight": (0.25, 1.0),
}


def cv_total(res: dict[str, Any]) -> float:
    """Cross-validated log loss of the chosen variant, finding plus action
    (``"A|B"``: the finding's of A and the action's of B)."""
    table = res["model"]["cross_validated_log_loss"]
    parts = res["model"]["variant"].split("|")
    return float(table[parts[0]]["designated"] + table[parts[-1]]["action"])


def line(label: str, sc: dict[str, Any]) -> str:
    d, a = sc["designated"], sc["action"]
    return (
        f"  {label:<24} finding: Brier {d['brier']:.4f} log loss {d['log_loss']:.4f} "
        f"skill {d['brier_skill']:+.4f} | action: Brier {a['brier']:.4f} "
        f"log loss {a['log_loss']:.4f} skill {a['brier_skill']:+.4f}"
    )


def report(title: str, res: dict[str, Any]) -> None:
    sp = res["split"]
    print(f"{title}: {sp['training_rows']} training rows, {sp['scored_rows']} scored")
    if res["model"]["cross_validated_log_loss"]:
        for v, ll in res["model"]["cross_validated_log_loss"].items():
            print(f"  CV log loss {v:<22} finding {ll['designated']:.4f} action {ll['action']:.4f}")
    print(f"  variant chosen: {res['model']['variant']}")
    print(line("model", res["scores"]))
    for k, b in res["baselines"].items():
        print(line(k, b["scores"]))
    acc = res["accuracy"]
    print(f"  accuracy: designated {acc['designated']:.3f} action {acc['action']:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[1]
    ap.add_argument("--book", action="append", required=True, help="a case book (repeat)")
    ap.add_argument("--data-dir", default=str(root.parent / "shared/data/cow"))
    ap.add_argument("--draws", type=int, default=None)
    ap.add_argument("--train-to", type=int, default=1979)
    ap.add_argument("--test-from", type=int, default=1980)
    ap.add_argument("--json", default=None, help="write every row's probabilities here")
    ap.add_argument("--write", action="store_true")
    ap.add_argument(
        "--grid",
        action="store_true",
        help="also choose the response grid point (vote_bias x tie_weight) by cross-validated "
        "log loss within the time split's training years",
    )
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    rows, late, dup = pooled(args.book)
    print(f"{len(rows)} crises to {CALIBRATION_LAST_YEAR} ({dup} duplicates dropped)")
    ids = ", ".join(r.case.id for r in late)
    print(f"left out, after {CALIBRATION_LAST_YEAR}: {len(late)} ({ids})")
    hp0 = load_history_params()
    hp0 = hp0.with_(probability_model={}, draws=args.draws or hp0.draws)
    points = [dict(hp0.overrides)]
    if args.grid:
        points += [
            {**hp0.overrides, **dict(zip(GRID, v, strict=True))}
            for v in itertools.product(*GRID.values())
        ]
        points = [p for k, p in enumerate(points) if p not in points[:k]]
    runs = []
    for m, point in enumerate(points):
        hp = hp0.with_(overrides=point)
        preds = [predict_case(r.case, data_dir=args.data_dir, hp=hp) for r in rows]
        split = evaluate_book(
            rows,
            data_dir=args.data_dir,
            hp=hp,
            train_to=args.train_to,
            test_from=args.test_from,
            predictions=preds,
        )
        full = evaluate_book(
            rows, data_dir=args.data_dir, hp=hp, predictions=preds, fit_in_sample=True
        )
        runs.append((point, preds, split, full))
        if args.grid:
            print(
                f"[{m + 1}/{len(points)}] {point}: CV log loss (finding + action) to "
                f"{args.train_to} {cv_total(split):.4f}, to {CALIBRATION_LAST_YEAR} "
                f"{cv_total(full):.4f}"
            )
    # The grid point is chosen within the time split's training years only, and
    # the bundled set keeps it: so `cases evaluate --train-to 1979` with the
    # bundled parameters reads nothing of 1980-1999 but through its own fit.
    point, preds, split, full = min(runs, key=lambda r: cv_total(r[2]))
    print(f"grid point (cross-validated within the crises to {args.train_to}): {point}")
    report(f"time split (to {args.train_to}, from {args.test_from})", split)
    report(f"bundled fit (every crisis to {CALIBRATION_LAST_YEAR}, in sample)", full)
    variant = full["model"]["variant"]
    if args.json:
        out = {
            "time_split": split["cases"],
            "in_sample": full["cases"],
            "split_scores": {k: split[k] for k in ("scores", "baselines", "base_rates", "model")},
            "in_sample_scores": {
                k: full[k] for k in ("scores", "baselines", "base_rates", "model")
            },
        }
        Path(args.json).write_text(json.dumps(out), encoding="utf-8")
        print(f"wrote {args.json}")
    if args.write:
        from collsec.history.calibration import fit_probability_model
        from collsec.history.evaluate import book_inputs

        model = fit_probability_model(
            book_inputs(preds, rows),
            [r.case.year for r in rows],
            [r.recorded["designated"] for r in rows],
            [r.recorded["action"] for r in rows],
            variant,
            fitted_on=f"{len(rows)} crises to {CALIBRATION_LAST_YEAR}: " + ", ".join(args.book),
        )
        path = root / "src/collsec/history/params.yaml"
        text = path.read_text(encoding="utf-8")
        if point != hp0.overrides:
            print(f"the grid point differs from params.yaml's overrides: set them to {point}")
        # Replace the probability_model block (its comment and its indented
        # lines) wherever it is, keep every other line, append the new one.
        kept: list[str] = []
        inside = False
        for ln in text.splitlines():
            if ln in COMMENT:
                continue
            if ln.startswith("probability_model:"):
                inside = True
                continue
            if inside and ln.startswith(" "):
                continue
            inside = False
            kept.append(ln)
        block = yaml.safe_dump({"probability_model": model.to_dict()}, sort_keys=False)
        body = "\n".join(kept).rstrip() + "\n" + "\n".join(COMMENT) + "\n" + block
        path.write_text(body, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
