"""Estimate the participation logit of case prediction from the war record (O2, O3, M3).

The engine's participation rule (:func:`collsec.phases.response.assess`) gives
an able member of an organisation the chance to join the victim's side

    sigmoid(join_base + join_affinity * margin - join_cost * counted(log a/own)
            + join_obligation * obligation + join_credibility * credibility)

where ``margin`` is its affinity to the victim less its affinity to the
aggressor, ``log a/own`` the log ratio of the aggressor side's power to its
own, and ``counted`` keeps a positive ratio and weights a negative one by
``join_cost_gain``. Case prediction used the engine's defaults for the first
four, which make great powers eager to fight any weaker aggressor.

This script estimates them from the Correlates of War record instead of
setting them. For every inter-state war from 1920 to 2003 (the League's and
the UN's years; COW Inter-State War Data v4.0) it builds the historical world
exactly as case prediction does (:func:`collsec.history.cases._setup`: the
organisation of the war's year, capabilities of the year before) with the
war's original initiators as the aggressors and its strongest original
defender as the victim, and takes every member of the organisation that the
model counts as able to act (O3: free, in reach of the victim) and that was
not an original participant. The outcome is whether it entered the war on
the defending side within ``--window`` days of the start (a collective
response is decided early; World War II's late declarations are not one).
A logit of that outcome on ``margin``, the positive and the negative part of
``log a/own`` (the model's own quantities) gives, with the organisation's
obligation and credibility terms held at the engine's values:

- ``join_base = b0 - join_obligation * obligation - join_credibility * credibility``;
- ``join_affinity = b_margin``;
- ``join_cost = -b_pos`` and ``join_cost_gain = b_neg / b_pos`` (clipped to [0, 1]).

No case book is read. The war record does contain the wars of some crises in
the case books (Korea 1950, the Gulf War 1990-91, the Falklands): the rule is
estimated from the whole record, not from the books' outcome columns, and
``--exclude-years`` refits without chosen war years as a check.

The free-riding damping of the rule is not in the fit: a fitted chance is the
chance before damping (docs/history.md says what that means).

Usage::

    python scripts/estimate_participation.py [--data-dir DIR] [--window 365]
        [--first 1920] [--last 2003] [--yaml OUT.yaml] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import track
from rich.table import Table

from collsec.data import load_wars
from collsec.errors import CollsecError
from collsec.history.cases import Case, _setup
from collsec.history.joining import fit_logit, war_entries
from collsec.history.worlds import load_history_params, params_with
from collsec.phases.response import assess
from collsec.state import Batch

REPO = Path(__file__).resolve().parents[1]
COW = (REPO / ".." / "shared" / "data" / "cow").resolve()
NAMES = ("margin", "log_ratio_pos", "log_ratio_neg")


def org_of(year: int) -> str:
    """The organisation of a war's year: the League to 1945, then the UN."""
    return "league" if year <= 1945 else "un"


def war_rows(
    entries: pd.DataFrame, war: int, window: int, data_dir: Path, hp: Any
) -> list[dict[str, Any]]:
    """One row per able member that was not an original participant of ``war``."""
    g = entries.loc[entries["war_num"] == war]
    year = int(g["start_year"].iloc[0])
    start = g["war_start"].iloc[0]
    orig = g.loc[g["original"]]
    inits = [str(c) for c in orig.loc[orig["role"] == "initiator", "ccode"]]
    defs = [str(c) for c in orig.loc[orig["role"] == "defender", "ccode"]]
    if not inits or not defs:
        return []
    late = g.loc[~g["original"]]
    joined = {
        str(c)
        for c, role, entry in zip(late["ccode"], late["role"], late["entry"], strict=True)
        if role == "defender" and (entry - start).days <= window
    }
    # The victim: the strongest original defender (one victim per crisis, as
    # in case prediction); the others are original participants, not joiners.
    probe = Case(year=year, org=org_of(year), aggressors=tuple(inits), victim=defs[0])
    try:
        _, world, arr, params = _setup(probe, hp, data_dir, (), (), None)
    except CollsecError:
        return []
    rng = np.random.default_rng(0)  # Batch.start counts generators; nothing is drawn
    b = Batch.start(world, [arr], params, [rng])
    power = b.power()[0]
    codes = list(world.codes)
    victim = max(defs, key=lambda c: power[codes.index(c)] if c in codes else -1.0)
    agg = np.array([codes.index(c) for c in inits if c in codes])
    if victim not in codes or len(agg) == 0:
        return []
    lead = agg[np.argmax(power[agg])]
    vic = codes.index(victim)
    s = assess(
        b,
        np.arange(1),
        np.array([lead]),
        np.array([vic]),
        np.full((1, world.n), 0.5),
        attack_power=np.array([power[agg].sum()]),
    )
    originals = {str(c) for c in orig["ccode"]}
    a_pow = float(power[agg].sum())
    rows = []
    for i in np.flatnonzero(s.able[0, 0]):
        code = codes[i]
        if code in originals:
            continue
        lr = float(np.log(max(a_pow, 1e-12) / max(power[i], 1e-12)))
        rows.append(
            {
                "war": int(war),
                "war_name": str(g["war_name"].iloc[0]),
                "year": year,
                "ccode": code,
                "margin": float(s.margin[0, i]),
                "log_ratio_pos": max(lr, 0.0),
                "log_ratio_neg": min(lr, 0.0),
                "great_power": bool(world.great_power[i]),
                "joined": code in joined,
                "obligation": float(arr.obligation),
                "credibility": float(b.cred[0, 0]),
            }
        )
    return rows


