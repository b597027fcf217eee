"""An independent Mesa 3 implementation of collsec's yearly rules: the speed peer.

This is the model of MODEL.md ("One year, in order") written the way a
researcher would write it in Mesa: one :class:`StateAgent` per state, a
:class:`CollsecMesaModel` whose ``step`` runs the phases through ``AgentSet``
operations (``select``, ``do``, ``shuffle_do``, ``agg``), and every draw taken
from the model's own generators (``self.rng``, and ``self.random`` for
``shuffle_do``), seeded from the run seed. It reads every parameter from the
same :class:`collsec.Scenario` and the same :class:`collsec.world.World` the
engine uses (built by :func:`collsec.api.make_world`), and the regime's
arrangements from :func:`collsec.arrangements.arrangements_for_regime`.

It implements the same mathematics as ``src/collsec/phases`` and
``rules.py``, one agent and one crisis at a time with plain Python floats:
growth (C14), arming with expected support (C13, C14), aggression with
deterrence (O5, M1), designation (O1), participation with doctrines and free
riding (O2, O3, M2, M3), the instrument, war and its consequences (O5), and
learning, exit (C5) and entry. Its random streams differ from the engine's, so
it agrees with the engine in distribution, not number for number
(``tests/slow/test_mesa_agreement.py`` checks the agreement; without it a
speed ratio would mean nothing).

Not covered (the benchmark runs the default scenario): council designation
rules with rotating seats, and the crisis diagnosis (M1-M3 verdicts), which
does not feed back into the dynamics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import numpy as np

from collsec.arrangements import CD, CS, arrangements_for_regime
from collsec.rules import Automatic, Council, Majority, Unanimity
from collsec.scenario import Scenario
from collsec.world import World

_SQRT2 = math.sqrt(2.0)
_COMMITTED = 1  # index of "committed" in collsec.world.DOCTRINES
_REALIST = 2


def _phi(x: float) -> float:
    """Standard normal distribution function."""
    return 0.5 * math.erfc(-x / _SQRT2)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def win_probability(attack: float, defence: float, decisiveness: float) -> float:
    """Tullock contest: chance that the side with power ``attack`` wins (Hirshleifer 1989)."""
    ratio = max(defence, 1e-300) / max(attack, 1e-300)
    return 1.0 / (1.0 + ratio**decisiveness)


def _at_least(p_yes: list[float], need: float) -> float:
    """P(at least ``need`` yes votes), votes independent (normal approximation)."""
    if need <= 0:
        return 1.0
    mu = sum(p_yes)
    var = sum(p * (1.0 - p) for p in p_yes)
    return _phi((mu - need + 0.5) / math.sqrt(var + 1e-9))


@dataclass
class Pact:
    """A mutable arrangement: its members as a set, its learned credibility."""

    kind: int
    members: set[int]
    scope: list[bool]
    rule: object
    permanent: list[bool]
    absent: list[bool]
    seats: int
    parties_vote: bool
    obligation: float
    cred: float
    sanctions: bool
    military: bool
    open: bool
    ideal: bool

    def covers(self, aggressor: int, victim: int) -> bool:
        """It answers this aggression: CS for members and scope, CD against outsiders."""
        if self.kind == CS:
            return victim in self.members or self.scope[victim]
        return self.kind == CD and victim in self.members and aggressor not in self.members

    def voters(self, entitled: list[int], seat_key: list[float]) -> list[int]:
        """Who votes: every entitled member, or a council's permanent members plus
        the entitled others with the lowest seat keys of the year."""
        if not isinstance(self.rule, Council):
            return entitled
        perm = [i for i in entitled if self.permanent[i]]
        others = sorted((i for i in entitled if not self.permanent[i]), key=seat_key.__getitem__)
        return perm + others[: max(self.seats - len(perm), 0)]

    def _council_need(self, n_voters: int) -> float:
        assert isinstance(self.rule, Council)
        r = self.rule
        return math.ceil(r.quota * min(n_voters, r.seats) / r.seats - 1e-9)

    def designation_chance(self, voters: list[int], p_yes: list[float]) -> float:
        """Chance of designating, given each voter's chance of a yes (O1)."""
        if isinstance(self.rule, Automatic):
            return 1.0
        if not voters:
            return 0.0
        ps = [p_yes[i] for i in voters]
        if isinstance(self.rule, Unanimity):
            return math.prod(ps)
        if isinstance(self.rule, Majority):
            return _at_least(ps, math.ceil(self.rule.quota * len(ps) - 1e-9))
        assert isinstance(self.rule, Council)
        need = self._council_need(len(voters))
        if not self.rule.veto:
            return _at_least(ps, need)
        # Every permanent voter must say yes; their yes votes count toward the quota.
        perm = [p_yes[i] for i in voters if self.permanent[i]]
        rest = [p_yes[i] for i in voters if not self.permanent[i]]
        return _at_least(rest, need - len(perm)) * math.prod(perm)

    def designates(self, voters: list[int], yes: list[bool]) -> bool:
        """The votes cast designate the aggressor."""
        if isinstance(self.rule, Automatic):
            return True
        if not voters:
            return False
        ayes = sum(yes[i] for i in voters)
        if isinstance(self.rule, Unanimity):
            return ayes == len(voters)
        if isinstance(self.rule, Majority):
            return ayes >= math.ceil(self.rule.quota * len(voters) - 1e-9)
        assert isinstance(self.rule, Council)
        if self.rule.veto and any(self.permanent[i] and not yes[i] for i in voters):
            return False
        return ayes >= self._council_need(len(voters))


