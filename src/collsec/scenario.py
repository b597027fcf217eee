"""The scenario: one frozen, validated description of a world and a run.

A :class:`Scenario` holds the world (explicit states, or a generator spec for a
synthetic world), the arrangements (collective security, collective defence),
the parameters of every yearly phase, and the run settings (horizon,
replications, seed). It is the single source of truth for parameters: the
command line, the dashboard controls and sweep bounds read the schema below
(each parameter's default, valid range and one-line meaning), never a second
declaration.

Scenarios load from YAML, TOML or JSON (:func:`load_scenario`) and dump back to
YAML (:meth:`Scenario.to_yaml`) so that the dump loads to an equal object.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from collsec.errors import CollsecError, ScenarioError, UnknownNameError
from collsec.i18n import N_, _
from collsec.textformats import parse_structured

REGIMES: tuple[str, ...] = (
    "self_help",
    "collective_defense",
    "collective_security",
    "ideal_collective_security",
)
"""The four regimes of C10, from balance of power to the ideal (MODEL.md)."""

RUN_REGIMES: tuple[str, ...] = ("as_specified", *REGIMES)
"""Regimes accepted by ``collsec run``: ``as_specified`` keeps every arrangement of the file."""


def _number_kind(annotation: Any) -> str | None:
    """``"int"`` or ``"float"`` if ``annotation`` holds numbers (and no bool), else None."""
    leaves: set[Any] = set()
    stack = [annotation]
    while stack:
        a = stack.pop()
        args = get_args(a)
        if args:
            stack.extend(args)
        else:
            leaves.add(a)
    if bool in leaves:
        return None
    if int in leaves:
        return "int"
    return "float" if float in leaves else None


_FLOAT_TEXT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")
"""A number in exponent notation, which YAML 1.1 reads as text when it has no dot."""


def _has_bool(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, bool):
            return True
        if isinstance(v, list | tuple):
            stack.extend(v)
    return False


class InputModel(BaseModel):
    """Base of every model validated from a user's file (scenarios, sweep specs).

    Frozen, no unknown keys, no NaN or infinity in a number field (refused as
    "not a number", not as a failed bound), and no boolean in a number field.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_bool_numbers(cls, data: Any) -> Any:
        # Pydantic reads true as 1 for a number field (lax mode); a boolean in a
        # number field is a mistake (``n_states: true``), so it is refused here,
        # once, for every int and float field of every model. (A model
        # validator, not a field one: pydantic allows no field validator on a
        # union's tag.)
        if not isinstance(data, Mapping):
            return data
        floats: dict[str, Any] = {}
        for name, value in data.items():
            info = cls.model_fields.get(name) if isinstance(name, str) else None
            if info is None:
                continue
            kind = _number_kind(info.annotation)
            if kind == "int" and isinstance(value, str) and _FLOAT_TEXT.fullmatch(value.strip()):
                # YAML 1.1 reads ``1e300`` (no dot) as text; it is a number
                # that is checked as one (bounds, fraction), not "unparsable text".
                number = float(value)
                whole = math.isfinite(number) and number.is_integer()
                floats[name] = int(number) if whole else number
            if not _has_bool(value):
                continue
            if kind == "int":
                raise ValueError(f"{name}: " + _("a boolean (true/false) is not a whole number"))
            if kind == "float":
                raise ValueError(f"{name}: " + _("a boolean (true/false) is not a number"))
        return {**data, **floats} if floats else data


class _Frozen(InputModel):
    model_config = ConfigDict(validate_default=True)


def _p(default: float, lo: float, hi: float, meaning: str) -> Any:
    """A bounded float parameter with its one-line meaning."""
    return Field(default, ge=lo, le=hi, description=meaning)


# --------------------------------------------------------------------------- phases


class GrowthParams(_Frozen):
    """Phase 1, growth: capability grows log-normally; arms cost growth (C14)."""

    mean: float = _p(0.01, -0.1, 0.2, "mean yearly log growth of capability")
    drift_sd: float = _p(0.005, 0.0, 0.1, "spread of state-specific growth drifts")
    noise: float = _p(0.03, 0.0, 0.5, "sd of the yearly growth shock")
    arms_cost: float = _p(0.1, 0.0, 1.0, "growth lost per unit of arms share (guns versus butter)")


