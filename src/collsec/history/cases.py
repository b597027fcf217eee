"""Case prediction: one historical crisis, many draws of the model's noise.

:func:`predict_case` builds the historical world of the crisis' year
(:mod:`collsec.history.worlds`), then plays the crisis ``draws`` times with the
engine's own machinery, exactly as :func:`collsec.engine.run_batch` resolves an
attack: :func:`~collsec.phases.response.assess` (who covers the victim, who
votes, who is able and willing: O1-O3, M3), ad hoc support for either side,
:func:`~collsec.phases.response.respond` (votes, designation, joining, the
instrument), and :func:`~collsec.phases.war.fight` (the contest success
function). Each draw has its own seats, votes, joining decisions and war.

The three recorded outcomes are predicted from the draws:

- **designated**: ``yes`` when the deciding body designates in at least half
  the draws (O1);
- **action**: the most frequent instrument, ``none``, ``sanctions`` or
  ``military``;
- **reversed**: from ``P``, the share of draws in which the aggressor's side
  loses: ``yes`` when ``P >= high``, ``partial`` when ``low <= P < high``
  (the aggression is as likely as not to be undone: the model's analogue of a
  war that ends near where it began), ``no`` otherwise. The cut-offs are in
  ``params.yaml``.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from collsec import data
from collsec.arrangements import Arrangement, build_arrangement
from collsec.diagnosis import CONDITIONS, diagnose_response
from collsec.engine import clash
from collsec.errors import CollsecError
from collsec.history.agenda import case_inputs, ga_isolation
from collsec.history.calibration import ProbabilityModel, model_inputs
from collsec.history.interests import MissingDataFileError, crisis_inputs
from collsec.history.worlds import (
    MAX_DRAWS,
    ORGS,
    HistoricalRecord,
    HistoryParams,
    historical_record,
    load_history_params,
    org_arrangement,
    params_with,
)
from collsec.i18n import _, get_language
from collsec.phases.aggression import aggression_rule
from collsec.phases.response import assess
from collsec.scenario import ArmingParams, ExplicitWorld, Parameters
from collsec.state import DRAWS_PER_ATTACK, Batch
from collsec.world import World, build_world

ACTIONS: tuple[str, ...] = ("none", "sanctions", "military")
REVERSALS: tuple[str, ...] = ("yes", "partial", "no")


@dataclass(frozen=True)
class Case:
    """One crisis to predict (a case-book row, or the command line)."""

    year: int
    org: str
    aggressors: tuple[str, ...]
    victim: str
    absent: tuple[str, ...] = ()
    id: str = "case"


@dataclass
class CasePrediction:
    """What the model predicts for one crisis.

    Attributes
    ----------
    case
        The crisis.
    p_designated, p_reversed
        Share of draws with a designation, and with the aggression undone.
    p_action
        Share of draws with each instrument.
    designated, action, reversed
        The predicted labels.
    diagnosis
        Per condition (O1-O5, M1-M3): mean ``value``, share of draws where it
        ``holds`` and the verdict ``ok`` (holds in at least half the draws).
    votes
        One row per state that sat in at least one draw: code, name,
        permanent seat, share of draws seated, chance of a yes, role.
    coalition
        One row per state that joined in at least 5 % of the draws: code,
        name, chance of joining, military power.
    power
        Mean power of the aggressor's side and of the victim's side as fought.
    description
        The scenario's description (data years used, then the notes).
    notes
        One warning per data set whose last year is before the case's year
        (``... ends in 2016; using 2016 for 3000``): the data of that year stand in.
    data_years
        The year of each data set used (keys of
        :data:`~collsec.history.worlds.DATA_SETS`); say them with
        :func:`~collsec.history.worlds.describe_data_years`.
    """

    case: Case
    p_designated: float
    p_action: dict[str, float]
    p_reversed: float
    designated: str
    action: str
    reversed: str
    diagnosis: dict[str, dict[str, Any]]
    votes: list[dict[str, Any]]
    coalition: list[dict[str, Any]]
    power: dict[str, float]
    description: str
    rule: str = ""
    members: int = 0
    notes: list[str] = field(default_factory=list)
    inputs: dict[str, float] = field(default_factory=dict)
    calibrated: dict[str, Any] | None = None
    data_years: dict[str, int | None] = field(default_factory=dict)

    @property
    def simulated_labels(self) -> dict[str, str]:
        """The labels read from the simulated shares alone (before calibration)."""
        return {
            "designated": "yes" if self.p_designated >= 0.5 else "no",
            "action": argmax_action(self.p_action),
        }

    def labels(self) -> dict[str, str]:
        """The three predicted labels (from the calibrated probabilities where there are some)."""
        return {"designated": self.designated, "action": self.action, "reversed": self.reversed}

    def probabilities(self) -> dict[str, Any]:
        """The probabilities the labels come from: calibrated where possible, else simulated."""
        src = self.calibrated or {"designated": self.p_designated, "action": self.p_action}
        return {
            "designated": float(src["designated"]),
            "action": {a: float(src["action"][a]) for a in ACTIONS},
            "reversed": self.p_reversed,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "case": {
                "id": self.case.id,
                "year": self.case.year,
                "organization": self.case.org,
                "aggressors": list(self.case.aggressors),
                "victim": self.case.victim,
                "absent": list(self.case.absent),
            },
            "predicted": self.labels(),
            "probabilities": self.probabilities(),
            "simulated": {
                "designated": self.p_designated,
                "action": self.p_action,
                "reversed": self.p_reversed,
            },
            "calibrated": self.calibrated is not None,
            "inputs": self.inputs,
            "diagnosis": self.diagnosis,
            "votes": self.votes,
            "coalition": self.coalition,
            "power": self.power,
            "rule": self.rule,
            "members": self.members,
            "description": self.description,
            "notes": self.notes,
            "data_years": self.data_years,
        }


def check_draws(draws: int, option: str) -> int:
    """``draws`` if it is from 1 to :data:`~collsec.history.worlds.MAX_DRAWS`.

    Raises
    ------
    CollsecError
        Naming ``option``, otherwise (0 is refused, never read as "the default").
    """
    if isinstance(draws, bool) or not 1 <= draws <= MAX_DRAWS:
        raise CollsecError(_("must be from 1 to {n}").format(n=MAX_DRAWS), field=option)
    return int(draws)


def argmax_action(p: dict[str, float]) -> str:
    """The most probable action; a tie goes to the milder one (``ACTIONS`` order)."""
    return max(ACTIONS, key=lambda a: (p[a], -ACTIONS.index(a)))


def _data_inputs(
    case: Case,
    world: World,
    arr: Arrangement,
    power0: np.ndarray,
    agg_idx: np.ndarray,
    vic_idx: int,
    data_dir: Path | str | None,
) -> tuple[dict[str, float], list[str]]:
    """The crisis' inputs read from the data (calibration and the logistic baseline)."""
    gp = world.great_power
    members = np.asarray(arr.members, dtype=bool)
    agg_power = float(power0[0, agg_idx].sum())
    vic_power = float(power0[0, vic_idx])
    out = {
        "un": 1.0 if case.org == "un" else 0.0,
        "great_power_party": float(bool(gp[agg_idx].any() or gp[vic_idx])),
        "aggressor_member": float(bool(members[agg_idx[0]])),
        "victim_member": float(bool(members[vic_idx])),
        # Clipped to a factor of e^5 (about 150) either way: beyond it one side
        # is at the data's floor (Ethiopia 1935), and the size of the gap says nothing.
        "log_power_ratio": float(
            np.clip(np.log(max(agg_power, 1e-12) / max(vic_power, 1e-12)), -5.0, 5.0)
        ),
    }
    permanent = [world.codes[i] for i in np.flatnonzero(np.asarray(arr.permanent, dtype=bool))]
    out.update(case_inputs(case.aggressors, case.victim, permanent))
    notes: list[str] = []
    try:
        out.update(
            crisis_inputs(case.year, case.org, case.aggressors, case.victim, permanent, data_dir)
        )
        out.update(ga_isolation(case.year, case.org, case.aggressors, case.victim, data_dir))
    except MissingDataFileError as err:
        notes.append(_("no calibrated probabilities: {reason}").format(reason=err.render()))
    return out, notes


