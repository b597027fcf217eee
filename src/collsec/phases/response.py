"""Phase 4, response: designation (O1), participation (O2, O3, M2, M3), instrument.

:func:`assess` works out, for a batch of crises (aggressor ``a`` against victim
``v``), everything the arrangements would do short of drawing random numbers:
who covers the victim, who votes and with what chance of a yes, the chance of
designation under each decision rule, who is able to act (alive, not at war,
within reach: O3) and each able member's chance of joining. The aggressor uses
it to foresee the coalition (phase 3); :func:`respond` draws the outcome from
the crisis' own uniforms.

A member votes to designate when its affinity to the victim, less its affinity
to the aggressor, plus a bias for the plainness of aggression and a normal
noise, is positive (MODEL.md, phase 4).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from collsec.rules import PARTICIPATION_RULES, Council
from collsec.state import RATIO_FLOOR, TINY, Batch
from collsec.world import DOCTRINES

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

_PARTICIPATION = [PARTICIPATION_RULES[d]() for d in DOCTRINES]
_IDEAL = PARTICIPATION_RULES["ideal"]()


@dataclass(eq=False)
class Assessment:
    """What the arrangements would do in a batch of ``c`` crises.

    Attributes
    ----------
    rows, aggressor, victim
        Replication row in the batch, aggressor and victim index, ``[c]``.
    covers
        ``[c, k]``: arrangement ``k`` answers this aggression.
    margin
        ``[c, n]``: each state's affinity to the victim less its affinity to the aggressor.
    voters
        ``[c, k, n]``: who votes in arrangement ``k``.
    p_yes
        ``[c, n]``: chance of a yes vote.
    p_designate
        ``[c, k]``: chance that ``k`` designates the aggressor.
    members
        ``[c, k, n]``: living members other than the parties.
    able
        ``[c, k, n]``: members able to act (not at war, within reach: O3).
    willing
        ``[c, k, n]``: chance of joining, whatever the ability (O2).
    p_join
        ``[c, k, n]``: chance of joining, zero where not able.
    power, cap
        Military power and capability, ``[c, n]``.
    sanctions
        ``[k]``: arrangement ``k`` may sanction.
    """

    rows: IntArray
    aggressor: IntArray
    victim: IntArray
    covers: BoolArray
    margin: FloatArray
    voters: BoolArray
    p_yes: FloatArray
    p_designate: FloatArray
    members: BoolArray
    able: BoolArray
    willing: FloatArray
    p_join: FloatArray
    power: FloatArray
    cap: FloatArray
    sanctions: BoolArray

    @property
    def c(self) -> int:
        """Number of crises."""
        return len(self.rows)

    def attack_power(self) -> FloatArray:
        """The aggressor's own power, ``[c]``."""
        out: FloatArray = self.power[np.arange(self.c), self.aggressor]
        return out

    def victim_power(self) -> FloatArray:
        """The victim's own power, ``[c]``."""
        out: FloatArray = self.power[np.arange(self.c), self.victim]
        return out

    def expected_join(self) -> FloatArray:
        """``[c, n]``: chance each state joins through any covering arrangement."""
        p = self.covers[:, :, None] * self.p_designate[:, :, None] * self.p_join
        out: FloatArray = 1.0 - np.prod(1.0 - p, axis=1)
        return out

    def expected_coalition(self) -> FloatArray:
        """Expected power of the states that join the victim, ``[c]``."""
        out: FloatArray = (self.expected_join() * self.power).sum(axis=-1)
        return out

    def p_designate_any(self) -> FloatArray:
        """Chance that at least one covering arrangement designates, ``[c]``."""
        out: FloatArray = 1.0 - np.prod(1.0 - self.covers * self.p_designate, axis=1)
        return out

    def expected_sanction_weight(self, world_cap: FloatArray) -> FloatArray:
        """Expected economic weight of sanctioners, a share of world capability, ``[c]``."""
        if self.sanctions.size == 0:
            return np.zeros(self.c)
        yes_cap = (self.members * self.p_yes[:, None, :] * self.cap[:, None, :]).sum(axis=-1)
        w = self.covers * self.p_designate * self.sanctions[None, :] * yes_cap / world_cap[:, None]
        out: FloatArray = w.max(axis=1)
        return out

    def take(self, sel: IntArray) -> Assessment:
        """The assessment of the crises ``sel`` only."""
        per_crisis = {
            f.name: getattr(self, f.name)[sel] for f in fields(self) if f.name != "sanctions"
        }
        return Assessment(**per_crisis, sanctions=self.sanctions)


def _seat_holders(eligible: BoolArray, keys: FloatArray, seats: IntArray) -> BoolArray:
    """The ``seats`` eligible states with the lowest keys hold a seat (per row)."""
    k = np.where(eligible, keys, np.inf)
    srt = np.sort(k, axis=1)
    idx = np.minimum(np.maximum(seats - 1, 0), k.shape[1] - 1)
    kth = srt[np.arange(len(seats)), idx]
    out: BoolArray = eligible & (k <= kth[:, None]) & (seats[:, None] > 0)
    return out