class ArmingParams(_Frozen):
    """Phase 2, arming: Richardson-type arms dynamics driven by threat (C14)."""

    arms_min: float = _p(0.02, 0.0, 0.5, "lowest share of capability kept in arms")
    arms_max: float = _p(0.3, 0.05, 1.0, "highest share of capability that can go to arms")
    arms_initial: float = _p(0.05, 0.0, 1.0, "arms share of a generated state in year 0")
    tolerance: float = _p(1.0, 0.01, 10.0, "threat ratio above which a state arms")
    response: float = _p(0.1, 0.0, 1.0, "arms growth per unit of log threat above tolerance")
    decay: float = _p(0.1, 0.0, 1.0, "share of arms above the minimum shed each year (fatigue)")

    @model_validator(mode="after")
    def _ordered(self) -> ArmingParams:
        if self.arms_min > self.arms_max:
            raise ValueError(
                _("{low} must not exceed {high}").format(low="arms_min", high="arms_max")
            )
        if not self.arms_min <= self.arms_initial <= self.arms_max:
            raise ValueError(
                _("{field} must lie between {low} and {high}").format(
                    field="arms_initial", low="arms_min", high="arms_max"
                )
            )
        return self


class AggressionParams(_Frozen):
    """Phase 3, aggression: expected utility against the expected coalition (O5, M1)."""

    opportunity: float = _p(0.1, 0.0, 1.0, "yearly chance a fully revisionist state weighs war")
    decisiveness: float = _p(2.0, 0.1, 10.0, "exponent of the contest success function")
    conquest_share: float = _p(0.3, 0.0, 1.0, "share of the victim's capability a winner takes")
    war_cost: float = _p(0.05, 0.0, 2.0, "cost of war at equal power (rises with the other side)")
    defeat_penalty: float = _p(0.3, 0.0, 2.0, "loss of a defeated aggressor, share of capability")
    threshold: float = _p(0.0, -1.0, 1.0, "expected utility a status-quo state needs to attack")
    misperception: float = _p(0.2, 0.0, 2.0, "sd of the log error in judging the power balance")
    dissimilarity_weight: float = _p(0.5, 0.0, 1.0, "how much shared interests damp the gain")


class ResponseParams(_Frozen):
    """Phase 4, response: designation (O1), participation (O2, O3, M2, M3), instrument."""

    vote_noise: float = _p(0.15, 0.0, 2.0, "sd of the noise in each member's vote")
    vote_bias: float = _p(
        0.1, -1.0, 1.0, "how clear aggression is: affinity margin a vote forgives"
    )
    tie_weight: float = _p(1.0, 0.0, 5.0, "weight of alliance ties in a member's affinity")
    join_base: float = _p(-2.5, -10.0, 10.0, "log-odds of joining with no obligation or affinity")
    join_obligation: float = _p(2.0, 0.0, 10.0, "log-odds added per unit of obligation")
    join_credibility: float = _p(1.0, 0.0, 10.0, "log-odds added per unit of credibility")
    join_affinity: float = _p(3.0, 0.0, 20.0, "log-odds added per unit of affinity to the victim")
    join_cost: float = _p(1.0, 0.0, 10.0, "log-odds lost per unit of aggressor-to-own power (log)")
    join_cost_gain: float = _p(
        1.0, 0.0, 1.0, "weight of the log-odds a weaker aggressor adds (0: never a gain)"
    )
    free_riding: float = _p(0.5, 0.0, 1.0, "fall in willingness when others already suffice")
    find_when_needed: bool = Field(
        False, description="find against an aggressor only where the victim cannot meet it alone"
    )
    foresee_force_only: bool = Field(
        False,
        description="an aggressor foresees a fighting coalition only where force may be used",
    )
    force_margin: float = _p(1.0, 0.1, 10.0, "coalition-to-aggressor power needed to use force")
    sanction_penalty: float = _p(0.01, 0.0, 1.0, "growth penalty of sanctions by the whole world")
    sanction_years: int = Field(3, ge=0, le=50, description="years sanctions last")
    sanction_war_effect: float = _p(0.3, 0.0, 1.0, "cut in the aggressor's war power by sanctions")
    adhoc_support: float = _p(0.05, 0.0, 1.0, "chance a like-minded reachable state joins a side")
    adhoc_affinity: float = _p(0.3, 0.0, 2.0, "affinity margin that makes a state like-minded")


class WarParams(_Frozen):
    """Phase 5, war: contest, losses (severity), conquest, state death, policy change."""

    loss_rate: float = _p(0.1, 0.0, 1.0, "capability a side loses at equal power, per war")
    intensity_sigma: float = _p(
        2.5, 0.0, 4.0, "sd of the log intensity of a war (tail of severity)"
    )
    absorb_ratio: float = _p(0.15, 0.0, 1.0, "victim-to-winner capability below which it dies")
    policy_change: float = _p(0.5, 0.0, 1.0, "fall in a defeated aggressor's revisionism (O5)")
    embolden: float = _p(0.05, 0.0, 1.0, "rise of a victorious aggressor's revisionism")
    reparations: float = _p(0.1, 0.0, 1.0, "share of capability a defeated aggressor pays")