def _calibrate(
    hp: HistoryParams, p_des: float, p_act: dict[str, float], inputs: dict[str, float]
) -> dict[str, Any] | None:
    """Calibrated probabilities from the bundled probability model, if it has its inputs."""
    if not hp.probability_model:
        return None
    model = ProbabilityModel.from_dict(hp.probability_model)
    row = model_inputs(p_des, p_act, inputs)
    needed = {*model.finding.coef, *model.action.measure.coef, *model.action.military.coef}
    if not needed <= set(row):
        return None
    pd_, pa = model.predict([row])
    return {"designated": pd_[0], "action": pa[0]}


def _check_codes(
    codes: Sequence[str], world_codes: set[str], year: int, what: str, data_dir: Any
) -> None:
    """Raise a clear error for a code that is unknown, or not in the system that year."""
    known: set[str] | None = None
    for c in codes:
        if c in world_codes:
            continue
        if known is None:
            try:
                names = data.state_names(data_dir=data_dir)
                known = {str(int(x)) for x in names["ccode"]}
            except CollsecError:
                known = set()
        if c in known:
            raise CollsecError(
                _("state {code} is not a member of the state system in {year}").format(
                    code=c, year=year
                ),
                field=what,
            )
        raise CollsecError(_("unknown state code {code!r}").format(code=c), field=what)


