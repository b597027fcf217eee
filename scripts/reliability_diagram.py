"""Reliability diagram of case prediction: predicted probability against observed frequency.

Reads the ``--json`` file of ``scripts/calibrate_cases.py`` (every crisis's
calibrated probabilities, on the time split and in sample) and draws, for the
finding (``P(designated)``) and for measures (``P(action is not none)``), the
mean predicted probability of each bin against the share of its crises where
it happened, with the diagonal of perfect calibration, and the simulation's
uncalibrated shares of draws for comparison. Prints the table in
Markdown (docs/history.md).

Usage::

    PYTHONPATH=src python scripts/reliability_diagram.py cal.json [--bins 5] \\
        [--out docs/img/reliability.png]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def pairs(
    cases: list[dict[str, Any]], outcome: str, key: str = "probabilities"
) -> list[tuple[float, bool]]:
    """(predicted probability, happened) per crisis; ``key="simulated"``: the raw shares."""
    if outcome == "designated":
        return [(c[key]["designated"], c["recorded"]["designated"] == "yes") for c in cases]
    return [(1.0 - c[key]["action"]["none"], c["recorded"]["action"] != "none") for c in cases]


def bins(data: list[tuple[float, bool]], k: int) -> list[dict[str, float]]:
    """Equal-width bins of the predicted probability (empty bins left out)."""
    out = []
    for j in range(k):
        lo, hi = j / k, (j + 1) / k
        inside = [(p, y) for p, y in data if lo <= p < hi or (j == k - 1 and p == 1.0)]
        if inside:
            out.append(
                {
                    "lo": lo,
                    "hi": hi,
                    "n": len(inside),
                    "predicted": sum(p for p, _y in inside) / len(inside),
                    "observed": sum(y for _p, y in inside) / len(inside),
                }
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json_file")
    ap.add_argument("--bins", type=int, default=5)
    ap.add_argument("--out", default="docs/img/reliability.png")
    args = ap.parse_args()
    data = json.loads(Path(args.json_file).read_text(encoding="utf-8"))
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), sharey=True)
    names = {"designated": "finding (designated)", "action": "any measure (action)"}
    sets = {
        "time split, 1980-1999 (fit to 1979)": (data["time_split"], "probabilities"),
        "in sample, to 1999": (data["in_sample"], "probabilities"),
        "simulated shares, uncalibrated, to 1999": (data["in_sample"], "simulated"),
    }
    for ax, outcome in zip(axes, ("designated", "action"), strict=True):
        ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="perfect calibration")
        print(f"\n{names[outcome]}\n")
        print("| crises | bin | n | mean predicted | observed |")
        print("|---|---|---|---|---|")
        for (label, (cases, key)), marker in zip(sets.items(), ("o", "s", "^"), strict=True):
            b = bins(pairs(cases, outcome, key), args.bins)
            for x in b:
                print(
                    f"| {label} | {x['lo']:.1f}-{x['hi']:.1f} | {x['n']} | "
                    f"{x['predicted']:.2f} | {x['observed']:.2f} |"
                )
            ax.plot(
                [x["predicted"] for x in b],
                [x["observed"] for x in b],
                marker=marker,
                label=f"{label} (n={len(cases)})",
            )
            for x in b:
                ax.annotate(
                    str(x["n"]),
                    (x["predicted"], x["observed"]),
                    fontsize=7,
                    xytext=(3, 3),
                    textcoords="offset points",
                )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("predicted probability")
        ax.set_title(names[outcome])
        ax.legend(fontsize=7, loc="upper left")
    axes[0].set_ylabel("observed frequency")
    fig.suptitle("Case prediction: reliability (numbers: crises per bin)")
    fig.tight_layout()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
