"""Seconds each guided chapter of the dashboard takes to answer (target: under 2 s on 2 cores).

A chapter's answer is its runs (:func:`collsec.dashboard.runs.run_chapter`, or
the predictions of its historical crises) and the findings the page shows.
Each chapter is timed cold, as the first ask of a fresh process (the app's run
store answers a second ask at once), in wall seconds and in this process's
CPU seconds: on a busy shared machine the wall time is inflated by the other
processes, the CPU time is what the chapter costs on a quiet core. Historical chapters need
the Correlates of War data (``--data-dir`` or ``COLLSEC_DATA_DIR``); without
them they are reported as skipped.

Usage::

    python benchmarks/dashboard_runs.py [--data-dir DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from typing import Any

from collsec import findings
from collsec.dashboard.chapters import CHAPTERS
from collsec.dashboard.runs import answer, predict_variant, run_chapter
from collsec.errors import CollsecError

TARGET_SECONDS = 2.0


def time_chapter(number: int, data_dir: str | None) -> dict[str, Any]:
    """Seconds of one chapter's answer, cold."""
    ch = CHAPTERS[number - 1]
    start, cpu = time.perf_counter(), time.process_time()
    if ch.historical:
        try:
            for cv in ch.cases:
                predict_variant(cv, data_dir)
        except CollsecError as err:
            return {"chapter": number, "seconds": None, "skipped": err.render()}
    else:
        cmp = run_chapter(ch)
        found = findings.findings_from_results(cmp.results)
        for q in ch.questions:
            answer(q, cmp, found)
        for res in cmp.results.values():
            findings.condition_findings(res)
    seconds = time.perf_counter() - start
    return {
        "chapter": number,
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "under_target": seconds < TARGET_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    """Time every chapter and print one line each (or one JSON object)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    rows = [time_chapter(c.number, args.data_dir) for c in CHAPTERS]
    if args.json:
        sys.stdout.write(json.dumps({"target_seconds": TARGET_SECONDS, "chapters": rows}) + "\n")
        return 0
    for r in rows:
        if r["seconds"] is None:
            print(f"chapter {r['chapter']}: skipped ({r['skipped']})")
        else:
            mark = "ok" if r["under_target"] else "over target"
            print(
                f"chapter {r['chapter']}: {r['seconds']:.2f} s ({mark}); "
                f"CPU {r['cpu_seconds']:.2f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
