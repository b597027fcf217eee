"""A capability year past the data is noted once, not again for the lagged year."""

from __future__ import annotations

import warnings
from pathlib import Path

from collsec.data import DataYearWarning
from collsec.history.worlds import historical_scenario


def test_the_capability_substitution_is_noted_once(cow_dir: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataYearWarning)
        sc = historical_scenario(3000, "un", data_dir=cow_dir)
    said = [str(w.message) for w in caught if str(w.message).startswith("capabilities:")]
    assert len(said) == 1, said
    assert sc.description.count("capabilities: ") == 1, sc.description