class LearningParams(_Frozen):
    """Phase 6, learning and membership: credibility, exit, entry (C5, Druzin 2018)."""

    credibility_rate: float = _p(0.2, 0.0, 1.0, "step of credibility toward the last response")
    sanction_credit: float = _p(0.5, 0.0, 1.0, "credit sanctions earn, military action earns 1")
    exit_undefended: float = _p(0.3, 0.0, 1.0, "chance a member left undefended leaves")
    exit_designated: float = _p(0.5, 0.0, 1.0, "chance a designated aggressor walks out")
    join_rate: float = _p(
        0.05, 0.0, 1.0, "yearly chance a threatened outsider joins (x credibility)"
    )


class DiagnosisParams(_Frozen):
    """Thresholds that turn each condition's value into holds / fails (O1-O5, M1-M3)."""

    o2_share: float = _p(0.5, 0.0, 1.0, "share of members willing for O2 to hold")
    o3_share: float = _p(0.5, 0.0, 1.0, "share of members able for O3 to hold")
    m1_margin: float = _p(2.0, 0.0, 100.0, "potential coalition-to-aggressor power for M1")
    m2_threshold: float = _p(0.5, 0.0, 1.0, "mean interest similarity of members for M2")
    m3_share: float = _p(0.75, 0.0, 1.0, "share of members untied to the aggressor for M3")
    tie_threshold: float = _p(0.6, 0.0, 2.0, "affinity to the aggressor that counts as a tie")


class BlocParams(_Frozen):
    """How the collective-defence regime forms blocs when the scenario names none."""

    n_blocs: int = Field(2, ge=1, le=10, description="blocs, each led by a great power")
    min_similarity: float = _p(0.3, 0.0, 1.0, "interest similarity to a leader needed to join")
    obligation: float = _p(0.8, 0.0, 1.0, "obligation of a generated bloc")
    credibility: float = _p(0.7, 0.0, 1.0, "initial credibility of a generated bloc")


class Parameters(_Frozen):
    """The parameters of every phase, grouped by phase."""

    growth: GrowthParams = GrowthParams()
    arming: ArmingParams = ArmingParams()
    aggression: AggressionParams = AggressionParams()
    response: ResponseParams = ResponseParams()
    war: WarParams = WarParams()
    learning: LearningParams = LearningParams()
    diagnosis: DiagnosisParams = DiagnosisParams()
    blocs: BlocParams = BlocParams()


# --------------------------------------------------------------------------- world

Doctrine = Literal["conditional", "committed", "realist"]


CAPABILITY_MIN = 1e-100
CAPABILITY_MAX = 1e100
"""Capability has no unit (the dynamics do not change when every state's is
multiplied by a constant: tests/theory/test_numerical_health.py), but float64
sums and products of capabilities near 1e+-300 overflow or lose every digit;
these bounds leave two hundred orders of magnitude of scale."""


class StateSpec(_Frozen):
    """One state of an explicit world."""

    code: str = Field(min_length=1, max_length=16, description="short unique code, e.g. ITA or 325")
    name: str = Field("", description="display name")
    capability: float = Field(
        ge=CAPABILITY_MIN,
        le=CAPABILITY_MAX,
        description="latent power (CINC score or any positive scale)",
    )
    arms: float | None = Field(None, ge=0, le=1, description="share of capability in arms")
    region: str = Field("world", min_length=1, description="region name")
    position: tuple[float, float] | None = Field(None, description="map point, for contiguity")
    interests: tuple[float, ...] = Field((), description="point in the policy space")
    revisionism: float = Field(0.2, ge=0, le=1, description="propensity to seek gains by force")
    great_power: bool = Field(False, description="global reach and a permanent seat if any")
    doctrine: Doctrine = Field("conditional", description="how the state answers calls to act")


class AllianceSpec(_Frozen):
    """A tie among states (an alliance), raising their affinity."""

    members: tuple[str, ...] = Field(min_length=2)
    strength: float = Field(1.0, ge=0, le=1, description="1 a defence pact, less for ententes")


