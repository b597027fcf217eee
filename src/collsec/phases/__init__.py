"""The yearly phases of MODEL.md, one module each, in the order they run.

1. :mod:`~collsec.phases.growth` (C14's price of arms),
2. :mod:`~collsec.phases.arming` (Richardson-type arms dynamics, C13, C14),
3. :mod:`~collsec.phases.aggression` (expected utility and deterrence, O5, M1),
4. :mod:`~collsec.phases.response` (designation O1; participation O2, O3, M2,
   M3; instrument),
5. :mod:`~collsec.phases.war` (contest, severity, conquest, state death, O5),
6. :mod:`~collsec.phases.learning` (credibility, exit and entry, C5).
"""
