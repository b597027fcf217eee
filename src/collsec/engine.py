"""The engine: step the yearly phases for a batch of replications.

:func:`run_batch` runs replications ``first .. first + count - 1`` of one
regime on one world and returns their raw records; :func:`collsec.simulate`
(in :mod:`collsec.api`) splits a run into batches, feeds a progress bar and
gathers the results. The yearly order follows MODEL.md: growth, arming,
aggression (with deterrence), then the attacks one after another in an order
drawn from each replication's generator (response, war, learning), then entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from collsec.arrangements import Arrangement
from collsec.diagnosis import diagnose, diagnose_response, primary_arrangement
from collsec.phases.aggression import Decisions, aggression_rule, decide
from collsec.phases.arming import arm
from collsec.phases.growth import grow
from collsec.phases.learning import enter, learn
from collsec.phases.response import Assessment, Response, assess, respond
from collsec.phases.war import WarOutcome, fight
from collsec.rules import ExpectedUtility
from collsec.scenario import Parameters
from collsec.state import DRAWS_PER_ATTACK, DRAWS_PER_STATE, Batch
from collsec.world import World

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

YEARLY_METRICS: tuple[str, ...] = (
    "states",
    "wars",
    "deterred",
    "reversed",
    "deaths",
    "weak_deaths",
    "severity",
    "coalition",
    "military",
    "sanctions",
    "covered",
    "designated",
    "asked",
    "joined",
    "arms_share",
)
"""Per replication and year: living states at the start of the year, wars
begun, attacks deterred, aggressions reversed, state deaths (all, weakest
quartile), summed severity, states fighting beside victims, military and
sanction responses, attacks covered by an arrangement and designated, members
asked and willing to act, and the mean arms share of living states."""


def _normal(u: FloatArray) -> FloatArray:
    out: FloatArray = ndtri(np.minimum(np.maximum(u, 1e-12), 1.0 - 1e-12))
    return out


@dataclass(eq=False)
class BatchRecord:
    """Raw records of a batch of replications.

    Attributes
    ----------
    replications
        ``[r]``: replication index of each row.
    yearly
        Metric name to ``[r, years]`` array.
    crises
        Column name to 1-d array, one element per crisis.
    final_alive, final_cap, final_arms
        ``[r, n]`` at the end of the run.
    states
        Optional per-state detail: ``cap``, ``arms``, ``alive`` as ``[r, years, n]``.
    """

    replications: IntArray
    yearly: dict[str, FloatArray]
    crises: dict[str, np.ndarray]
    final_alive: BoolArray
    final_cap: FloatArray
    final_arms: FloatArray
    states: dict[str, np.ndarray] = field(default_factory=dict)


class _CrisisLog:
    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, **cols: np.ndarray) -> None:
        if len(next(iter(cols.values()))):
            self.parts.append(cols)

    def finish(self) -> dict[str, np.ndarray]:
        """The log by replication and year; within a year, in the order of events
        (deterred attacks by aggressor, then the attacks as resolved), so that
        it does not depend on the batch size."""
        if not self.parts:
            return {}
        keys = self.parts[0].keys()
        cols = {k: np.concatenate([p[k] for p in self.parts]) for k in keys}
        order = np.lexsort((cols["year"], cols["replication"]))
        return {k: v[order] for k, v in cols.items()}


def _draw_year(gens: list[np.random.Generator], out: FloatArray) -> FloatArray:
    # Each replication fills its own rows in place: the same numbers as
    # ``g.random((DRAWS_PER_STATE, n))``, without a temporary per replication.
    for i, g in enumerate(gens):
        g.random(out=out[i])
    return out


def run_batch(
    world: World,
    arrangements: list[Arrangement],
    params: Parameters,
    gens: list[np.random.Generator],
    first: int,
    years: int,
    *,
    keep_crises: bool = True,
    keep_states: bool = False,
    on_year: Callable[[int], None] | None = None,
) -> BatchRecord:
    """Run a batch of replications of one regime.

    Parameters
    ----------
    world
        The static world.
    arrangements
        The regime's arrangements.
    params
        Phase parameters.
    gens
        One generator per replication (replication ``first + i`` uses ``gens[i]``).
    first
        Index of the first replication.
    years
        Years to run.
    keep_crises, keep_states
        Keep the crisis log; keep per-state, per-year detail.
    on_year
        Called after each year with the number of replication-years done.
    """
    b = Batch.start(world, arrangements, params, gens)
    r, n = b.r, b.n
    rule = aggression_rule(b)
    weak = world.weakest_quartile()
    yearly = {m: np.zeros((r, years)) for m in YEARLY_METRICS}
    log = _CrisisLog()
    states: dict[str, np.ndarray] = {}
    if keep_states:
        states = {
            "cap": np.zeros((r, years, n)),
            "arms": np.zeros((r, years, n)),
            "alive": np.zeros((r, years, n), dtype=bool),
        }
    codes = np.array(world.codes, dtype=object)
    names = np.array([a.name for a in arrangements] + [""], dtype=object)
    rep_index = np.arange(first, first + r, dtype=np.int64)
    u_buffer = np.empty((r, DRAWS_PER_STATE, n))
    for t in range(years):
        u = _draw_year(gens, u_buffer)
        b.busy[:] = False
        yearly["states"][:, t] = b.alive.sum(axis=1)
        grow(b, _normal(u[:, 0]))
        threat = arm(b)
        yearly["arms_share"][:, t] = np.where(b.alive, b.arms, 0.0).sum(axis=1) / np.maximum(
            b.alive.sum(axis=1), 1
        )
        seat_keys = u[:, 5]
        dec = decide(b, u[:, 1], _normal(u[:, 2]), seat_keys)
        if dec.deterred.any():
            sel = np.flatnonzero(dec.deterred)
            s = dec.assessment
            rows = dec.rows[sel]
            np.add.at(yearly["deterred"][:, t], rows, 1)
            if keep_crises:
                sub = s.take(sel)
                prim = primary_arrangement(b, sub.covers)
                kk = np.where(prim >= 0, prim, 0)
                ci = np.arange(len(sel))
                p_des = sub.p_designate[ci, kk] if sub.covers.shape[1] else np.zeros(len(sel))
                voters = (
                    sub.voters[ci, kk] if sub.covers.shape[1] else np.zeros((len(sel), n), bool)
                )
                o1 = np.where(voters, sub.p_yes, 0.0).sum(axis=1) / np.maximum(voters.sum(1), 1)
                coalition = sub.expected_coalition() + sub.victim_power()
                diag = diagnose(
                    b,
                    sub,
                    prim,
                    o1_value=o1,
                    designated=p_des >= 0.5,
                    coalition_power=coalition,
                    aggressor_side=sub.attack_power(),
                    o5=np.ones(len(sel), dtype=bool),
                )
                log.add(
                    replication=rep_index[rows],
                    year=np.full(len(sel), t),
                    aggressor=codes[sub.aggressor],
                    victim=codes[sub.victim],
                    arrangement=names[prim],
                    outcome=np.full(len(sel), "deterred", dtype=object),
                    voters=voters.sum(axis=1),
                    votes_yes=np.asarray(
                        np.round(np.where(voters, sub.p_yes, 0.0).sum(axis=1))
                    ).astype(np.int64),
                    designated=p_des >= 0.5,
                    coalition_size=sub.expected_join().sum(axis=1),
                    coalition_power=coalition,
                    aggressor_power=sub.attack_power(),
                    instrument=np.full(len(sel), "none", dtype=object),
                    reversed=np.zeros(len(sel), dtype=bool),
                    victim_died=np.zeros(len(sel), dtype=bool),
                    severity=np.zeros(len(sel)),
                    p_win=rule.win_probability(sub.attack_power(), coalition),
                    **diag,
                )
        if dec.attack.any():
            _resolve_attacks(
                b,
                dec,
                u,
                t,
                rule,
                weak,
                yearly,
                log if keep_crises else None,
                codes,
                names,
                rep_index,
            )
        enter(b, threat, u[:, 4])
        if keep_states:
            states["cap"][:, t] = b.cap
            states["arms"][:, t] = b.arms
            states["alive"][:, t] = b.alive
        if on_year is not None:
            on_year(r)
    return BatchRecord(
        replications=rep_index,
        yearly=yearly,
        crises=log.finish(),
        final_alive=b.alive.copy(),
        final_cap=b.cap.copy(),
        final_arms=b.arms.copy(),
        states=states,
    )


def clash(
    b: Batch,
    rule: ExpectedUtility,
    s: Assessment,
    aggressors: BoolArray,
    u: FloatArray,
) -> tuple[Response, WarOutcome]:
    """Sides, response and war of a batch of crises (phases 4 and 5).

    Like-minded free states within reach join either side with chance
    ``adhoc_support`` (C6, C7); the arrangements respond; the war is fought
    and its consequences applied to the batch.

    Parameters
    ----------
    b
        The batch, updated in place.
    rule
        The aggression rule (its contest success function).
    s
        The crises' assessment (``s.aggressor`` is the leading aggressor).
    aggressors
        ``[c, n]``: the attacking states (the leading one and any co-aggressors).
    u
        ``[c, DRAWS_PER_ATTACK, n]`` uniforms of the crises.
    """
    prm = b.params.response
    c = s.c
    ci = np.arange(c)
    rows, vic = s.rows, s.victim
    free = b.alive[rows] & ~b.busy[rows] & b.reach_t[vic] & ~aggressors
    free[ci, vic] = False
    helps = u[:, 2, :] < prm.adhoc_support
    supporters = free & helps & (s.margin <= -prm.adhoc_affinity)
    attackers = supporters | aggressors
    aggressor_side = (attackers * s.power).sum(axis=1)
    resp = respond(b, s, u, aggressor_side)
    adhoc = free & helps & (s.margin >= prm.adhoc_affinity) & ~resp.joiners
    # A state that already sided with the aggressor does not also defend the
    # victim (it would lose capability twice, and could go negative).
    defenders = (resp.joiners | adhoc) & ~attackers
    defenders[ci, vic] = True
    war = fight(
        b,
        rule,
        rows,
        s.aggressor,
        vic,
        attackers,
        defenders,
        resp.sanction_weight,
        u[:, 4, 0],
        u[:, 4, 1],
    )
    return resp, war


def _resolve_attacks(
    b: Batch,
    dec: Decisions,
    u: FloatArray,
    t: int,
    rule: ExpectedUtility,
    weak: BoolArray,
    yearly: dict[str, FloatArray],
    log: _CrisisLog | None,
    codes: np.ndarray,
    names: np.ndarray,
    rep_index: IntArray,
) -> None:
    prm = b.params.response
    sel = np.flatnonzero(dec.attack)
    rows_all = dec.rows[sel]
    agg_all = dec.aggressor[sel]
    vic_all = dec.victim[sel]
    key = u[rows_all, 3, agg_all]
    order = np.lexsort((key, rows_all))
    rows_all, agg_all, vic_all = rows_all[order], agg_all[order], vic_all[order]
    # Rank of each attack within its replication: the slot it is resolved in.
    starts = np.r_[0, np.flatnonzero(np.diff(rows_all)) + 1]
    counts = np.diff(np.r_[starts, len(rows_all)])
    rank = np.arange(len(rows_all)) - np.repeat(starts, counts)
    n = b.n
    # Each replication draws its attacks' uniforms from its own generator.
    ua = np.empty((len(rows_all), DRAWS_PER_ATTACK, n))
    for st, cnt in zip(starts, counts, strict=True):
        ua[st : st + cnt] = b.gens[rows_all[st]].random((cnt, DRAWS_PER_ATTACK, n))
    for slot in range(int(rank.max()) + 1):
        idx = np.flatnonzero(rank == slot)
        rows, agg, vic = rows_all[idx], agg_all[idx], vic_all[idx]
        ok = b.alive[rows, agg] & b.alive[rows, vic] & ~b.busy[rows, agg] & ~b.busy[rows, vic]
        if not ok.any():
            continue
        idx, rows, agg, vic = idx[ok], rows[ok], agg[ok], vic[ok]
        uu = ua[idx]
        c = len(rows)
        ci = np.arange(c)
        s = assess(b, rows, agg, vic, u[rows, 5])
        aggressors = np.zeros((c, n), dtype=bool)
        aggressors[ci, agg] = True
        resp, war = clash(b, rule, s, aggressors, uu)
        b.sanction_left[rows, agg] = np.where(
            resp.sanctions, prm.sanction_years, b.sanction_left[rows, agg]
        )
        b.sanction_pen[rows, agg] = np.where(
            resp.sanctions, prm.sanction_penalty * resp.sanction_weight, b.sanction_pen[rows, agg]
        )
        learn(
            b,
            rows,
            agg,
            vic,
            s.covers,
            resp.designated,
            resp.military,
            resp.sanctions,
            uu[:, 3, :],
            resp.needed,
        )
        designating = resp.designated[:, :, None] & s.able
        asked = designating.any(axis=1)
        willing = asked & (uu[:, 1, :] < s.p_join.max(axis=1, initial=0.0))
        reversed_ = ~war.aggressor_won
        for name, val in (
            ("wars", np.ones(c)),
            ("reversed", reversed_),
            ("deaths", war.victim_died),
            ("weak_deaths", war.victim_died & weak[vic]),
            ("severity", war.severity),
            ("coalition", resp.joiners.sum(axis=1)),
            ("military", resp.military),
            ("sanctions", resp.sanctions),
            ("covered", s.covers.any(axis=1)),
            ("designated", resp.designated.any(axis=1)),
            ("asked", asked.sum(axis=1)),
            ("joined", willing.sum(axis=1)),
        ):
            np.add.at(yearly[name][:, t], rows, np.asarray(val, dtype=float))
        if log is None:
            continue
        prim, voters, designated, diag = diagnose_response(b, s, resp, war, reversed_)
        instrument = np.where(
            resp.military, "military", np.where(resp.sanctions, "sanctions", "none")
        ).astype(object)
        log.add(
            replication=rep_index[rows],
            year=np.full(c, t),
            aggressor=codes[agg],
            victim=codes[vic],
            arrangement=names[prim],
            outcome=np.where(war.aggressor_won, "aggressor_won", "aggressor_defeated").astype(
                object
            ),
            voters=voters.sum(axis=1),
            votes_yes=(voters & resp.yes).sum(axis=1),
            designated=designated,
            coalition_size=resp.joiners.sum(axis=1).astype(float),
            coalition_power=war.defence_power,
            aggressor_power=war.attack_power,
            instrument=instrument,
            reversed=reversed_,
            victim_died=war.victim_died,
            severity=war.severity,
            p_win=rule.win_probability(war.attack_power, war.defence_power),
            **diag,
        )
