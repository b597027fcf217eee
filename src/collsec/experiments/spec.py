"""Sweep specifications: a base scenario, the parameters to vary, a design, the run.

A sweep spec is a YAML (or JSON/TOML) file validated like a scenario: unknown
keys are refused, each error names the field. It names

* ``base``: the scenario every cell starts from (a bundled name, a path, or an
  inline mapping validated by the scenario schema);
* ``parameters``: each a dotted path into the scenario (``params.response.free_riding``,
  ``world.n_states``, ``arrangements[0].obligation``) with a range ``low``/``high``,
  explicit ``values`` (grid only), or discrete ``levels``;
* ``design``: ``grid``, ``random``, ``lhs`` (Latin hypercube) or ``sobol``
  (Saltelli-type sample of SALib, for :mod:`collsec.experiments.sensitivity`);
* the run: ``regimes``, ``replications``, ``years``, ``seed`` and the chunking.

Paths into ``params.*`` are checked against :func:`collsec.scenario.parameter_table`
(the single source of parameter bounds); any other path must exist in the base
scenario, and both ends of its range must give a valid scenario.

Discrete drivers (great-power membership ``all`` versus ``all_but_great_powers``,
the decision rule's kind) are encoded by a variable ``u`` in [0, 1]: with ``n``
levels, ``u`` selects level ``min(floor(u * n), n - 1)``, so each level holds an
equal share of the unit interval and continuous designs (random, LHS, Sobol)
treat the driver like any other input.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import Field, model_validator

from collsec import __version__
from collsec.errors import CollsecError, ScenarioError, UnknownNameError
from collsec.i18n import N_, _
from collsec.scenario import (
    RUN_REGIMES,
    InputModel,
    Scenario,
    load_scenario,
    parameter_table,
    scenario_from_data,
    validate_as,
)
from collsec.textformats import parse_structured

_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)")
_INDEX = re.compile(r"\[(\d+)\]")

PathPart = str | int


class SpecError(CollsecError):
    """A sweep or sensitivity spec that cannot be used."""


# --------------------------------------------------------------------------- dotted paths


def parse_path(path: str) -> tuple[PathPart, ...]:
    """Split a dotted path with list indices into its keys.

    Parameters
    ----------
    path
        E.g. ``arrangements[0].decision_rule.quota``.

    Returns
    -------
    tuple
        Keys (str) and list indices (int), e.g. ``("arrangements", 0, "decision_rule", "quota")``.

    Raises
    ------
    SpecError
        If the path is not of the form ``name[i].name...``.

    Examples
    --------
    >>> parse_path("arrangements[0].obligation")
    ('arrangements', 0, 'obligation')
    """
    parts: list[PathPart] = []
    for piece in path.split("."):
        m = _TOKEN.fullmatch(piece)
        if m is None:
            raise SpecError(
                _(
                    "not a parameter path: {path!r} "
                    "(use names joined by dots, list items as {example})"
                ).format(path=path, example="name[0]"),
                field="parameters",
            )
        parts.append(m.group(1))
        parts.extend(int(i) for i in _INDEX.findall(m.group(2)))
    return tuple(parts)


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` in plain scenario data.

    Raises
    ------
    UnknownNameError
        If the path does not lead to a value.
    """
    node = data
    for part in parse_path(path):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise UnknownNameError(
                    _("no such parameter {path!r}: no item [{index}]").format(
                        path=path, index=part
                    ),
                    field=path,
                )
        elif not isinstance(node, dict) or part not in node:
            raise UnknownNameError(_("no such parameter {path!r}").format(path=path), field=path)
        node = node[part]
    return node


def set_path(data: Any, path: str, value: Any) -> None:
    """Replace the value at ``path`` in plain scenario data, in place.

    Raises
    ------
    UnknownNameError
        If the path does not lead to an existing value.
    """
    parts = parse_path(path)
    parent = get_path(data, _join(parts[:-1])) if len(parts) > 1 else data
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(parent, list) or last >= len(parent):
            raise UnknownNameError(
                _("no such parameter {path!r}: no item [{index}]").format(path=path, index=last),
                field=path,
            )
    elif not isinstance(parent, dict) or last not in parent:
        raise UnknownNameError(_("no such parameter {path!r}").format(path=path), field=path)
    parent[last] = value