@dataclass
class Foresight:
    """What the arrangements would do in one crisis (no draws)."""

    covers: list[bool]
    margin: list[float]
    p_yes: list[float]
    voters: list[list[int]]
    p_designate: list[float]
    members: list[list[int]]
    p_join: list[dict[int, float]]

    def coalition(self, power: list[float]) -> tuple[float, float]:
        """Chance ``q`` that any member joins the victim, and the coalition's
        expected power if it forms."""
        stay_out: dict[int, float] = {}
        for k, covered in enumerate(self.covers):
            if not covered:
                continue
            for i, pj in self.p_join[k].items():
                stay_out[i] = stay_out.get(i, 1.0) * (1.0 - self.p_designate[k] * pj)
        q = 1.0 - math.prod(stay_out.values())
        if q <= 0:
            return q, 0.0
        return q, sum((1.0 - s) * power[i] for i, s in stay_out.items()) / q


@dataclass
class Plan:
    """A state's decision this year."""

    aggressor: StateAgent
    victim: StateAgent
    attack: bool


class StateAgent(mesa.Agent):
    """One state: capability, arms, revisionism, sanctions, and its yearly behaviour."""

    def __init__(self, model: CollsecMesaModel, index: int) -> None:
        super().__init__(model)
        w = model.world
        self.index = index
        self.cap = float(w.capability[index])
        self.arms = float(w.arms[index])
        self.revis = float(w.revisionism[index])
        self.drift = float(w.drift[index])
        self.doctrine = int(w.doctrine[index])
        self.alive = True
        self.busy = False
        self.sanction_left = 0
        self.sanction_pen = 0.0
        self.threat = 0.0
        self.next_arms = self.arms

    @property
    def power(self) -> float:
        """Military power ``c * a`` (zero once dead)."""
        return self.cap * self.arms if self.alive else 0.0

    # ------------------------------------------------------------------ phase 1
    def grow(self) -> None:
        """Log-normal growth; arms and sanctions cost growth (C14)."""
        g = self.model.params.growth
        rate = g.mean + self.drift - g.arms_cost * self.arms + g.noise * self.model.rng.normal()
        if self.sanction_left > 0:
            rate -= self.sanction_pen
            self.sanction_left -= 1
        self.cap *= math.exp(rate)

    # ------------------------------------------------------------------ phase 2
    def measure_threat(self) -> None:
        """Strongest hostile reachable power over own power plus expected help."""
        m = self.model
        i = self.index
        hostile = 0.0
        for j in m.reach_in[i]:
            hostile = max(hostile, m.states[j].power * (1.0 - m.sim[j][i]))
        own = self.power
        for pact in m.pacts:
            mine = i in pact.members
            if not (mine or (pact.kind == CS and pact.scope[i])):
                continue
            help_ = sum(m.states[j].power for j in m.reach_in[i] if j in pact.members)
            own += pact.cred * pact.obligation * help_
        self.threat = hostile / max(own, 1e-12)
        # Richardson (1960): growth with the log of threat over tolerance toward
        # the ceiling, fatigue toward the floor every year.
        a = m.params.arming
        excess = max(math.log(max(self.threat, 1e-12) / a.tolerance), 0.0)
        new = (
            self.arms
            + a.response * excess * (a.arms_max - self.arms)
            - a.decay * (self.arms - a.arms_min)
        )
        self.next_arms = min(max(new, a.arms_min), a.arms_max)

    def update_arms(self) -> None:
        """Apply the arms measured from last year's balance (simultaneous update)."""
        self.arms = self.next_arms

    # ------------------------------------------------------------------ phase 3
    def consider_aggression(self) -> None:
        """With an opportunity, pick the best target alone, then foresee the arrangements."""
        m = self.model
        prm = m.params.aggression
        if self.busy or m.rng.random() >= prm.opportunity * self.revis:
            return
        perceived = self.power * math.exp(prm.misperception * m.rng.normal())
        best, victim = -math.inf, None
        for j in m.reach_out[self.index]:
            target = m.states[j]
            if not target.alive:
                continue
            eu = m.utility(perceived, target.power, self.cap, target.cap, m.sim[self.index][j])
            if eu > best:
                best, victim = eu, target
        if victim is None or best <= prm.threshold:
            return
        f = m.foresee(self, victim)
        # The aggressor cannot know whether a coalition will form: with chance q
        # it meets the victim and the coalition, otherwise the victim alone.
        q, coalition = f.coalition([s.power for s in m.states])
        world_cap = sum(s.cap for s in m.states if s.alive)
        sanction_weight = 0.0
        for k, pact in enumerate(m.pacts):
            if f.covers[k] and pact.sanctions:
                yes_cap = sum(f.p_yes[i] * m.states[i].cap for i in f.members[k])
                sanction_weight = max(sanction_weight, f.p_designate[k] * yes_cap / world_cap)
        rp = m.params.response
        against = m.utility(
            perceived,
            victim.power + coalition,
            self.cap,
            victim.cap,
            m.sim[self.index][victim.index],
        )
        with_arr = (
            (1.0 - q) * best
            + q * against
            - sanction_weight * rp.sanction_penalty * rp.sanction_years
        )
        m.plans.append(Plan(self, victim, attack=with_arr > prm.threshold))

    # ------------------------------------------------------------------ phase 6
    def consider_entry(self) -> None:
        """A threatened outsider joins an open, credible arrangement (Druzin 2018)."""
        m = self.model
        if not self.alive or self.threat <= m.params.arming.tolerance:
            return
        u = m.rng.random()
        lp = m.params.learning
        for k, pact in enumerate(m.pacts):
            if not pact.open or pact.ideal or self.index in pact.members:
                continue
            if u >= lp.join_rate * pact.cred:
                continue
            if pact.kind == CD:
                before = m.members_before_entry[k]
                close = sum(m.sim[j][self.index] for j in before) / max(len(before), 1)
                if close < m.params.blocs.min_similarity:
                    continue
            pact.members.add(self.index)