class ExplicitWorld(_Frozen):
    """A world given state by state (historical worlds, hand-made tests)."""

    kind: Literal["explicit"] = "explicit"
    states: tuple[StateSpec, ...] = Field(min_length=2)
    edges: tuple[tuple[str, str], ...] | None = Field(
        None, description="contiguity pairs; None joins positions by a Delaunay triangulation"
    )
    similarity: tuple[tuple[float, ...], ...] | None = Field(
        None, description="interest similarity matrix in [0, 1], rows in state order"
    )
    alliances: tuple[AllianceSpec, ...] = ()
    similarity_scale: float = Field(0.7, gt=0, le=10, description="length scale of similarity")

    @model_validator(mode="after")
    def _consistent(self) -> ExplicitWorld:
        codes = [s.code for s in self.states]
        seen: set[str] = set()
        for i, c in enumerate(codes):
            if c in seen:
                raise ValueError(
                    f"states[{i}].code: " + _("duplicate state code {code!r}").format(code=c)
                )
            seen.add(c)
        n = len(codes)
        if self.edges is None and any(s.position is None for s in self.states):
            raise ValueError("edges: " + _("give contiguity edges, or a position for every state"))
        for k, (a, b) in enumerate(self.edges or ()):
            for c in (a, b):
                if c not in seen:
                    raise ValueError(
                        f"edges[{k}]: " + _("unknown state code {code!r}").format(code=c)
                    )
        for k, al in enumerate(self.alliances):
            for c in al.members:
                if c not in seen:
                    raise ValueError(
                        f"alliances[{k}].members: "
                        + _("unknown state code {code!r}").format(code=c)
                    )
        if self.similarity is not None:
            if len(self.similarity) != n or any(len(r) != n for r in self.similarity):
                raise ValueError("similarity: " + _("must be a {n} x {n} matrix").format(n=n))
            for i, row in enumerate(self.similarity):
                for j, v in enumerate(row):
                    if not 0.0 <= v <= 1.0:
                        raise ValueError(
                            f"similarity[{i}][{j}]: "
                            + _("{value} is outside [0, 1]").format(value=v)
                        )
        dims = {len(s.interests) for s in self.states}
        if len(dims) > 1:
            raise ValueError("states: " + _("every state needs interests of the same dimension"))
        return self


class GeneratedWorld(_Frozen):
    """A synthetic world drawn from the run's seed (its own child stream)."""

    kind: Literal["generated"] = "generated"
    n_states: int = Field(40, ge=2, le=5000, description="number of states")
    n_regions: int = Field(4, ge=1, le=64, description="number of regions")
    n_great_powers: int = Field(3, ge=0, le=50, description="the strongest states, with reach")
    capability_sigma: float = _p(1.0, 0.0, 5.0, "sd of log capability")
    revisionism_mean: float = _p(0.3, 0.0, 1.0, "mean revisionism (Beta distributed)")
    revisionism_concentration: float = _p(4.0, 0.1, 1000.0, "Beta concentration of revisionism")
    interest_dims: int = Field(2, ge=1, le=10, description="dimensions of the policy space")
    interest_spread: float = _p(0.5, 0.0, 10.0, "sd of interests around the region's centre")
    region_separation: float = _p(1.0, 0.0, 10.0, "distance between region centres (interests)")
    similarity_scale: float = Field(0.7, gt=0, le=10, description="length scale of similarity")
    committed_share: float = _p(0.0, 0.0, 1.0, "share of states with the committed doctrine")
    realist_share: float = _p(0.0, 0.0, 1.0, "share of states with the realist doctrine")
    world_seed: int | None = Field(
        None, ge=0, description="seed of the world alone; None draws it from the run seed"
    )

    @model_validator(mode="after")
    def _consistent(self) -> GeneratedWorld:
        if self.n_great_powers > self.n_states:
            raise ValueError(_("{a} cannot exceed {b}").format(a="n_great_powers", b="n_states"))
        if self.committed_share + self.realist_share > 1.0:
            raise ValueError(
                _("{a} + {b} cannot exceed 1").format(a="committed_share", b="realist_share")
            )
        return self


def generated_codes(n: int) -> list[str]:
    """State codes of a generated world: S01, S02, ... (width grows with n)."""
    width = max(2, len(str(n)))
    return [f"S{i + 1:0{width}d}" for i in range(n)]


def generated_regions(n: int) -> list[str]:
    """Region names of a generated world: R1, R2, ..."""
    return [f"R{r + 1}" for r in range(n)]


World = Annotated[ExplicitWorld | GeneratedWorld, Field(discriminator="kind")]


# --------------------------------------------------------------------------- arrangements


class AutomaticRule(_Frozen):
    """No vote: the aggressor is always designated (Organski's O1 as an ideal)."""

    kind: Literal["automatic"] = "automatic"


class UnanimityRule(_Frozen):
    """Every voting member must designate (League Council, Covenant art. 15)."""

    kind: Literal["unanimity"] = "unanimity"
    parties_vote: bool = Field(False, description="do the aggressor and victim vote?")


class MajorityRule(_Frozen):
    """A share of voting members at least ``quota`` must designate."""

    kind: Literal["majority"] = "majority"
    quota: float = Field(0.5, gt=0, le=1, description="share of yes votes needed")
    parties_vote: bool = Field(False, description="do the aggressor and victim vote?")