def _join(parts: Sequence[PathPart]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def apply_overrides(base: Mapping[str, Any], overrides: Mapping[str, Any], source: str) -> Scenario:
    """A validated scenario: ``base`` data with each path's value replaced.

    Raises
    ------
    UnknownNameError
        If a path does not exist in ``base``.
    ScenarioError
        If the result is not a valid scenario.
    """
    data = copy.deepcopy(dict(base))
    for path, value in overrides.items():
        set_path(data, path, value)
    return scenario_from_data(data, source=source)


# --------------------------------------------------------------------------- the spec schema


class _Strict(InputModel):
    """Frozen, no unknown keys, no NaN or boolean numbers (as the scenario)."""


class ParameterSpec(_Strict):
    """One varied input: a path and its range, explicit values, or discrete levels."""

    path: str = Field(min_length=1, description="dotted path, list items as name[0]")
    name: str | None = Field(None, description="column name in the results (default: the path)")
    low: float | None = Field(None, description="lowest value")
    high: float | None = Field(None, description="highest value")
    values: tuple[Any, ...] | None = Field(None, description="explicit values (grid design)")
    levels: tuple[Any, ...] | None = Field(
        None, description="discrete levels, chosen by a [0, 1] variable"
    )

    @model_validator(mode="after")
    def _one_kind(self) -> ParameterSpec:
        has_range = self.low is not None or self.high is not None
        kinds = sum([has_range, self.values is not None, self.levels is not None])
        if kinds != 1:
            raise ValueError(
                _("give exactly one of {a}, {b} or {c}").format(
                    a="low/high", b="values", c="levels"
                )
            )
        if has_range:
            if self.low is None or self.high is None:
                raise ValueError(_("give both {a} and {b}").format(a="low", b="high"))
            if self.low > self.high:
                raise ValueError(
                    _("{low} must not exceed {high}").format(
                        low=f"low ({self.low})", high=f"high ({self.high})"
                    )
                )
        for key in ("values", "levels"):
            seq = getattr(self, key)
            if seq is not None and len(seq) == 0:
                raise ValueError(_("{field} must not be empty").format(field=key))
        return self

    @property
    def column(self) -> str:
        """The results column: ``name``, else the path made SQL-friendly.

        ``arrangements[0].obligation`` becomes ``arrangements_0_obligation``.
        """
        return self.name or re.sub(r"[^0-9A-Za-z_]+", "_", self.path).strip("_")


class DesignSpec(_Strict):
    """How the cells are drawn from the parameter ranges."""

    kind: Literal["grid", "random", "lhs", "sobol"] = "grid"
    points: int = Field(3, ge=1, le=10_000, description="grid points per ranged parameter")
    samples: int = Field(
        16, ge=1, le=10_000_000, description="cells (random, lhs) or base samples N (sobol)"
    )

    @model_validator(mode="after")
    def _power_of_two(self) -> DesignSpec:
        if self.kind == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(
                _("{field} must be a power of two for a Sobol design (got {value})").format(
                    field="samples", value=self.samples
                )
            )
        return self


class ChunkSpec(_Strict):
    """How work is cut into tasks, each written as one chunk file."""

    cells: int = Field(1, ge=1, le=100_000, description="cells per chunk")
    replications: int | None = Field(
        None, ge=1, description="replications per chunk (default: all of a cell's)"
    )


class SweepSpec(_Strict):
    """A sweep: base scenario, varied parameters, design, regimes and run settings."""

    name: str = Field("sweep", min_length=1)
    description: str = ""
    base: str | dict[str, Any] = Field("default", description="bundled name, path or mapping")
    parameters: tuple[ParameterSpec, ...] = Field(min_length=1)
    design: DesignSpec = DesignSpec()
    regimes: tuple[str, ...] = Field(("as_specified",), min_length=1)
    replications: int | None = Field(None, ge=1, le=10_000_000)
    years: int | None = Field(None, ge=1, le=100_000)
    seed: int = Field(0, ge=0, description="seed of the whole sweep")
    seeding: Literal["per_cell", "common"] = Field(
        "per_cell", description="a seed per cell, or one seed for all (common random numbers)"
    )
    chunk: ChunkSpec = ChunkSpec()
    metrics: tuple[str, ...] = Field(
        ("war_rate", "deterred_rate", "weak_survival"),
        description="metrics analysed by the sensitivity command",
    )

    @model_validator(mode="after")
    def _checks(self) -> SweepSpec:
        for i, r in enumerate(self.regimes):
            if r not in RUN_REGIMES:
                raise ValueError(
                    f"regimes[{i}]: "
                    + _("unknown regime {name!r}; use {choices}").format(
                        name=r, choices=", ".join(RUN_REGIMES)
                    )
                )
        if len(set(self.regimes)) != len(self.regimes):
            raise ValueError(_("{field} must not repeat").format(field="regimes"))
        cols = [p.column for p in self.parameters]
        if len(set(cols)) != len(cols):
            raise ValueError("parameters: " + _("two parameters have the same path or name"))
        reserved = {"cell", "regime", "replication", "cell_seed"}
        for c in cols:
            if c in reserved or c.endswith("_label"):
                raise ValueError("parameters: " + _("the name {name!r} is reserved").format(name=c))
        for i, p in enumerate(self.parameters):
            if p.values is not None and self.design.kind != "grid":
                raise ValueError(
                    f"parameters[{i}]: "
                    + _("{a} only suit a grid design; give {b}").format(a="values", b="low/high")
                )
        from collsec.results import SUMMARY_METRICS

        for m in self.metrics:
            if m not in SUMMARY_METRICS:
                raise ValueError("metrics: " + _("unknown metric {name!r}").format(name=m))
        return self


# --------------------------------------------------------------------------- loading


def spec_from_data(data: Any, source: str = "<spec>") -> SweepSpec:
    """Validate plain data as a sweep spec.

    Raises
    ------
    SpecError
        If the data is not a valid spec.
    """
    return validate_as(SweepSpec, data, source, SpecError, N_("a sweep spec"))


def load_spec(path: str | Path) -> SweepSpec:
    """Load a sweep spec file, or a bundled example by name (``sweep``, ``sensitivity``).

    Raises
    ------
    SpecError
        If the file is missing, unreadable or not a valid spec.
    """
    p = Path(path)
    if not p.exists() and str(path) in bundled_examples():
        res = resources.files("collsec.experiments") / "examples" / f"{path}.yaml"
        return spec_from_data(
            yaml.safe_load(res.read_text(encoding="utf-8")), source=f"{path}.yaml"
        )
    if not p.is_file():
        raise SpecError(
            _("no such spec file (bundled examples: {names})").format(
                names=", ".join(bundled_examples())
            ),
            source=str(path),
        )
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SpecError(
            _("cannot read the spec: {reason}").format(reason=err), source=str(path)
        ) from None
    data = parse_structured(text, p.suffix.lower(), str(path), SpecError)
    spec = spec_from_data(data, source=str(path))
    # A relative base path is read from the spec's own folder.
    if isinstance(spec.base, str) and not Path(spec.base).exists():
        beside = p.parent / spec.base
        if beside.is_file():
            spec = spec.model_copy(update={"base": str(beside)})
    return spec


def bundled_examples() -> list[str]:
    """Names of the spec examples shipped with collsec."""
    folder = resources.files("collsec.experiments") / "examples"
    return sorted(f.name[:-5] for f in folder.iterdir() if f.name.endswith(".yaml"))


# --------------------------------------------------------------------------- the resolved plan


@dataclass(frozen=True)
class Cell:
    """One design point: its index, seed and the value of each varied input."""

    index: int
    seed: int
    overrides: dict[str, Any]
    """Path to the value applied to the scenario."""
    columns: dict[str, Any]
    """Results column to the value recorded (the level index for discrete inputs)."""


@dataclass(frozen=True)
class Chunk:
    """One task: some cells, some replications; written as one file."""

    index: int
    cells: tuple[int, ...]
    first_replication: int
    replications: int


@dataclass(frozen=True)
class Plan:
    """A validated spec resolved against its base scenario: cells, chunks, hash."""

    spec: SweepSpec
    base: dict[str, Any]
    cells: tuple[Cell, ...]
    chunks: tuple[Chunk, ...]
    replications: int
    years: int
    unit: np.ndarray
    """The design in [0, 1] coordinates (levels) or raw values, one row per cell."""

    @property
    def hash(self) -> str:
        """Hash of what the sweep computes (spec, base scenario, version); not of how."""
        payload = {
            "spec": self.spec.model_dump(mode="json", exclude={"chunk"}),
            "chunk": self.spec.chunk.model_dump(mode="json"),
            "base": self.base,
            "version": __version__,
        }
        text = json.dumps(payload, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def columns(self) -> list[str]:
        """Columns of the varied inputs, in spec order."""
        return [p.column for p in self.spec.parameters]

    def base_scenario(self) -> Scenario:
        """The base scenario as an object."""
        return scenario_from_data(self.base, source="base")

    def manifest(self) -> dict[str, Any]:
        """The manifest fields that do not change while the sweep runs."""
        return {
            "name": self.spec.name,
            "spec_hash": self.hash,
            "version": __version__,
            "spec": self.spec.model_dump(mode="json"),
            "design": self.spec.design.kind,
            "parameters": self.columns,
            "regimes": list(self.spec.regimes),
            "replications": self.replications,
            "years": self.years,
            "seed": self.spec.seed,
            "seeding": self.spec.seeding,
            "cell_seeds": [c.seed for c in self.cells],
            "n_cells": len(self.cells),
            "n_chunks": len(self.chunks),
        }


def _resolve_base(spec: SweepSpec) -> Scenario:
    if isinstance(spec.base, dict):
        return scenario_from_data(spec.base, source="base")
    try:
        return load_scenario(spec.base)
    except UnknownNameError as err:
        if err.field is None:  # a name that is no scenario: the spec's field says where
            err.field = "base"
        raise


_TABLE: dict[str, dict[str, Any]] | None = None


def _param_table() -> dict[str, dict[str, Any]]:
    global _TABLE
    if _TABLE is None:
        _TABLE = {r["path"]: r for r in parameter_table()}
    return _TABLE


def _check_parameter(i: int, p: ParameterSpec, base: dict[str, Any]) -> None:
    field = f"parameters[{i}]"
    if p.path in ("replications", "seed"):
        raise SpecError(
            _("{path!r} cannot be varied: set the sweep's own {a} and {b}").format(
                path=p.path, a="replications", b="seed"
            ),
            field=field,
        )
    table = _param_table()
    if p.path.startswith("params.") and p.path not in table:
        near = difflib.get_close_matches(p.path, list(table), n=1)
        msg = _("no such parameter {path!r}").format(path=p.path)
        if near:
            msg += "; " + _("did you mean {name!r}?").format(name=near[0])
        raise UnknownNameError(msg, field=field)
    try:
        current = get_path(base, p.path)
    except UnknownNameError as err:
        raise UnknownNameError(err.message, field=field) from None
    if p.low is not None and p.high is not None:
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise SpecError(
                _("{path!r} is not a number ({value!r}); give {a} instead of {b}").format(
                    path=p.path, value=current, a="levels", b="low/high"
                ),
                field=field,
            )
        row = table.get(p.path)
        if row is not None:
            lo, hi = row["low"], row["high"]
            if (lo is not None and p.low < lo) or (hi is not None and p.high > hi):
                raise SpecError(
                    _(
                        "range [{low}, {high}] of {path!r} leaves its valid range [{lo}, {hi}]"
                    ).format(low=p.low, high=p.high, path=p.path, lo=lo, hi=hi),
                    field=field,
                )
    probes = [p.low, p.high] if p.low is not None else list(p.values or p.levels or ())
    for v in probes:
        value = _cast(v, current)
        try:
            apply_overrides(base, {p.path: value}, source="sweep")
        except (ScenarioError, UnknownNameError) as err:
            raise SpecError(
                _("value {value!r} of {path!r} is not valid: {reason}").format(
                    value=value, path=p.path, reason=err.message
                ),
                field=field,
            ) from None


def _cast(value: Any, current: Any) -> Any:
    """Round values of whole-number fields (e.g. ``world.n_states``)."""
    if isinstance(current, int) and not isinstance(current, bool) and isinstance(value, float):
        return round(value)
    return value


def _design_unit(spec: SweepSpec) -> np.ndarray:
    """The design in [0, 1] coordinates for every parameter (grid handled elsewhere)."""
    d = len(spec.parameters)
    kind = spec.design.kind
    n = spec.design.samples
    problem = {"num_vars": d, "names": [f"x{j}" for j in range(d)], "bounds": [[0.0, 1.0]] * d}
    if kind == "random":
        rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(entropy=spec.seed, spawn_key=(2,)))
        )
        return rng.random((n, d))
    if kind == "lhs":
        from SALib.sample import latin

        return np.asarray(latin.sample(problem, n, seed=spec.seed), dtype=float)
    from SALib.sample import sobol

    return np.asarray(
        sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=spec.seed),
        dtype=float,
    )


