"""Who joins an inter-state war: joining rates from the Correlates of War record (O2, O3).

For every war in COW Inter-State War Data v4.0 and every state in the system
that was not an original participant, this script records whether the state
later joined the defending side, joined the initiating side or stayed out,
with covariates at the year before the war: great power, border with a
defender or an initiator, defence pact with a defender, any alliance with a
defender or an initiator, and the log ratio of the initiating side's CINC to
the state's. It prints

1. rates of joining the defending side by great power x defence pact with a
   defender x border with a defender, overall and by era;
2. the same for great powers with no alliance and no border with any party,
   split by whether the initiating side is weaker (log ratio < 0) or not;
3. a logistic regression of joining the defending side on the covariates;
4. the headline of table 2 under other definitions (robustness).

The definitions are in ``collsec.history.joining`` and docs/history.md
("Who joins a war: the COW record")::

    PYTHONPATH=src python scripts/joining_rates.py [--data-dir DIR] [--json FILE]
        [--window-days 0] [--max-conttype 3]

Sources: Sarkees and Wayman (2010), Siverson and Starr (1991).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from collsec.data import (
    load_alliances,
    load_contiguity,
    load_majors,
    load_nmc,
    load_system,
    load_wars,
)
from collsec.errors import CollsecError
from collsec.history.joining import (
    COVARIATES,
    ERAS,
    LogitFit,
    fit_logit,
    joiner_dyads,
    joining_rates,
    war_entries,
)

DEFAULT_DATA = Path("/work/shared/data/cow")
#: COW war numbers of the two world wars, left out in the "without world wars" rows.
WORLD_WARS = (106, 139)
ALL = "all years"
#: Band edges of ln(initiating side's CINC / great power's CINC) in table 2b.
LOG_RATIO_EDGES = (-3.0, -2.0, -1.0, 0.0, 1.0)
_COUNTS = ("n", "wars", "joined", "joined_initiator")


@dataclass(frozen=True)
class Tables:
    """The COW tables the dyads are built from, loaded once."""

    wars: pd.DataFrame
    system: pd.DataFrame
    majors: pd.DataFrame
    contiguity: pd.DataFrame
    alliances: pd.DataFrame
    nmc: pd.DataFrame


def load_tables(data_dir: Path) -> Tables:
    """Load the six COW tables from ``data_dir`` through the project's loaders."""
    return Tables(
        wars=load_wars(data_dir),
        system=load_system(data_dir),
        majors=load_majors(data_dir),
        contiguity=load_contiguity(data_dir),
        alliances=load_alliances("member_yearly", data_dir),
        nmc=load_nmc("6.0", data_dir),
    )


def build(t: Tables, window_days: int, max_conttype: int) -> pd.DataFrame:
    """Return the (war, potential joiner) table for one set of definitions."""
    entries = war_entries(t.wars, window_days=window_days)
    dyads = joiner_dyads(
        entries,
        system=t.system,
        majors=t.majors,
        contiguity=t.contiguity,
        alliances=t.alliances,
        nmc=t.nmc,
        max_conttype=max_conttype,
    )
    dyads.attrs["entries"] = entries
    return dyads