class CouncilRule(_Frozen):
    """A council: permanent members, a quota of yes votes, vetoes if set (UN Charter art. 27)."""

    kind: Literal["council"] = "council"
    permanent: tuple[str, ...] | Literal["great_powers"] = Field(
        "great_powers", description="state codes of permanent members, or the great powers"
    )
    seats: int = Field(15, ge=1, le=500, description="seats, permanent ones included")
    quota: int = Field(9, ge=1, le=500, description="yes votes needed (of a full council)")
    veto: bool = Field(True, description="a permanent member's no blocks")
    absent: tuple[str, ...] = Field((), description="permanent members absent from every vote")
    parties_vote: bool = Field(True, description="do the aggressor and victim vote?")

    @model_validator(mode="after")
    def _quota(self) -> CouncilRule:
        if self.quota > self.seats:
            raise ValueError(_("{a} cannot exceed {b}").format(a="quota", b="seats"))
        return self


DecisionRuleSpec = Annotated[
    AutomaticRule | UnanimityRule | MajorityRule | CouncilRule, Field(discriminator="kind")
]

Instrument = Literal["sanctions", "military"]


class ArrangementSpec(_Frozen):
    """An arrangement: collective security (C1, C2, C11, C16) or collective defence (C12)."""

    name: str = Field(min_length=1)
    kind: Literal["collective_security", "collective_defense"]
    members: tuple[str, ...] | Literal["all", "all_but_great_powers"] = Field(
        "all", description="state codes, all, or all but the great powers (C5)"
    )
    scope: tuple[str, ...] | Literal["global"] = Field(
        "global", description="regions whose states it protects, or global"
    )
    decision_rule: DecisionRuleSpec = Field(default_factory=UnanimityRule)
    obligation: float = _p(0.7, 0.0, 1.0, "how binding the promise to act is")
    credibility: float = _p(0.5, 0.0, 1.0, "initial credibility, learned from the record")
    instruments: tuple[Instrument, ...] = ("sanctions", "military")
    open: bool = Field(True, description="can outsiders join when it pays them?")
    ideal: bool = Field(False, description="force every Organski assumption true")

    @field_validator("instruments")
    @classmethod
    def _unique(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(v)) != len(v):
            raise ValueError(_("{field} must not repeat").format(field="instruments"))
        return v


class OutputSpec(_Frozen):
    """What a run keeps beyond the per-replication summary."""

    yearly: bool = Field(True, description="keep per-replication, per-year metrics")
    crises: bool = Field(True, description="keep the crisis log")
    states: bool = Field(False, description="keep per-state, per-year detail (large)")