def _level(u: float, n: int) -> int:
    return min(math.floor(u * n), n - 1)


def _grid_axis(p: ParameterSpec, points: int) -> list[float | int]:
    if p.values is not None:
        return list(range(len(p.values)))
    if p.levels is not None:
        return list(range(len(p.levels)))
    assert p.low is not None
    assert p.high is not None
    return [float(v) for v in np.linspace(p.low, p.high, points)] if p.low != p.high else [p.low]


def cell_seed(spec: SweepSpec, index: int) -> int:
    """The seed of cell ``index``: child ``(index,)`` of ``SeedSequence(spec.seed)``.

    The same as ``SeedSequence(spec.seed).spawn(n)[index]``, reduced to a 63-bit
    int (so a single cell can be rerun with ``collsec run --seed``). With
    ``seeding: common`` every cell uses ``spec.seed`` itself.
    """
    if spec.seeding == "common":
        return spec.seed
    ss = np.random.SeedSequence(entropy=spec.seed, spawn_key=(index,))
    return int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))


MAX_CELLS = 1_000_000
"""Most cells of one sweep (each is a row of the plan, held in memory)."""
MAX_CHUNKS = 1_000_000
"""Most chunks of one sweep (each is a task and a file)."""


def _check_size(spec: SweepSpec, reps: int) -> None:
    """Refuse a design whose cells or chunks could not even be listed in memory.

    Counted from the spec alone, before the design is drawn: a grid of 10,000
    points over three parameters is 10^12 cells, which ``itertools.product``
    would try to build.
    """
    d = len(spec.parameters)
    if spec.design.kind == "grid":
        cells = 1
        for p in spec.parameters:
            if p.values is not None:
                cells *= len(p.values)
            elif p.levels is not None:
                cells *= len(p.levels)
            elif p.low != p.high:
                cells *= spec.design.points
        where = "design.points"
    elif spec.design.kind == "sobol":
        cells, where = spec.design.samples * (d + 2), "design.samples"
    else:
        cells, where = spec.design.samples, "design.samples"
    if cells > MAX_CELLS:
        raise SpecError(
            _("the design has {n} cells, more than {max}: use fewer points or samples").format(
                n=cells, max=MAX_CELLS
            ),
            field=where,
        )
    per = spec.chunk.replications or reps
    chunks = -(-cells // spec.chunk.cells) * -(-reps // per)
    if chunks > MAX_CHUNKS:
        raise SpecError(
            _(
                "the sweep has {n} chunks, more than {max}: put more cells or replications in each"
            ).format(n=chunks, max=MAX_CHUNKS),
            field="chunk",
        )


def plan(spec: SweepSpec) -> Plan:
    """Resolve a spec: check every parameter, draw the design, cut the chunks.

    Raises
    ------
    SpecError, UnknownNameError, ScenarioError
        If a parameter does not exist, its range leaves its valid range, the
        base scenario is not valid, or the design has more than
        :data:`MAX_CELLS` cells or :data:`MAX_CHUNKS` chunks.
    """
    sc = _resolve_base(spec)
    if spec.years is not None:
        sc = sc.replace(horizon=spec.years)
    if spec.replications is not None:
        sc = sc.replace(replications=spec.replications)
    base = sc.to_dict()
    # Sweeps keep only per-replication summaries; yearly and crisis tables would
    # grow with cells x replications x years.
    base["output"] = {"yearly": False, "crises": False, "states": False}
    for i, p in enumerate(spec.parameters):
        if p.path == "horizon" and spec.years is not None:
            raise SpecError(
                _("vary {a} or set {b}, not both").format(a="horizon", b="years"),
                field=f"parameters[{i}]",
            )
        _check_parameter(i, p, base)
    params = spec.parameters
    current = [get_path(base, p.path) for p in params]
    _check_size(spec, int(base["replications"]))
    if spec.design.kind == "grid":
        axes = [_grid_axis(p, spec.design.points) for p in params]
        unit = np.array(list(itertools.product(*axes)), dtype=float)
    else:
        unit = _design_unit(spec)
    cells = []
    for i, row in enumerate(unit):
        overrides: dict[str, Any] = {}
        columns: dict[str, Any] = {}
        for p, cur, u in zip(params, current, row, strict=True):
            if p.levels is not None:
                k = int(u) if spec.design.kind == "grid" else _level(float(u), len(p.levels))
                overrides[p.path] = p.levels[k]
                columns[p.column] = k
            elif p.values is not None:
                v = _cast(p.values[int(u)], cur)
                overrides[p.path] = v
                columns[p.column] = v
            else:
                assert p.low is not None
                assert p.high is not None
                x = float(u) if spec.design.kind == "grid" else p.low + float(u) * (p.high - p.low)
                v = _cast(x, cur)
                overrides[p.path] = v
                columns[p.column] = v
        cells.append(Cell(i, cell_seed(spec, i), overrides, columns))
    reps = int(base["replications"])
    per = spec.chunk.replications or reps
    chunks: list[Chunk] = []
    for c0 in range(0, len(cells), spec.chunk.cells):
        ids = tuple(range(c0, min(c0 + spec.chunk.cells, len(cells))))
        for r0 in range(0, reps, per):
            chunks.append(Chunk(len(chunks), ids, r0, min(per, reps - r0)))
    return Plan(spec, base, tuple(cells), tuple(chunks), reps, int(base["horizon"]), unit)


def level_label(value: Any) -> str:
    """A short text label of a discrete level (mappings as compact JSON)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
