"""The slow tier: counts the tests report (kills survived, rows checked) shown at the end.

A test takes the ``tally`` fixture and calls ``tally("kills survived", 32)``;
every line is printed in pytest's terminal summary, so the counts stand in
the CI log whatever the output capture.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

_TALLY: list[str] = []
_TOTALS: dict[str, int] = {}


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Callable[[str, int], None]:
    """Record a count under the test's name, for the terminal summary."""

    def record(what: str, count: int) -> None:
        line = f"{request.node.name}: {what}: {count}"
        _TALLY.append(line)
        _TOTALS[what] = _TOTALS.get(what, 0) + count
        print(line)

    return record


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print every recorded count."""
    if _TALLY:
        terminalreporter.section("collsec slow-tier counts")
        for line in _TALLY:
            terminalreporter.write_line(line)
        for what, total in _TOTALS.items():
            terminalreporter.write_line(f"total: {what}: {total}")
