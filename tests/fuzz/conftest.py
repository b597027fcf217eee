"""The fuzz tier's counters: every generated input is counted, and the totals printed.

Each fuzz test calls :func:`count` once per input it tries (through the
``fuzz_count`` fixture). :func:`pytest_terminal_summary` prints the totals per
parser at the end of the run, so CI output shows how many inputs were tried
(issue 13: at least 10,000 in the slow tier) without ``-s``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

COUNTS: Counter[str] = Counter()
"""Inputs tried, per parser, in this session."""
OUTCOMES: Counter[str] = Counter()
"""How they ended: ``valid`` (an object) or ``refused`` (the documented error)."""


@pytest.fixture
def fuzz_count() -> Callable[[str, str], None]:
    """Record one input for ``parser`` and how it ended (``valid`` or ``refused``)."""

    def record(parser: str, outcome: str) -> None:
        COUNTS[parser] += 1
        OUTCOMES[outcome] += 1

    return record


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COUNTS:
        return
    terminalreporter.section("fuzzing: inputs tried")
    for parser, n in sorted(COUNTS.items()):
        terminalreporter.write_line(f"{parser:<28} {n:>7}")
    total = sum(COUNTS.values())
    failed = len(terminalreporter.stats.get("failed", []))
    terminalreporter.write_line(
        f"{'total':<28} {total:>7}  ({OUTCOMES['valid']} valid, {OUTCOMES['refused']} refused "
        f"with the documented error; fuzz tests failed: {failed})"
    )
