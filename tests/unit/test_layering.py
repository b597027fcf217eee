"""Dependencies run one way: plots, findings and the report read results; results reads none.

Every import in a module is checked, including imports inside functions (a
lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import collsec

PACKAGE = Path(collsec.__file__).parent


def imported(module: str) -> set[str]:
    """Every ``collsec.*`` module ``module`` imports, anywhere in its source."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return {n for n in names if n.startswith("collsec")}


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("results", {"collsec.plots", "collsec.findings", "collsec.report"}),
        ("plots", {"collsec.findings", "collsec.report"}),
        ("findings", {"collsec.plots", "collsec.report"}),
    ],
)
def test_module_does_not_import(module: str, forbidden: set[str]) -> None:
    assert not imported(module) & forbidden


def test_the_readme_plot_method_still_works() -> None:
    cmp = collsec.compare("default", ["self_help"], replications=2, years=5, seed=1)
    fig = cmp.plot_survival()
    assert fig.axes
    assert not hasattr(collsec.results.Comparison, "plot_survival")