def estimate(rows: pd.DataFrame, params: Any) -> dict[str, Any]:
    """The logit on the model's terms, and the engine parameters it implies."""
    x = rows.loc[:, list(NAMES)].to_numpy(dtype=float)
    y = rows["joined"].to_numpy(dtype=float)
    fit = fit_logit(x, y, NAMES, groups=rows["war"].to_numpy())
    b0, b_margin, b_pos, b_neg = (float(v) for v in fit.coef)
    rp = params.response
    offset = float(
        (rp.join_obligation * rows["obligation"] + rp.join_credibility * rows["credibility"]).mean()
    )
    cost = max(-b_pos, 0.0)
    gain = float(np.clip(b_neg / b_pos, 0.0, 1.0)) if b_pos < 0 else 0.0
    return {
        "fit": {
            "names": ["const", *NAMES],
            "coef": [float(v) for v in fit.coef],
            "se_cluster": [float(v) for v in fit.se_cluster],
            "n": fit.n,
            "events": fit.events,
            "wars": int(rows["war"].nunique()),
            "converged": fit.converged,
        },
        "overrides": {
            "params.response.join_base": round(b0 - offset, 3),
            "params.response.join_affinity": round(max(b_margin, 0.0), 3),
            "params.response.join_cost": round(cost, 3),
            "params.response.join_cost_gain": round(gain, 3),
        },
        "offset": offset,
        "rates": {
            "all": float(y.mean()),
            "great_powers": float(rows.loc[rows["great_power"], "joined"].mean()),
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=COW)
    ap.add_argument("--window", type=int, default=365, help="days after the start to join")
    ap.add_argument("--first", type=int, default=1920)
    ap.add_argument("--last", type=int, default=2003)
    ap.add_argument("--exclude-years", type=int, nargs="*", default=[])
    ap.add_argument("--yaml", type=Path, help="write the overrides (params.yaml fragment)")
    ap.add_argument("--rows", type=Path, help="write the estimation rows (CSV)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    hp = load_history_params()
    entries = war_entries(load_wars(data_dir=args.data_dir))
    wars = sorted(
        {
            int(w)
            for w, y in zip(entries["war_num"], entries["start_year"], strict=True)
            if args.first <= y <= args.last and y not in set(args.exclude_years)
        }
    )
    out: list[dict[str, Any]] = []
    err = Console(stderr=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for w in track(wars, description="wars", console=err, transient=True):
            out.extend(war_rows(entries, w, args.window, args.data_dir, hp))
    rows = pd.DataFrame(out)
    if args.rows:
        rows.to_csv(args.rows, index=False)
    res = estimate(rows, params_with(hp.overrides))
    if args.yaml:
        lines = ["overrides:"] + [f"  {k}: {v}" for k, v in res["overrides"].items()]
        args.yaml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.json:
        sys.stdout.write(json.dumps(res) + "\n")
        return
    con = Console()
    t = Table(
        title=f"Joining the defending side within {args.window} days, {args.first}-{args.last}"
    )
    for col in ("term", "coefficient", "clustered se"):
        t.add_column(col)
    for name, b, se in zip(
        res["fit"]["names"], res["fit"]["coef"], res["fit"]["se_cluster"], strict=True
    ):
        t.add_row(name, f"{b:.3f}", f"{se:.3f}")
    con.print(t)
    f = res["fit"]
    con.print(
        f"{f['n']} able members in {f['wars']} wars, {f['events']} joined; "
        f"rate {res['rates']['all']:.4f}, great powers {res['rates']['great_powers']:.4f}; "
        f"organisation terms held at {res['offset']:.2f} log-odds"
    )
    con.print("implied overrides:", res["overrides"])


if __name__ == "__main__":
    main()