@functools.lru_cache(maxsize=32)
def _base(
    year: int,
    org: str,
    data_dir: str | None,
    contiguity_max_type: int,
    tie_strength: tuple[tuple[str, float], ...],
    arming: str,
    seed: int,
    power_measure: str = "cinc",
    capability_lag: int = 0,
    lang: str = "en",
) -> tuple[HistoricalRecord, World]:
    """The historical scenario (default phase parameters) with its data years and
    data-year substitutions (one note per data set past its last year), and its
    built world, cached.

    Phase parameters other than arming do not enter the world, so a grid over
    response parameters reuses one world per case. The notes are worded in the
    active language, so ``lang`` (:func:`collsec.i18n.get_language`) is part of
    the key: a case asked again in another language is not told in the first one.
    """
    hp = HistoryParams(
        contiguity_max_type=contiguity_max_type,
        tie_strength=dict(tie_strength),
        power_measure=power_measure,
        capability_lag=capability_lag,
    )
    base = Parameters(arming=ArmingParams.model_validate_json(arming))
    with warnings.catch_warnings():
        # The record keeps the substitutions (cached with the world), for every
        # case of the year; warning them again for each case would repeat them.
        warnings.simplefilter("ignore", data.DataYearWarning)
        record = historical_record(year, org, data_dir=data_dir, hp=hp, base=base)
    world = build_world(record.scenario, np.random.default_rng(np.random.SeedSequence(seed)))
    return record, world


def _setup(
    case: Case,
    hp: HistoryParams,
    data_dir: Path | str | None,
    add_members: Sequence[str],
    remove_members: Sequence[str],
    rule: str | None,
) -> tuple[HistoricalRecord, World, Arrangement, Parameters]:
    params = params_with(hp.overrides)
    record, world = _base(
        case.year,
        case.org,
        None if data_dir is None else str(data_dir),
        hp.contiguity_max_type,
        tuple(sorted(hp.tie_strength.items())),
        params.arming.model_dump_json(),
        hp.seed,
        hp.power_measure,
        hp.capability_lag,
        get_language(),
    )
    sc = record.scenario
    spec = sc.world
    assert isinstance(spec, ExplicitWorld)
    codes = set(world.codes)
    _check_codes(case.aggressors, codes, case.year, "aggressors", data_dir)
    _check_codes((case.victim,), codes, case.year, "victim", data_dir)
    _check_codes(case.absent, codes, case.year, "absent", data_dir)
    _check_codes(add_members, codes, case.year, "add_member", data_dir)
    _check_codes(remove_members, codes, case.year, "remove_member", data_dir)
    if case.victim in case.aggressors:
        raise CollsecError(_("the victim cannot also be an aggressor"), field="victim")
    arr0 = sc.arrangements[0]
    assert isinstance(arr0.members, tuple)
    outside = [c for c in remove_members if c not in arr0.members]
    if outside:
        raise CollsecError(
            _("{codes} not a member of the {org} in {year}: nothing to remove").format(
                codes=", ".join(outside), org=case.org, year=case.year
            ),
            field="remove_member",
        )
    members = [c for c in arr0.members if c not in set(remove_members)]
    members += [c for c in add_members if c not in members]
    gps = tuple(c for c, g in zip(world.codes, world.great_power, strict=True) if g)
    arr_spec = org_arrangement(
        case.org,
        case.year,
        tuple(members),
        gps,
        codes,
        case.absent,
        rule,
        obligation=hp.obligation.get(case.org),
        instruments=hp.instruments.get(case.org),
    )
    return record, world, build_arrangement(arr_spec, world), params