class CollsecMesaModel(mesa.Model):
    """The default scenario's yearly rules in Mesa, for one replication.

    Parameters
    ----------
    scenario
        The scenario (parameters are read from ``scenario.params``).
    world
        The world, built by :func:`collsec.api.make_world`.
    regime
        ``as_specified`` or one of :data:`collsec.scenario.REGIMES`.
    rng
        Seed of the model's generators (anything ``numpy.random.default_rng`` takes).
    """

    def __init__(
        self, scenario: Scenario, world: World, regime: str = "as_specified", rng: object = None
    ) -> None:
        super().__init__(rng=rng)
        self.params = scenario.params
        self.world = world
        n = world.n
        affinity = world.similarity + self.params.response.tie_weight * world.ties
        self.sim: list[list[float]] = world.similarity.tolist()
        self.aff: list[list[float]] = affinity.tolist()
        self.reach: list[list[bool]] = world.reach.tolist()
        self.reach_out = [list(np.flatnonzero(world.reach[i])) for i in range(n)]
        self.reach_in = [list(np.flatnonzero(world.reach[:, j])) for j in range(n)]
        self.weak = world.weakest_quartile().tolist()
        self.pacts: list[Pact] = []
        for a in arrangements_for_regime(scenario, world, regime):
            if not isinstance(a.rule, Automatic | Unanimity | Majority | Council):
                raise NotImplementedError(f"the Mesa reference has no {a.rule.name} rule")
            self.pacts.append(
                Pact(
                    kind=a.kind,
                    members=set(np.flatnonzero(a.members).tolist()),
                    scope=a.scope.tolist(),
                    rule=a.rule,
                    permanent=a.permanent.tolist(),
                    absent=a.absent.tolist(),
                    seats=a.seats,
                    parties_vote=a.parties_vote,
                    obligation=a.obligation,
                    cred=a.credibility,
                    sanctions=a.sanctions,
                    military=a.military,
                    open=a.open,
                    ideal=a.ideal,
                )
            )
        self.states = [StateAgent(self, i) for i in range(n)]
        self.plans: list[Plan] = []
        self.seat_key: list[float] = [0.0] * n
        self.members_before_entry: list[set[int]] = []
        self.totals: dict[str, float] = dict.fromkeys(
            ("state_years", "wars", "deterred", "deaths", "weak_deaths", "reversed"), 0.0
        )
        self.arms_share_years: list[float] = []

    # ------------------------------------------------------------------ rules
    def utility(
        self, attack: float, defence: float, own_cap: float, target_cap: float, sim: float
    ) -> float:
        """Expected utility of war in units of own capability (O5, M1)."""
        a = self.params.aggression
        p = win_probability(attack, defence, a.decisiveness)
        gain = a.conquest_share * (1.0 - a.dissimilarity_weight * sim) * target_cap / own_cap
        cost = a.war_cost * 2.0 * defence / max(attack + defence, 1e-300)
        return p * gain - (1.0 - p) * a.defeat_penalty - cost

    def foresee(self, aggressor: StateAgent, victim: StateAgent) -> Foresight:
        """Designation chances and each able member's chance of joining (O1-O3, M2, M3)."""
        rp = self.params.response
        a, v = aggressor.index, victim.index
        states = self.states
        n = len(states)
        margin = [self.aff[i][v] - self.aff[i][a] for i in range(n)]
        if rp.vote_noise > 0:
            p_yes = [_phi((mg + rp.vote_bias) / rp.vote_noise) for mg in margin]
        else:
            p_yes = [1.0 if mg + rp.vote_bias > 0 else 0.0 for mg in margin]
        # A party never condemns itself; the victim always condemns (as the engine).
        p_yes[a], p_yes[v] = 0.0, 1.0
        a_pow, v_pow = aggressor.power, victim.power
        need = max(rp.force_margin * a_pow - v_pow, 1e-12)
        covers, voters, p_des, members, p_join = [], [], [], [], []
        for pact in self.pacts:
            covers.append(pact.covers(a, v))
            mem = [i for i in sorted(pact.members) if states[i].alive and i != a and i != v]
            entitled = [
                i
                for i in sorted(pact.members)
                if states[i].alive
                and not pact.absent[i]
                and (pact.parties_vote or (i != a and i != v))
            ]
            vot = pact.voters(entitled, self.seat_key)
            able = [
                i for i in mem if not states[i].busy and self.reach[i][v] and not pact.absent[i]
            ]
            found = not rp.find_when_needed or v_pow < rp.force_margin * a_pow
            p_des.append(pact.designation_chance(vot, p_yes) if found else 0.0)
            will: dict[int, float] = {}
            if pact.ideal:
                will = dict.fromkeys(able, 1.0)
            else:
                logit = {}
                for i in able:
                    pi = states[i].power
                    lr = math.log(max(a_pow, 1e-12) / max(pi, 1e-12))
                    cost = rp.join_cost * (lr if lr > 0 else rp.join_cost_gain * lr)
                    x = (
                        rp.join_base
                        + rp.join_affinity * margin[i]
                        - cost
                        + rp.join_obligation * pact.obligation
                        + rp.join_credibility * pact.cred
                    )
                    logit[i] = min(max(x, -30.0), 30.0)
                expected = sum(_sigmoid(x) * states[i].power for i, x in logit.items())
                coalition_wins = expected + v_pow >= rp.force_margin * a_pow
                for i, x in logit.items():
                    d = states[i].doctrine
                    if d == _COMMITTED:
                        will[i] = 1.0
                    elif d == _REALIST:
                        will[i] = 1.0 if margin[i] > 0 and coalition_wins else 0.0
                    else:
                        will[i] = _sigmoid(x)
                # Free riding (O2, M3): all but the committed hold back as the
                # others' expected power already covers what is needed.
                total = sum(w * states[i].power for i, w in will.items())
                for i in will:
                    if states[i].doctrine == _COMMITTED:
                        continue
                    others = total - will[i] * states[i].power
                    will[i] *= 1.0 - rp.free_riding * min(max(others / need, 0.0), 1.0)
            voters.append(vot)
            members.append(mem)
            p_join.append(will)
        return Foresight(covers, margin, p_yes, voters, p_des, members, p_join)

    # ------------------------------------------------------------------ the year
    def step(self) -> None:
        """One year: growth, arming, aggression, the attacks in turn, entry."""
        living = self.agents.select(lambda s: s.alive)
        self.totals["state_years"] += len(living)
        living.set("busy", False)
        # This year's keys for the rotating council seats (lowest keys sit).
        self.seat_key = [self.rng.random() for _ in self.states]
        living.do("grow")
        living.do("measure_threat")
        living.do("update_arms")
        self.arms_share_years.append(living.agg("arms", sum) / max(len(living), 1))
        self.plans = []
        # shuffle_do: the attacks are resolved in a random order (MODEL.md).
        living.shuffle_do("consider_aggression")
        for plan in self.plans:
            if plan.attack:
                self.resolve(plan)
            else:
                self.totals["deterred"] += 1
        self.members_before_entry = [set(p.members) for p in self.pacts]
        living.shuffle_do("consider_entry")

    def resolve(self, plan: Plan) -> None:
        """Response (O1-O3), war and its consequences (O5), learning and exit (C5)."""
        agg, vic = plan.aggressor, plan.victim
        if not (agg.alive and vic.alive) or agg.busy or vic.busy:
            return
        rp = self.params.response
        rng = self.rng
        a, v = agg.index, vic.index
        f = self.foresee(agg, vic)
        states = self.states
        power = [s.power for s in states]
        # Ad hoc help from free states that can reach the theatre.
        free = [
            s.index
            for s in states
            if s.alive and not s.busy and self.reach[s.index][v] and s.index not in (a, v)
        ]
        helps = {i for i in free if rng.random() < rp.adhoc_support}
        attackers = {a} | {i for i in helps if f.margin[i] <= -rp.adhoc_affinity}
        aggressor_side = sum(power[i] for i in attackers)
        # Votes, designation and participation.
        yes = [
            f.margin[i] + rp.vote_bias + rp.vote_noise * rng.normal() > 0
            for i in range(len(states))
        ]
        yes[a], yes[v] = False, True
        u_join = {i: rng.random() for k in range(len(self.pacts)) for i in f.p_join[k]}
        designated = []
        joiners: set[int] = set()
        sanctioners: set[int] = set()
        mil_ok = san_ok = False
        # Measures (and, with find_when_needed, findings) only where the
        # victim alone cannot meet the aggressor's side.
        needed = power[v] < rp.force_margin * aggressor_side
        for k, pact in enumerate(self.pacts):
            d = f.covers[k] and pact.designates(f.voters[k], yes)
            d = d and (needed or not rp.find_when_needed)
            designated.append(d)
            if not d:
                continue
            joiners |= {i for i, pj in f.p_join[k].items() if u_join[i] < pj}
            mil_ok = mil_ok or pact.military
            if pact.sanctions:
                san_ok = True
                sanctioners |= {i for i in f.members[k] if yes[i]}
        coalition = sum(power[i] for i in joiners)
        military = (
            mil_ok
            and needed
            and bool(joiners)
            and coalition + power[v] >= rp.force_margin * aggressor_side
        )
        world_cap = max(sum(s.cap for s in states if s.alive), 1e-300)
        weight = sum(states[i].cap for i in sanctioners) / world_cap
        sanctions = san_ok and needed and not military and weight > 0
        if not military:
            joiners = set()
        sanction_weight = weight if sanctions else 0.0
        defenders = {v} | joiners | {i for i in helps if f.margin[i] >= rp.adhoc_affinity}
        died, won = self.fight(agg, vic, attackers, defenders, sanction_weight, power, world_cap)
        if sanctions:
            agg.sanction_left = rp.sanction_years
            agg.sanction_pen = rp.sanction_penalty * sanction_weight
        self.learn(a, v, f.covers, designated, military, sanctions, needed)
        self.totals["wars"] += 1
        self.totals["reversed"] += not won
        self.totals["deaths"] += died
        self.totals["weak_deaths"] += died and self.weak[v]

    def fight(
        self,
        agg: StateAgent,
        vic: StateAgent,
        attackers: set[int],
        defenders: set[int],
        sanction_weight: float,
        power: list[float],
        world_cap: float,
    ) -> tuple[bool, bool]:
        """Contest, losses, conquest, absorption, policy change; return (died, won)."""
        w = self.params.war
        rng = self.rng
        att = sum(power[i] for i in attackers) * (
            1.0 - self.params.response.sanction_war_effect * sanction_weight
        )
        dfn = sum(power[i] for i in defenders)
        won = rng.random() < win_probability(att, dfn, self.params.aggression.decisiveness)
        intensity = math.exp(w.intensity_sigma * rng.normal() - 0.5 * w.intensity_sigma**2)
        total = max(att + dfn, 1e-300)
        loss_att = min(max(w.loss_rate * intensity * 2.0 * dfn / total, 0.0), 0.9)
        loss_def = min(max(w.loss_rate * intensity * 2.0 * att / total, 0.0), 0.9)
        # A state on both sides (an ad hoc supporter of the aggressor who also
        # answered the call) loses both shares, as in the engine.
        for i in attackers | defenders:
            frac = (loss_att if i in attackers else 0.0) + (loss_def if i in defenders else 0.0)
            self.states[i].cap -= self.states[i].cap * frac
        if won:
            take = self.params.aggression.conquest_share * vic.cap
            agg.cap += take
            vic.cap -= take
            agg.revis += w.embolden * (1.0 - agg.revis)
        else:
            pay = w.reparations * agg.cap
            agg.cap -= pay
            vic.cap += pay
            agg.revis *= 1.0 - w.policy_change
        died = won and vic.cap < w.absorb_ratio * agg.cap
        if died:
            agg.cap += vic.cap
            vic.cap = 0.0
            vic.alive = False
            for pact in self.pacts:
                pact.members.discard(vic.index)
            vic.remove()
        for i in attackers | defenders:
            self.states[i].busy = True
        return died, won

    def learn(
        self,
        a: int,
        v: int,
        covers: list[bool],
        designated: list[bool],
        military: bool,
        sanctions: bool,
        needed: bool,
    ) -> None:
        """Credibility moves toward the record; the undefended and the designated may leave.

        A crisis the victim could meet alone does not test the pacts."""
        lp = self.params.learning
        u_victim, u_aggressor = self.rng.random(), self.rng.random()
        for k, pact in enumerate(self.pacts):
            if not covers[k]:
                continue
            record = 0.0
            if designated[k] and military:
                record = 1.0
            elif designated[k] and sanctions:
                record = lp.sanction_credit
            if needed:
                pact.cred += lp.credibility_rate * (record - pact.cred)
            if pact.ideal:
                continue
            if needed and not (military or sanctions) and u_victim < lp.exit_undefended:
                pact.members.discard(v)
            if designated[k] and u_aggressor < lp.exit_designated:
                pact.members.discard(a)

    # ------------------------------------------------------------------ results
    def metrics(self) -> dict[str, float]:
        """The replication's summary metrics, defined as in :mod:`collsec.results`."""
        t = self.totals
        sy = t["state_years"]
        return {
            "war_rate": t["wars"] / sy if sy else math.nan,
            "deterred_rate": t["deterred"] / sy if sy else math.nan,
            "reversed_share": t["reversed"] / t["wars"] if t["wars"] else math.nan,
            "state_deaths": t["deaths"],
            "weak_deaths": t["weak_deaths"],
            "arms_share": sum(self.arms_share_years) / max(len(self.arms_share_years), 1),
        }


def run_mesa(
    scenario: Scenario,
    world: World,
    regime: str,
    replications: int,
    years: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Run ``replications`` Mesa replications; return each metric as an ``[r]`` array.

    Replication ``k`` seeds its model from ``SeedSequence(seed, spawn_key=(k,))``,
    a stream unrelated to the engine's.
    """
    rows: list[dict[str, float]] = []
    for k in range(replications):
        model = CollsecMesaModel(
            scenario, world, regime, rng=np.random.SeedSequence(seed, spawn_key=(k,))
        )
        for _ in range(years):
            model.step()
        rows.append(model.metrics())
    return {m: np.array([r[m] for r in rows]) for m in rows[0]} if rows else {}