class Scenario(_Frozen):
    """A world, its arrangements, the parameters of every phase, and the run."""

    name: str = Field("unnamed", min_length=1)
    description: str = ""
    world: World = Field(default_factory=GeneratedWorld)
    arrangements: tuple[ArrangementSpec, ...] = ()
    params: Parameters = Parameters()
    horizon: int = Field(200, ge=1, le=100_000, description="years simulated")
    replications: int = Field(200, ge=1, le=10_000_000, description="independent replications")
    seed: int = Field(20261127, ge=0, description="seed of the whole run")
    output: OutputSpec = OutputSpec()

    @model_validator(mode="before")
    @classmethod
    def _world_kind(cls, data: Any) -> Any:
        # A world without ``kind`` is generated, as a scenario without ``world``
        # is: ``kind`` defaults to ``generated`` like every other world field.
        if isinstance(data, Mapping):
            world = data.get("world")
            if isinstance(world, Mapping) and "kind" not in world:
                return {**data, "world": {"kind": "generated", **world}}
        return data

    @model_validator(mode="after")
    def _codes_exist(self) -> Scenario:
        if isinstance(self.world, ExplicitWorld):
            codes = {s.code for s in self.world.states}
            regions = {s.region for s in self.world.states}
        else:
            codes = set(generated_codes(self.world.n_states))
            regions = set(generated_regions(self.world.n_regions))
        names: set[str] = set()
        for k, arr in enumerate(self.arrangements):
            if arr.name in names:
                raise ValueError(
                    f"arrangements[{k}].name: " + _("duplicate name {name!r}").format(name=arr.name)
                )
            names.add(arr.name)
            if isinstance(arr.scope, tuple):
                for r in arr.scope:
                    if r not in regions:
                        raise ValueError(
                            f"arrangements[{k}].scope: "
                            + _("unknown region {region!r}").format(region=r)
                        )
            listed: list[tuple[str, tuple[str, ...]]] = []
            if isinstance(arr.members, tuple):
                listed.append(("members", arr.members))
            rule = arr.decision_rule
            if isinstance(rule, CouncilRule):
                if isinstance(rule.permanent, tuple):
                    listed.append(("decision_rule.permanent", rule.permanent))
                listed.append(("decision_rule.absent", rule.absent))
            for fld, values in listed:
                for c in values:
                    if c not in codes:
                        raise ValueError(
                            f"arrangements[{k}].{fld}: "
                            + _("unknown state code {code!r}").format(code=c)
                        )
        return self

    # ------------------------------------------------------------------ io

    def to_dict(self) -> dict[str, Any]:
        """Return the complete scenario as plain data (every default filled in)."""
        return self.model_dump(mode="json")

    def to_yaml(self) -> str:
        """Return the complete scenario as YAML that :func:`load_scenario` accepts."""
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    def to_json(self) -> str:
        """Return the complete scenario as JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def replace(self, **changes: Any) -> Scenario:
        """Return a validated copy with top-level fields replaced."""
        data = self.to_dict()
        data.update(changes)
        return scenario_from_data(data, source="changes")

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """Return a validated copy with dotted-path values replaced.

        Parameters
        ----------
        overrides
            Mapping such as ``{"params.aggression.opportunity": 0.1, "horizon": 50}``.

        Raises
        ------
        UnknownNameError
            If a path does not name a field of the scenario.
        ScenarioError
            If a value is invalid for its field.
        """
        data = self.to_dict()
        for path, value in overrides.items():
            node: Any = data
            parts = path.split(".")
            for part in parts[:-1]:
                if not isinstance(node, dict) or part not in node:
                    raise UnknownNameError(
                        _("no such parameter {path!r}").format(path=path), field=path
                    )
                node = node[part]
            if not isinstance(node, dict) or parts[-1] not in node:
                raise UnknownNameError(
                    _("no such parameter {path!r}").format(path=path), field=path
                )
            node[parts[-1]] = value
        return scenario_from_data(data, source="overrides")


def parameter_table() -> list[dict[str, Any]]:
    """Return every phase parameter with its path, default, range and meaning.

    The command line, the dashboard and sweep validation read this table.
    """
    rows: list[dict[str, Any]] = []
    for group, model in Parameters.model_fields.items():
        sub = model.annotation
        assert sub is not None
        assert isinstance(sub, type)
        assert issubclass(sub, BaseModel)
        for name, info in sub.model_fields.items():
            lo = hi = None
            for m in info.metadata:
                lo = getattr(m, "ge", lo)
                hi = getattr(m, "le", hi)
            rows.append(
                {
                    "path": f"params.{group}.{name}",
                    "default": info.default,
                    "low": lo,
                    "high": hi,
                    "type": getattr(info.annotation, "__name__", str(info.annotation)),
                    "meaning": info.description or "",
                }
            )
    return rows


# --------------------------------------------------------------------------- loading


def _union_tags(model: type[BaseModel] | None, loc: Sequence[int | str]) -> list[str]:
    """The ``kind`` tags of the tagged union at ``loc`` in ``model`` (empty if unknown)."""

    def models(annotation: Any) -> list[type[BaseModel]]:
        found: list[type[BaseModel]] = []
        stack = [annotation]
        while stack:
            a = stack.pop(0)
            if isinstance(a, type) and issubclass(a, BaseModel):
                found.append(a)
            else:
                stack.extend(get_args(a))
        return found

    candidates: list[type[BaseModel]] = [model] if model is not None else []
    for p in loc:
        if isinstance(p, int):
            continue
        nxt: list[type[BaseModel]] = []
        for m in candidates:
            info = m.model_fields.get(p)
            if info is not None:
                nxt.extend(models(info.annotation))
        candidates = nxt
    tags: list[str] = []
    for m in candidates:
        info = m.model_fields.get("kind")
        if info is not None and isinstance(info.default, str):
            tags.append(info.default)
    return tags


_PATH_PREFIX = re.compile(r"([A-Za-z_]\w*(?:\[\d+\]|\.[A-Za-z_]\w*)*): (.+)", re.DOTALL)
"""A field path that one of our validators puts before its reason (``states[3].code: ...``)."""

_SHAPES: dict[str, str] = {
    "tuple_type": N_("a list"),
    "list_type": N_("a list"),
    "string_type": N_("a text"),
    "int_type": N_("a whole number"),
    "float_type": N_("a number"),
    "bool_type": N_("true or false"),
    "dict_type": N_("a mapping"),
    "model_type": N_("a mapping"),
}
"""What a branch of a union wants, when the input has the wrong shape for it."""


def _walk(loc: Sequence[int | str], data: Any) -> tuple[list[int | str], int | None]:
    """The loc without pydantic's union labels, and the index of the first label.

    A label is a union tag (``world.generated.n_states``) or a branch's type
    name (``members.tuple[str, ...][0]``): a key that is not in the data.
    """
    kept: list[int | str] = []
    first: int | None = None
    node = data
    for i, p in enumerate(loc):
        mapping = isinstance(node, Mapping)
        # The last key of a mapping may be a field the data lacks (``missing``).
        last_field = mapping and i == len(loc) - 1
        tag = mapping and p not in node and node.get("kind") == p
        if isinstance(p, str) and not (mapping and p in node) and (tag or not last_field):
            first = len(kept) if first is None else first
            continue
        kept.append(p)
        if isinstance(node, Mapping):
            node = node.get(p)
        elif isinstance(node, list | tuple) and isinstance(p, int) and p < len(node):
            node = node[p]
        else:
            node = None
    return kept, first


def _dotted(loc: Sequence[int | str]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def format_validation_error(
    err: ValidationError, data: Any = None, model: type[BaseModel] | None = None
) -> tuple[str, str]:
    """The dotted field path (``params.war.loss_rate``, ``states[3].code``) and the
    reason of a pydantic error's first problem, with a count of the others.

    Pydantic puts the tag of a discriminated union (``world.generated.n_states``)
    and the type of a union's branch (``members.tuple[str, ...][0]``) in the
    path; walking ``data`` along the path drops them. A union's branches count
    as one problem: the deepest branch speaks, and when none got deeper than
    the union itself, the reason lists what each branch wants. ``model`` (the
    model validated) lets a missing ``kind`` name its choices.
    """
    problems: list[tuple[list[int | str], int | None, Mapping[str, Any]]] = []
    for detail in err.errors():
        kept, label = _walk(detail["loc"], data)
        problems.append((kept, label, detail))
    kept, label, first = problems[0]
    group = kept[:label] if label is not None else None
    if group is not None:
        # The first problem is in a union: take the deepest of its branches.
        branch = [p for p in problems if p[1] is not None and p[0][: p[1]] == group]
        depth = max(len(p[0]) for p in branch)
        deepest = [p for p in branch if len(p[0]) == depth]
        kept, label, first = deepest[0]
    loc = _dotted(kept)
    if group is not None and depth == len(group) and len(deepest) > 1:
        wants = []
        for _k, _l, e in deepest:
            if e["type"] == "literal_error":
                wants.append(str((e.get("ctx") or {}).get("expected", "")))
            elif e["type"] in _SHAPES:
                wants.append(_(_SHAPES[e["type"]]))
        msg = _("Input should be {expected}").format(expected=_(", or ").join(dict.fromkeys(wants)))
    elif first["type"] == "union_tag_not_found" and _union_tags(model, kept):
        loc = _dotted([*kept, "kind"])
        tags = ", ".join(_union_tags(model, kept))
        msg = _("missing: choose {choices}").format(choices=tags)
    elif first["type"] == "union_tag_invalid" and _union_tags(model, kept):
        loc = _dotted([*kept, "kind"])
        tags = ", ".join(_union_tags(model, kept))
        tag = (first.get("ctx") or {}).get("tag")
        msg = _("unknown kind {tag!r}: choose {choices}").format(tag=tag, choices=tags)
    else:
        msg = pydantic_message(first)
        prefix = _PATH_PREFIX.fullmatch(msg) if first["type"] == "value_error" else None
        if prefix is not None:
            loc = _dotted([loc, prefix.group(1)]) if loc else prefix.group(1)
            msg = prefix.group(2)
    groups = {
        (tuple(p[0][: p[1]]) if p[1] is not None else (tuple(p[0]), i))
        for i, p in enumerate(problems)
    }
    extra = len(groups) - 1
    if extra > 0:
        more = _("(and {n} more problem)") if extra == 1 else _("(and {n} more problems)")
        msg += " " + more.format(n=extra)
    return loc or _("(top level)"), msg


_PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "string_type": N_("Input should be a valid string"),
    "list_type": N_("Input should be a valid list"),
    "tuple_type": N_("Input should be a valid tuple"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
    "literal_error": N_("Input should be {expected}"),
    "union_tag_invalid": N_(
        "Input tag '{tag}' found using {discriminator} does not match any of the "
        "expected tags: {expected_tags}"
    ),
    "union_tag_not_found": N_("Unable to extract tag using discriminator {discriminator}"),
}
"""Pydantic's English wording of its common errors, by error type, as message ids."""


