"""collsec: model, simulate and explain collective security.

The public API mirrors the command line:

>>> import collsec
>>> sc = collsec.load_scenario("default").replace(horizon=20, replications=4)
>>> result = collsec.simulate(sc, regime="ideal_collective_security", seed=1)
>>> sorted(result.summary()["metric"])[:3]
['arms_share', 'coalition_size', 'designation_rate']
"""

from __future__ import annotations

__version__ = "0.1.0"

from collsec.api import compare, simulate
from collsec.errors import CollsecError, ScenarioError, UnknownNameError
from collsec.results import Comparison, SimulationResult
from collsec.scenario import REGIMES, Scenario, bundled_scenarios, load_scenario

__all__ = [
    "REGIMES",
    "CollsecError",
    "Comparison",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "UnknownNameError",
    "__version__",
    "bundled_scenarios",
    "compare",
    "load_scenario",
    "simulate",
]