def predict_case(
    case: Case,
    *,
    data_dir: Path | str | None = None,
    hp: HistoryParams | None = None,
    draws: int | None = None,
    seed: int | None = None,
    add_members: Sequence[str] = (),
    remove_members: Sequence[str] = (),
    rule: str | None = None,
) -> CasePrediction:
    """Predict designation, action and reversal of one crisis (O1-O5, M1-M3).

    Parameters
    ----------
    case
        The crisis.
    data_dir
        The COW data folder.
    hp
        Global history settings (bundled ``params.yaml`` by default).
    draws, seed
        Monte Carlo draws and their seed (``hp`` by default).
    add_members, remove_members, rule
        Counterfactuals: change the organisation's membership or its rule.

    Returns
    -------
    CasePrediction

    Raises
    ------
    CollsecError
        For an unknown organisation or state code, a state not in the system
        that year, or an organisation that did not exist that year.
    """
    if case.org not in ORGS:
        raise CollsecError(
            _("unknown organisation {org!r}: choose league or un").format(org=case.org), field="org"
        )
    if not case.aggressors:
        raise CollsecError(_("name at least one aggressor"), field="aggressors")
    hp = hp or load_history_params()
    r = hp.draws if draws is None else check_draws(draws, "draws")
    record, world, arrangement, params = _setup(
        case, hp, data_dir, add_members, remove_members, rule
    )
    arrs = [arrangement]
    rng = np.random.default_rng(np.random.SeedSequence(hp.seed if seed is None else seed))
    # Batch.start only counts the generators: every draw below comes from ``rng``.
    gens = [rng] * r
    b = Batch.start(world, arrs, params, gens)
    n = world.n
    rows = np.arange(r)
    agg_idx = world.indices(list(case.aggressors), "aggressors")
    vic_idx = int(world.indices([case.victim], "victim")[0])
    lead = int(agg_idx[0])
    agg = np.full(r, lead, dtype=np.int64)
    vic = np.full(r, vic_idx, dtype=np.int64)
    seat_keys = rng.random((r, n))
    u = rng.random((r, DRAWS_PER_ATTACK, n))
    power0 = b.power()
    s = assess(b, rows, agg, vic, seat_keys, attack_power=power0[rows][:, agg_idx].sum(axis=1))
    # The engine already makes the leading aggressor vote no and the victim yes
    # (phases/response.py); co-aggressors stand with the leader.
    co = agg_idx[1:]
    if len(co):
        # Co-aggressors stand with the lead aggressor: they neither vote to
        # designate nor join the victim; under the League they are parties.
        s.margin[:, co] = -1e6
        s.p_yes[:, co] = 0.0
        s.p_join[:, :, co] = 0.0
        s.willing[:, :, co] = 0.0
        if not arrs[0].parties_vote:
            s.voters[:, :, co] = False
    p = s.power
    aggressors = np.zeros((r, n), dtype=bool)
    aggressors[:, agg_idx] = True
    member_before = b.member.copy()
    rule_eu = aggression_rule(b)
    resp, war = clash(b, rule_eu, s, aggressors, u)
    b.member = member_before
    # Compliance (O5): a designated aggressor that is not fought withdraws when
    # it foresees defeat by the threat the designation carries: the victim plus
    # the expected coalition of able, willing members, against its own side's
    # power cut by the sanctions. This is the engine's deterrence reasoning
    # (phase 3) applied after the finding instead of before the attack.
    threat = s.victim_power().copy()
    coalition_threat = (s.p_join[:, 0, :] * p).sum(axis=1)
    if arrangement.military:
        threat += coalition_threat
    elif not bool(world.great_power[agg_idx].any()):
        # An organisation that may only recommend force (League Covenant art.
        # 16(1)-(2): the breaker is deemed at war with every member, the
        # Council recommends contingents) still threatens a minor power with
        # that coalition; against a great power the threat is not credible,
        # for the members who would have to fight it are the other great
        # powers (Claude 1962; Walters 1952: the League settled disputes of
        # small states, Greco-Bulgarian 1925, and failed against great ones).
        threat += coalition_threat
    # war.attack_power already carries the sanctions' cut.
    complies = (
        resp.designated.any(axis=1)
        & ~resp.military
        & (rule_eu.win_probability(war.attack_power, threat) < 0.5)
    )
    reversed_ = ~war.aggressor_won | complies
    _prim, voters, designated, diag = diagnose_response(b, s, resp, war, reversed_)
    p_des = float(designated.mean())
    p_act = {
        "none": float((~resp.military & ~resp.sanctions).mean()),
        "sanctions": float(resp.sanctions.mean()),
        "military": float(resp.military.mean()),
    }
    p_rev = float(reversed_.mean())
    inputs, input_notes = _data_inputs(case, world, arrs[0], power0, agg_idx, vic_idx, data_dir)
    calibrated = _calibrate(hp, p_des, p_act, inputs)
    src_des = p_des if calibrated is None else float(calibrated["designated"])
    action = argmax_action(p_act if calibrated is None else calibrated["action"])
    if p_rev >= hp.reversed_high:
        rev = "yes"
    elif p_rev >= hp.reversed_low:
        rev = "partial"
    else:
        rev = "no"
    diagnosis: dict[str, dict[str, Any]] = {}
    for cond in CONDITIONS:
        vals = np.asarray(diag[f"{cond}_value"], dtype=float)
        verdicts = diag[f"{cond}_holds"]
        known = np.array([v is not None for v in verdicts])
        held = np.array([bool(v) for v in verdicts if v is not None])
        share = float(held.mean()) if held.size else None
        diagnosis[cond] = {
            "value": float(np.nanmean(vals)) if np.isfinite(vals).any() else None,
            "holds_share": share,
            "holds": None if share is None else share >= 0.5,
            "applicable": bool(known.any()),
        }
    arr = arrs[0]
    blocks_alone = arr.permanent if arr.seats and getattr(arr.rule, "veto", False) else None
    unanimous = type(arr.rule).__name__ == "Unanimity" or (
        arr.seats and getattr(arr.rule, "quota", 0) == arr.seats
    )
    votes: list[dict[str, Any]] = []
    seated = voters.mean(axis=0)
    for i in np.flatnonzero(seated > 0):
        py = float(s.p_yes[0, i])
        perm = bool(arr.permanent[i])
        if py >= 0.5:
            role = "designates"
        elif unanimous or (blocks_alone is not None and perm):
            role = "blocks"
        else:
            role = "votes no"
        votes.append(
            {
                "code": world.codes[i],
                "name": world.names[i],
                "permanent": perm,
                "seated": float(seated[i]),
                "p_yes": py,
                "role": role,
            }
        )
    votes.sort(key=lambda v: (not v["permanent"], -float(v["seated"]), float(v["p_yes"])))
    joined = resp.joiners.mean(axis=0)
    coalition = [
        {
            "code": world.codes[i],
            "name": world.names[i],
            "p_join": float(joined[i]),
            "power": float(power0[0, i]),
        }
        for i in np.argsort(-joined * power0[0])
        if joined[i] >= 0.05
    ]
    return CasePrediction(
        case=case,
        p_designated=p_des,
        p_action=p_act,
        p_reversed=p_rev,
        designated="yes" if src_des >= 0.5 else "no",
        action=action,
        reversed=rev,
        diagnosis=diagnosis,
        votes=votes,
        coalition=coalition,
        power={
            "aggressor_side": float(war.attack_power.mean()),
            "victim_side": float(war.defence_power.mean()),
        },
        description=record.scenario.description,
        rule=type(arrangement.rule).__name__.lower(),
        members=int(arr.members.sum()),
        notes=[*record.notes, *input_notes],
        data_years=dict(record.data_years),
        inputs=inputs,
        calibrated=calibrated,
    )