def assess(
    b: Batch,
    rows: IntArray,
    aggressor: IntArray,
    victim: IntArray,
    seat_keys: FloatArray,
    attack_power: FloatArray | None = None,
) -> Assessment:
    """Work out what the arrangements would do in each crisis (no random draws).

    Parameters
    ----------
    b
        The batch.
    rows, aggressor, victim
        ``[c]``: replication row, aggressor and victim of each crisis.
    seat_keys
        ``[c, n]``: this year's keys that choose non-permanent council seats.
    attack_power
        ``[c]``: the aggressor side's power, if not the aggressor's own.
    """
    prm = b.params.response
    c, n, k = len(rows), b.n, len(b.arrangements)
    ci = np.arange(c)
    power = b.power(rows)
    cap = b.cap[rows]
    alive = b.alive[rows]
    affinity_t = b.affinity.T
    margin = affinity_t[victim] - affinity_t[aggressor]
    if prm.vote_noise > 0:
        # A vanishing noise overflows the ratio to +-inf: ndtr gives 1 or 0, as meant.
        with np.errstate(over="ignore"):
            p_yes = ndtr((margin + prm.vote_bias) / prm.vote_noise)
    else:
        p_yes = (margin + prm.vote_bias > 0).astype(float)
    # Where the parties vote, the aggressor never condemns itself and the
    # victim always condemns its attacker, whatever their affinities (a great
    # power's veto of a finding against itself: Hungary 1956, Ukraine 2022).
    p_yes[ci, aggressor] = 0.0
    p_yes[ci, victim] = 1.0
    parties = np.zeros((c, n), dtype=bool)
    parties[ci, aggressor] = True
    parties[ci, victim] = True
    covers = b.covered(rows, aggressor, victim) if k else np.zeros((c, 0), dtype=bool)
    member_all = b.member[rows] & alive[:, None, :]
    members = member_all & ~parties[:, None, :]
    voters = np.zeros((c, k, n), dtype=bool)
    p_des = np.zeros((c, k))
    reach_v = b.reach_t[victim]  # [c, n]: i can reach the victim
    # A member absent from the deciding body (the Soviet Union's boycott of the
    # Security Council, 1950) does not act on its decisions either.
    absent = np.array([a.absent for a in b.arrangements], dtype=bool).reshape(k, n)
    able = members & ~absent[None, :, :] & ~b.busy[rows][:, None, :] & reach_v[:, None, :]
    a_pow = power[ci, aggressor] if attack_power is None else attack_power
    v_pow = power[ci, victim]
    rp = b.params.response
    # The cost of joining grows with the aggressor's power relative to one's
    # own; against a weaker aggressor the log ratio turns negative and, at
    # join_cost_gain 1, becomes a gain (docs/model.md, "The join cost against a
    # weaker aggressor").
    a_col = a_pow[:, None]
    log_ratio = np.log(
        np.maximum(a_col, np.maximum(RATIO_FLOOR * power, TINY))
        / np.maximum(power, np.maximum(RATIO_FLOOR * a_col, TINY))
    )
    log_ratio = np.where(log_ratio > 0, log_ratio, rp.join_cost_gain * log_ratio)
    logit_common = rp.join_base + rp.join_affinity * margin - rp.join_cost * log_ratio
    willing = np.zeros((c, k, n))
    p_join = np.zeros((c, k, n))
    doctrine = b.world.doctrine
    need = np.maximum(
        rp.force_margin * a_pow - v_pow, np.maximum(RATIO_FLOOR * rp.force_margin * a_pow, TINY)
    )
    needed = v_pow < rp.force_margin * a_pow
    for j, arr in enumerate(b.arrangements):
        base = member_all[:, j, :] & ~arr.absent[None, :]
        if not arr.parties_vote:
            base = base & ~parties
        if isinstance(arr.rule, Council):
            perm = base & arr.permanent[None, :]
            np_seats = np.maximum(arr.seats - perm.sum(axis=1), 0).astype(np.int64)
            voters[:, j, :] = perm | _seat_holders(
                base & ~arr.permanent[None, :], seat_keys, np_seats
            )
        else:
            voters[:, j, :] = base
        p_des[:, j] = arr.rule.probability(p_yes, voters[:, j, :], arr.permanent[None, :])
        if rp.find_when_needed:
            # No finding where the victim can meet the aggressor alone (respond).
            p_des[:, j] = np.where(needed, p_des[:, j], 0.0)
        if arr.ideal:
            pj = _IDEAL.chance(margin, margin, np.ones(c, dtype=bool))
            will = pj
        else:
            logit = np.minimum(
                np.maximum(
                    logit_common
                    + rp.join_obligation * arr.obligation
                    + rp.join_credibility * b.cred[rows, j][:, None],
                    -30.0,
                ),
                30.0,
            )
            cond = _PARTICIPATION[0].chance(logit, margin, np.ones(c, dtype=bool))
            wins = (np.where(able[:, j, :], cond * power, 0.0).sum(axis=1) + v_pow) >= (
                rp.force_margin * a_pow
            )
            # Conditional members (doctrine 0) take ``cond`` as it is; the
            # other doctrines, where any state holds them, overwrite their columns.
            will = cond.copy()
            for d, rule in enumerate(_PARTICIPATION[1:], start=1):
                sel = doctrine == d
                if sel.any():
                    will[:, sel] = rule.chance(logit[:, sel], margin[:, sel], wins)
            # Free riding: a conditional or realist member's will falls as the
            # others' expected power already covers what is needed (O2, M3).
            contrib = np.where(able[:, j, :], will * power, 0.0)
            others = contrib.sum(axis=1, keepdims=True) - contrib
            # min(others, need) / need: the share of the need already covered,
            # in [0, 1], without dividing a huge capability by a tiny need.
            covered = np.maximum(np.minimum(others, need[:, None]), 0.0) / need[:, None]
            damp = 1.0 - rp.free_riding * covered
            will = np.where((doctrine == 1)[None, :], will, will * damp)
        willing[:, j, :] = np.where(members[:, j, :], will, 0.0)
        p_join[:, j, :] = np.where(able[:, j, :], will, 0.0)
    return Assessment(
        rows=rows,
        aggressor=aggressor,
        victim=victim,
        covers=covers,
        margin=margin,
        voters=voters,
        p_yes=p_yes,
        p_designate=p_des,
        members=members,
        able=able,
        willing=willing,
        p_join=p_join,
        power=power,
        cap=cap,
        sanctions=np.array([a.sanctions for a in b.arrangements], dtype=bool),
    )