def _ctx_text(value: Any) -> Any:
    # pydantic-core prints a whole float without its ".0" (le=1.0 -> "1").
    return int(value) if isinstance(value, float) and value.is_integer() else value


_BOUNDS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")


def _bound_text(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**16:
        return f"{value:g}"
    if isinstance(value, float) and (value.is_integer() and abs(value) < 1e16):
        return int(value)
    return f"{value:g}" if isinstance(value, float) else value


def pydantic_message(error: Mapping[str, Any]) -> str:
    """The reason of one pydantic error, in the active language.

    Our validators raise messages already translated (``Value error, `` is
    dropped). Pydantic's own messages are translated by error type when its
    English wording is the one we know; any other wording is shown unchanged,
    so a new pydantic release can never garble a message.
    """
    msg = str(error["msg"])
    if error["type"] == "value_error":
        return msg.removeprefix("Value error, ")
    if error["type"] == "finite_number":
        value = error.get("input")
        if isinstance(value, float) and math.isnan(value):
            return _("NaN is not a number")
        return _("{value} is not a finite number").format(value=value)
    template = _PYDANTIC_MESSAGES.get(error["type"])
    if template is None:
        return msg
    ctx = {k: _ctx_text(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        if error["type"] in _BOUNDS:
            # Pydantic prints a bound of 1e-100 with a hundred digits; ours
            # reads 1e-100. The wording of a bound is stable: no comparison.
            return _(template).format(**{k: _bound_text(v) for k, v in ctx.items()})
        if template.format(**ctx) != msg:
            return msg
        return _(template).format(**ctx)
    except (KeyError, IndexError, ValueError):
        return msg


M = TypeVar("M", bound=BaseModel)


def validate_as(model: type[M], data: Any, source: str, error: type[CollsecError], what: str) -> M:
    """Validate plain data as ``model``; raise ``error`` naming the field on failure.

    Raises
    ------
    CollsecError
        (of class ``error``) If the data is not a mapping or not valid.
    """
    if data is None:
        raise error(
            _("is empty: {what} must be a mapping of fields").format(what=_(what)), source=source
        )
    if not isinstance(data, Mapping):
        raise error(_("{what} must be a mapping of fields").format(what=_(what)), source=source)
    try:
        return model.model_validate(dict(data))
    except ValidationError as err:
        loc, msg = format_validation_error(err, data, model)
        raise error(msg, source=source, field=loc) from None


def scenario_from_data(data: Any, source: str = "<data>") -> Scenario:
    """Validate plain data as a scenario, with errors that name the field.

    Raises
    ------
    ScenarioError
        If the data is not a valid scenario.
    """
    return validate_as(Scenario, data, source, ScenarioError, N_("a scenario"))


def _parse_text(text: str, suffix: str, source: str) -> Any:
    return parse_structured(text, suffix, source, ScenarioError)


_SUFFIXES = (".yaml", ".yml", ".toml", ".json")
"""The suffixes of a scenario file."""


def bundled_scenarios() -> list[str]:
    """Return the names of the scenarios shipped with collsec."""
    folder = resources.files("collsec") / "scenarios"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a bundled scenario by name, or a scenario file (YAML, TOML or JSON).

    Parameters
    ----------
    name_or_path
        A bundled name (``default``, ``bipolar``, ``interwar``, ``un-charter``)
        or the path of a ``.yaml``/``.yml``/``.toml``/``.json`` file.

    Returns
    -------
    Scenario
        The validated, frozen scenario.

    Raises
    ------
    UnknownNameError
        If the name is neither a bundled scenario nor an existing file.
    ScenarioError
        If the file cannot be read or is not a valid scenario.

    Examples
    --------
    >>> sc = load_scenario("default")
    >>> sc.world.n_states
    40
    """
    path = Path(name_or_path)
    names = bundled_scenarios()
    if str(name_or_path) in names and not path.exists():
        res = resources.files("collsec") / "scenarios" / f"{name_or_path}.yaml"
        text = res.read_text(encoding="utf-8")
        return scenario_from_data(
            _parse_text(text, ".yaml", f"{name_or_path}.yaml"), source=f"{name_or_path}.yaml"
        )
    if not path.exists() and ("/" in str(name_or_path) or path.suffix.lower() in _SUFFIXES):
        # A name that looks like a path is a file the user meant, not a bundled name.
        raise ScenarioError(_("file not found"), source=str(name_or_path))
    if not path.exists():
        raise UnknownNameError(
            _("no scenario named {name!r}: not a file, and not one of {names}").format(
                name=str(name_or_path), names=", ".join(names)
            )
        )
    if path.is_dir():
        raise ScenarioError(_("is a folder, not a scenario file"), source=str(path))
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".toml", ".json"):
        raise ScenarioError(
            _("unknown file type {suffix!r}: use .yaml, .toml or .json").format(
                suffix=suffix or "(none)"
            ),
            source=str(path),
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(
            _("cannot read the file: {reason}").format(reason=err), source=str(path)
        ) from None
    return scenario_from_data(_parse_text(text, suffix, str(path)), source=str(path))


def iter_fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (dotted path, field info) for every leaf field of a model class."""
    for name, info in model.model_fields.items():
        ann = info.annotation
        path = f"{prefix}{name}"
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from iter_fields(ann, path + ".")
        else:
            yield path, info