def with_eras(dyads: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Rates over all years, then per era, then over all years without the world wars."""
    parts = [joining_rates(dyads, by).assign(era=ALL)]
    for _first, _last, label in ERAS:
        sub = dyads.loc[dyads["era"] == label]
        if len(sub):
            parts.append(joining_rates(sub, by).assign(era=label))
    no_ww = dyads.loc[~dyads["war_num"].isin(WORLD_WARS)]
    parts.append(joining_rates(no_ww, by).assign(era="all, without world wars"))
    out = pd.concat(parts, ignore_index=True)
    return out[["era", *by, *[c for c in out.columns if c not in (*by, "era")]]]


def unattached_great_powers(dyads: pd.DataFrame) -> pd.DataFrame:
    """Great powers with no alliance and no border with any original party."""
    mask = (
        dyads["great_power"]
        & ~dyads["ally_defender"]
        & ~dyads["ally_initiator"]
        & ~dyads["contig_defender"]
        & ~dyads["contig_initiator"]
    )
    sub = dyads.loc[mask].copy()
    sub["initiating_side"] = np.where(
        sub["log_ratio"].isna(),
        "unknown",
        np.where(sub["log_ratio"] < 0, "weaker", "stronger"),
    )
    return sub


def by_power_band(gp: pd.DataFrame) -> pd.DataFrame:
    """Rates of :func:`unattached_great_powers` by band of the log power ratio, all years."""
    known = gp.loc[gp["log_ratio"].notna()].copy()
    edges = [-math.inf, *LOG_RATIO_EDGES, math.inf]
    labels = [f"{a:g} to {b:g}" for a, b in itertools.pairwise(edges)]
    known["log_ratio_band"] = pd.cut(known["log_ratio"], edges, labels=labels, right=False)
    known["log_ratio_band"] = known["log_ratio_band"].astype(str)
    out = joining_rates(known, ["log_ratio_band"])
    order = {lab: i for i, lab in enumerate(labels)}
    out = out.sort_values("log_ratio_band", key=lambda s: s.map(order)).assign(era=ALL)
    return out[["era", *[c for c in out.columns if c != "era"]]]


def headline(dyads: pd.DataFrame) -> dict[str, Any]:
    """The rates of table 2 that the report leads with."""
    gp = unattached_great_powers(dyads)
    post = gp.loc[gp["era"] == ERAS[-1][2]]
    out: dict[str, Any] = {}
    for name, sub in (
        ("all", gp),
        ("all_weaker", gp.loc[gp["initiating_side"] == "weaker"]),
        ("all_stronger", gp.loc[gp["initiating_side"] == "stronger"]),
        ("after_1945", post),
        ("after_1945_weaker", post.loc[post["initiating_side"] == "weaker"]),
        ("after_1945_stronger", post.loc[post["initiating_side"] == "stronger"]),
        ("without_world_wars", gp.loc[~gp["war_num"].isin(WORLD_WARS)]),
    ):
        r = joining_rates(sub, []).iloc[0].to_dict() if len(sub) else {"n": 0, "joined": 0}
        out[name] = {k: int(v) if k in _COUNTS else _plain(v) for k, v in r.items()}
    return out


def regression(dyads: pd.DataFrame) -> tuple[LogitFit, int]:
    """Logit of joining the defending side; returns the fit and the rows dropped (no CINC)."""
    ok = dyads["log_ratio"].notna()
    sub = dyads.loc[ok]
    X = sub[list(COVARIATES)].astype(float).to_numpy()
    y = sub["joined_defender"].astype(float).to_numpy()
    fit = fit_logit(X, y, COVARIATES, groups=sub["war_num"].to_numpy())
    return fit, int((~ok).sum())


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _yes(v: Any) -> str:
    return "yes" if bool(v) else "no"


def rate_table(title: str, df: pd.DataFrame, flags: list[str], labels: list[str]) -> Table:
    """A rich table of rates, one row per cell."""
    table = Table(title=title)
    for name in ("era", *labels):
        table.add_column(name)
    for name in ("dyads", "wars", "joined def.", "joined init.", "rate", "95% CI"):
        table.add_column(name, justify="right")
    for d in df.to_dict(orient="records"):
        cells = [str(d["era"])] + [
            str(d[f]) if isinstance(d[f], str) else _yes(d[f]) for f in flags
        ]
        table.add_row(
            *cells,
            str(d["n"]),
            str(d["wars"]),
            str(d["joined"]),
            str(d["joined_initiator"]),
            f"{d['rate']:.3f}",
            f"{d['low']:.3f}-{d['high']:.3f}",
        )
    return table


def logit_table(fit: LogitFit, dropped: int) -> Table:
    """A rich table of the regression."""
    table = Table(
        title=(
            f"Logit of joining the defending side (n={fit.n}, joins={fit.events}, "
            f"log-lik={fit.loglik:.1f}, converged={fit.converged}, "
            f"{dropped} dyads without CINC dropped)"
        )
    )
    for name in ("term", "coef", "s.e.", "s.e. (war clusters)", "odds ratio", "z (clustered)"):
        table.add_column(name, justify="right" if name != "term" else "left")
    for name, b, s, sc in zip(fit.names, fit.coef, fit.se, fit.se_cluster, strict=True):
        table.add_row(
            name, f"{b:.3f}", f"{s:.3f}", f"{sc:.3f}", f"{math.exp(b):.3g}", f"{b / sc:.2f}"
        )
    return table


def robustness(t: Tables) -> list[dict[str, Any]]:
    """The headline under the other choices of original participant and border."""
    rows = []
    for window, conttype in ((0, 3), (30, 3), (0, 4), (30, 4)):
        h = headline(build(t, window, conttype))
        rows.append({"window_days": window, "max_conttype": conttype, **h})
    return rows


def robustness_table(rows: list[dict[str, Any]]) -> Table:
    """A rich table of the robustness runs."""
    table = Table(title="Unattached great powers joining the defending side, other definitions")
    for name in ("window days", "max conttype"):
        table.add_column(name, justify="right")
    keys = ("all", "all_weaker", "all_stronger", "after_1945", "without_world_wars")
    for k in keys:
        table.add_column(k.replace("_", " "), justify="right")
    for r in rows:
        table.add_row(
            str(r["window_days"]),
            str(r["max_conttype"]),
            *[f"{r[k]['joined']}/{r[k]['n']}" for k in keys],
        )
    return table


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; return the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="COW data folder")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument(
        "--window-days",
        type=int,
        default=0,
        help="states entering within this many days of the war's first day are original (0)",
    )
    ap.add_argument(
        "--max-conttype",
        type=int,
        default=3,
        help="loosest COW contiguity type counted as a border: 3 = up to 24 miles of water",
    )
    ap.add_argument("--no-robustness", action="store_true", help="skip the robustness table")
    args = ap.parse_args(argv)
    console = Console()
    started = time.perf_counter()
    try:
        with console.status("loading the COW tables"):
            t = load_tables(args.data_dir)
        dyads = build(t, args.window_days, args.max_conttype)
        entries = dyads.attrs["entries"]
        cells = with_eras(dyads, ["great_power", "pact_defender", "contig_defender"])
        gp = unattached_great_powers(dyads)
        unattached = with_eras(gp, ["initiating_side"])
        bands = by_power_band(gp)
        fit, dropped = regression(dyads)
        with console.status("robustness runs"):
            robust = [] if args.no_robustness else robustness(t)
    except CollsecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    joiners = entries.loc[~entries["original"]]
    console.print(
        f"{entries['war_num'].nunique()} wars, {int(entries['original'].sum())} original "
        f"participants, {len(joiners)} joiners ({int((joiners['role'] == 'defender').sum())} "
        f"defending side, {int((joiners['role'] == 'initiator').sum())} initiating side); "
        f"{len(dyads)} (war, potential joiner) dyads; joiners outside the start-year system: "
        f"{dyads.attrs['outside']}; initiating side rules: "
        f"{entries.drop_duplicates('war_num')['init_rule'].value_counts().to_dict()}"
    )
    console.print(
        f"definitions: original = entry within {args.window_days} days of the war's first "
        f"day; border = COW contiguity type <= {args.max_conttype}; covariates at the year "
        "before the war's start year"
    )
    console.print(
        rate_table(
            "1. Joining the defending side: great power x defence pact x border (with a defender)",
            cells,
            ["great_power", "pact_defender", "contig_defender"],
            ["great power", "pact w. defender", "border w. defender"],
        )
    )
    console.print(
        rate_table(
            "2. Great powers with no alliance and no border with any party",
            unattached,
            ["initiating_side"],
            ["initiating side vs GP"],
        )
    )
    console.print(
        rate_table(
            "2b. The same great powers by ln(initiating side CINC / great power CINC)",
            bands,
            ["log_ratio_band"],
            ["log power ratio"],
        )
    )
    console.print(logit_table(fit, dropped))
    if robust:
        console.print(robustness_table(robust))
    members = gp.loc[gp["joined_defender"], ["war_name", "start_year", "stateabb", "log_ratio"]]
    console.print(
        "unattached great powers that joined the defending side: "
        + "; ".join(
            f"{r.stateabb} {r.war_name} {r.start_year} (log ratio {r.log_ratio:.2f})"
            for r in members.itertuples()
        )
    )
    elapsed = time.perf_counter() - started
    console.print(f"done in {elapsed:.1f} s")

    if args.json is not None:
        payload = {
            "settings": {
                "data_dir": str(args.data_dir),
                "window_days": args.window_days,
                "max_conttype": args.max_conttype,
            },
            "counts": {
                "wars": int(entries["war_num"].nunique()),
                "dyads": len(dyads),
                "joiners_defending": int((joiners["role"] == "defender").sum()),
                "joiners_initiating": int((joiners["role"] == "initiator").sum()),
                "joiners_outside_system": [list(p) for p in dyads.attrs["outside"]],
            },
            "cells": _records(cells),
            "unattached_great_powers": _records(unattached),
            "unattached_great_powers_by_power_band": _records(bands),
            "headline": headline(dyads),
            "logit": {
                "n": fit.n,
                "events": fit.events,
                "dropped_without_cinc": dropped,
                "loglik": fit.loglik,
                "converged": fit.converged,
                "terms": [
                    {"term": n, "coef": float(b), "se": float(s), "se_cluster": float(c)}
                    for n, b, s, c in zip(fit.names, fit.coef, fit.se, fit.se_cluster, strict=True)
                ],
            },
            "robustness": robust,
        }
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        console.print(f"wrote {args.json}")
    return 0


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in r.items()} for r in df.to_dict(orient="records")]


if __name__ == "__main__":
    sys.exit(main())