@dataclass(eq=False)
class Response:
    """What the arrangements did in a batch of crises (drawn).

    Attributes
    ----------
    yes
        ``[c, n]``: the state voted to designate.
    designated
        ``[c, k]``: arrangement ``k`` designated the aggressor (O1).
    joiners
        ``[c, n]``: states willing to act with a designating arrangement.
    military, sanctions
        ``[c]``: the instrument chosen.
    sanction_weight
        ``[c]``: sanctioners' share of world capability.
    needed
        ``[c]``: the victim alone could not meet the aggressor's side, so the
        arrangements were called on to act.
    """

    yes: BoolArray
    designated: BoolArray
    joiners: BoolArray
    military: BoolArray
    sanctions: BoolArray
    sanction_weight: FloatArray
    needed: BoolArray


def respond(b: Batch, s: Assessment, u: FloatArray, aggressor_side: FloatArray) -> Response:
    """Draw votes, designation, participation and the instrument.

    Parameters
    ----------
    b
        The batch.
    s
        The crises' assessment.
    u
        ``[c, rows, n]`` uniforms of the crises: row 0 votes, row 1 joining.
    aggressor_side
        ``[c]``: power of the aggressor with the states that joined it.
    """
    prm = b.params.response
    c, k = s.c, len(b.arrangements)
    z = ndtri(np.minimum(np.maximum(u[:, 0, :], 1e-12), 1 - 1e-12))
    yes = s.margin + prm.vote_bias + prm.vote_noise * z > 0
    ci = np.arange(c)
    yes[ci, s.aggressor] = False
    yes[ci, s.victim] = True
    designated = np.zeros((c, k), dtype=bool)
    joiners = np.zeros((c, s.power.shape[1]), dtype=bool)
    mil_ok = np.zeros(c, dtype=bool)
    san_ok = np.zeros(c, dtype=bool)
    sanctioners = np.zeros_like(joiners)
    victim = s.power[ci, s.victim]
    # Collective measures are taken only where they are needed: a victim that
    # can meet the aggressor's side alone is left to its own defence (Charter
    # art. 51; members do not pay for a public good already provided, Olson
    # and Zeckhauser 1966). The organisation still finds against the aggressor,
    # unless find_when_needed: then a war between matched sides gets no
    # finding either (docs/model.md, "Findings only where needed").
    needed = victim < prm.force_margin * aggressor_side
    for j, arr in enumerate(b.arrangements):
        d = arr.rule.decide(yes & s.voters[:, j, :], s.voters[:, j, :], arr.permanent[None, :])
        d = d & s.covers[:, j]
        if prm.find_when_needed:
            d = d & needed
        designated[:, j] = d
        joiners |= d[:, None] & (u[:, 1, :] < s.p_join[:, j, :])
        if arr.military:
            mil_ok |= d
        if arr.sanctions:
            san_ok |= d
            sanctioners |= d[:, None] & s.members[:, j, :] & yes
    coalition = (joiners * s.power).sum(axis=1)
    military = (
        mil_ok
        & needed
        & joiners.any(axis=1)
        & (coalition + victim >= prm.force_margin * aggressor_side)
    )
    world_cap = np.maximum((b.cap[s.rows] * b.alive[s.rows]).sum(axis=1), 1e-300)
    weight = (sanctioners * s.cap).sum(axis=1) / world_cap
    sanctions = san_ok & needed & ~military & (weight > 0)
    return Response(
        yes=yes,
        designated=designated,
        joiners=joiners & military[:, None],
        military=military,
        sanctions=sanctions,
        sanction_weight=np.where(sanctions, weight, 0.0),
        needed=needed,
    )
