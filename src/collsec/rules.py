"""Decision rules: small, frozen, documented, registered.

Following the Axelrod library's strategies, each rule is a frozen dataclass with
a readable ``name``, declared metadata (:class:`RuleInfo`: stochastic or not,
what it uses, which claims it implements, its bibliography key in
``docs/bibliography.md``) and pure, vectorised methods over a batch of crises
(arrays of shape ``[crises, states]``).

Three families:

- designation rules turn members' votes into a finding against the aggressor
  (O1): :class:`Automatic`, :class:`Unanimity`, :class:`Majority`,
  :class:`Council`;
- participation rules give each able member's chance of joining the response
  (O2, O3, M3): :class:`Conditional`, :class:`Committed`, :class:`Realist`,
  :class:`Ideal`;
- the aggression rule weighs a war against the expected coalition (O5, M1):
  :class:`ExpectedUtility`.

None of them draws random numbers: noise enters through the arrays the engine
passes in (drawn from each replication's own generator), so every rule is a
pure function of its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class RuleInfo:
    """Declared metadata of a rule.

    Attributes
    ----------
    stochastic
        True if the rule itself draws random numbers (none here do: noise is
        passed in).
    uses
        The information the rule reads.
    claims
        The THEORY.md claims it implements.
    reference
        Bibliography key, resolved in ``docs/bibliography.md``.
    """

    stochastic: bool
    uses: tuple[str, ...]
    claims: tuple[str, ...]
    reference: str


# --------------------------------------------------------------------------- designation


@dataclass(frozen=True)
class DesignationRule:
    """Base class: turn the votes of members into a designation (O1)."""

    name: ClassVar[str] = "designation"
    info: ClassVar[RuleInfo]

    def decide(
        self, yes: BoolArray, voters: BoolArray, permanent: BoolArray
    ) -> BoolArray:  # pragma: no cover - abstract
        """Return, per crisis, whether the aggressor is designated.

        Parameters
        ----------
        yes
            ``[crises, states]``: the state votes to designate.
        voters
            ``[crises, states]``: the state votes (present, entitled).
        permanent
            ``[crises, states]``: the state holds a permanent seat.
        """
        raise NotImplementedError

    def probability(
        self, p_yes: FloatArray, voters: BoolArray, permanent: BoolArray
    ) -> FloatArray:  # pragma: no cover - abstract
        """Return, per crisis, the chance of designation given each voter's chance of yes."""
        raise NotImplementedError


def _at_least(p: FloatArray, voters: BoolArray, need: FloatArray) -> FloatArray:
    """P(number of yes votes >= need), votes independent (normal approximation)."""
    pv = np.where(voters, p, 0.0)
    mu = pv.sum(axis=-1)
    var = (pv * (1.0 - pv)).sum(axis=-1)
    z = (mu - need + 0.5) / np.sqrt(var + 1e-9)
    out: FloatArray = np.where(need <= 0, 1.0, ndtr(z))
    return out


@dataclass(frozen=True)
class Automatic(DesignationRule):
    """No vote: every aggression is designated at once.

    Organski's first assumption (O1) made true by construction; the rule of the
    ideal collective-security regime (C10).
    """

    name: ClassVar[str] = "automatic"
    info: ClassVar[RuleInfo] = RuleInfo(False, (), ("O1", "C10"), "organski1958")

    def decide(self, yes: BoolArray, voters: BoolArray, permanent: BoolArray) -> BoolArray:
        return np.ones(yes.shape[0], dtype=bool)

    def probability(self, p_yes: FloatArray, voters: BoolArray, permanent: BoolArray) -> FloatArray:
        return np.ones(p_yes.shape[0])


@dataclass(frozen=True)
class Unanimity(DesignationRule):
    """Every voting member must designate; one no blocks.

    The League Council under Covenant article 15: unanimity, the parties to the
    dispute excluded (C4, C15). With no voters, nothing is designated.
    """

    name: ClassVar[str] = "unanimity"
    info: ClassVar[RuleInfo] = RuleInfo(False, ("votes",), ("O1", "C4", "C15"), "walters1952")

    def decide(self, yes: BoolArray, voters: BoolArray, permanent: BoolArray) -> BoolArray:
        out: BoolArray = np.asarray(voters.any(axis=-1) & ~(voters & ~yes).any(axis=-1))
        return out

    def probability(self, p_yes: FloatArray, voters: BoolArray, permanent: BoolArray) -> FloatArray:
        logp = np.where(voters, np.log(np.minimum(np.maximum(p_yes, 1e-300), 1.0)), 0.0).sum(
            axis=-1
        )
        out: FloatArray = np.where(voters.any(axis=-1), np.exp(logp), 0.0)
        return out


@dataclass(frozen=True)
class Majority(DesignationRule):
    """At least a share ``quota`` of the voting members must designate.

    The General Assembly's way of finding against an aggressor (Uniting for
    Peace, 1950); a simple majority by default.
    """

    quota: float = 0.5
    name: ClassVar[str] = "majority"
    info: ClassVar[RuleInfo] = RuleInfo(False, ("votes",), ("O1",), "claude1956")

    def decide(self, yes: BoolArray, voters: BoolArray, permanent: BoolArray) -> BoolArray:
        n = voters.sum(axis=-1)
        k = (yes & voters).sum(axis=-1)
        out: BoolArray = (n > 0) & (k >= np.ceil(self.quota * n - 1e-9))
        return out

    def probability(self, p_yes: FloatArray, voters: BoolArray, permanent: BoolArray) -> FloatArray:
        n = voters.sum(axis=-1)
        need = np.ceil(self.quota * n - 1e-9)
        out: FloatArray = np.where(n > 0, _at_least(p_yes, voters, need), 0.0)
        return out


@dataclass(frozen=True)
class Council(DesignationRule):
    """A council: ``quota`` yes votes of ``seats``, and, with ``veto``, no permanent no.

    The UN Security Council under Charter article 27(3): nine of fifteen, the
    concurring votes of the permanent members, an absent permanent member not
    blocking (Korea, June 1950). When fewer members sit than ``seats``, the
    quota shrinks in proportion.
    """

    seats: int = 15
    quota: int = 9
    veto: bool = True
    name: ClassVar[str] = "council"
    info: ClassVar[RuleInfo] = RuleInfo(
        False, ("votes", "permanent seats"), ("O1", "C9"), "uncharter1945"
    )

    def _need(self, voters: BoolArray) -> FloatArray:
        n = voters.sum(axis=-1)
        out: FloatArray = np.ceil(self.quota * np.minimum(n, self.seats) / self.seats - 1e-9)
        return out

    def decide(self, yes: BoolArray, voters: BoolArray, permanent: BoolArray) -> BoolArray:
        k = (yes & voters).sum(axis=-1)
        ok = voters.any(axis=-1) & (k >= self._need(voters))
        if self.veto:
            ok &= ~(voters & permanent & ~yes).any(axis=-1)
        out: BoolArray = ok
        return out

    def probability(self, p_yes: FloatArray, voters: BoolArray, permanent: BoolArray) -> FloatArray:
        need = self._need(voters)
        if self.veto:
            # A veto means every permanent voter says yes; given that, the quota
            # needs that many fewer yes votes from the rest (the permanent yes
            # votes count toward the quota, so the two events are not independent).
            vp = voters & permanent
            p_perm = np.exp(
                np.where(vp, np.log(np.minimum(np.maximum(p_yes, 1e-300), 1.0)), 0.0).sum(axis=-1)
            )
            p = _at_least(p_yes, voters & ~permanent, need - vp.sum(axis=-1)) * p_perm
        else:
            p = _at_least(p_yes, voters, need)
        out: FloatArray = np.where(voters.any(axis=-1), p, 0.0)
        return out


# --------------------------------------------------------------------------- participation


@dataclass(frozen=True)
class ParticipationRule:
    """Base class: each able member's chance of joining the response (O2, O3)."""

    name: ClassVar[str] = "participation"
    info: ClassVar[RuleInfo]

    def chance(
        self,
        logit: FloatArray,
        affinity_margin: FloatArray,
        coalition_wins: BoolArray,
    ) -> FloatArray:  # pragma: no cover - abstract
        """Return the chance of joining, ``[crises, states]``.

        Parameters
        ----------
        logit
            Log-odds of joining from obligation, credibility, affinity and cost.
        affinity_margin
            Affinity to the victim minus affinity to the aggressor.
        coalition_wins
            ``[crises]``: the expected coalition can defeat the aggressor.
        """
        raise NotImplementedError


@dataclass(frozen=True)
class Conditional(ParticipationRule):
    """Joins with a chance that rises with obligation, credibility and affinity
    to the victim, and falls with the cost of facing the aggressor.

    The logistic form follows Cusack and Stoll's EARTH simulation of members who
    weigh the call (O2, M3).
    """

    name: ClassVar[str] = "conditional"
    info: ClassVar[RuleInfo] = RuleInfo(
        False, ("obligation", "credibility", "affinity", "power"), ("O2", "M3"), "cusack1994"
    )

    def chance(
        self, logit: FloatArray, affinity_margin: FloatArray, coalition_wins: BoolArray
    ) -> FloatArray:
        out: FloatArray = 1.0 / (1.0 + np.exp(-logit))
        return out


@dataclass(frozen=True)
class Committed(ParticipationRule):
    """Answers every call it is able to answer: "an attack on one is an attack on all" (C11)."""

    name: ClassVar[str] = "committed"
    info: ClassVar[RuleInfo] = RuleInfo(False, (), ("C11", "O2"), "claude1962")

    def chance(
        self, logit: FloatArray, affinity_margin: FloatArray, coalition_wins: BoolArray
    ) -> FloatArray:
        return np.ones_like(logit)


@dataclass(frozen=True)
class Realist(ParticipationRule):
    """Joins only when it pays: the coalition can win and the victim is closer to it
    than the aggressor (Cusack and Stoll's realist states; M3 fails by design)."""

    name: ClassVar[str] = "realist"
    info: ClassVar[RuleInfo] = RuleInfo(
        False, ("affinity", "expected coalition"), ("M3",), "cusack1994"
    )

    def chance(
        self, logit: FloatArray, affinity_margin: FloatArray, coalition_wins: BoolArray
    ) -> FloatArray:
        out: FloatArray = ((affinity_margin > 0) & coalition_wins[:, None]).astype(float)
        return out


@dataclass(frozen=True)
class Ideal(ParticipationRule):
    """Every able member joins: Organski's O2 and O3 and Morgenthau's M3 forced true (C10)."""

    name: ClassVar[str] = "ideal"
    info: ClassVar[RuleInfo] = RuleInfo(False, (), ("O2", "O3", "M3", "C10"), "organski1958")

    def chance(
        self, logit: FloatArray, affinity_margin: FloatArray, coalition_wins: BoolArray
    ) -> FloatArray:
        return np.ones_like(logit)


# --------------------------------------------------------------------------- aggression


@dataclass(frozen=True)
class ExpectedUtility:
    """Attack when the expected utility of war clears the threshold (O5, M1).

    The chance of winning is a Tullock contest success function of the
    aggressor's power against the target's power plus the support it expects,
    ``P = a^g / (a^g + d^g)`` (Hirshleifer 1989). Utility, in units of the
    aggressor's own capability: ``P * share * (1 - w * s) * c_t / c_a`` for the
    gain, minus ``(1 - P) * defeat_penalty`` for defeat, minus
    ``war_cost * 2 d / (a + d)`` for fighting (the expected losses of phase 5,
    bounded however large the other side), minus the expected cost of sanctions.
    """

    decisiveness: float = 2.0
    conquest_share: float = 0.3
    war_cost: float = 0.05
    defeat_penalty: float = 0.3
    dissimilarity_weight: float = 0.5
    name: ClassVar[str] = "expected_utility"
    info: ClassVar[RuleInfo] = RuleInfo(
        False,
        ("power", "capability", "similarity", "expected coalition"),
        ("O5", "M1"),
        "hirshleifer1989",
    )

    def win_probability(self, attack: FloatArray, defence: FloatArray) -> FloatArray:
        """Contest success function: the side with power ``attack`` wins."""
        with np.errstate(over="ignore", divide="ignore"):
            # An overwhelming defence overflows the power to inf: the chance is 0.
            ratio = np.maximum(defence, 1e-300) / np.maximum(attack, 1e-300)
            out: FloatArray = 1.0 / (1.0 + ratio**self.decisiveness)
        return out

    def utility(
        self,
        attack: FloatArray,
        defence: FloatArray,
        own_capability: FloatArray,
        target_capability: FloatArray,
        similarity: FloatArray,
    ) -> FloatArray:
        """Expected utility of attacking, in units of the aggressor's capability."""
        p = self.win_probability(attack, defence)
        gain = (
            self.conquest_share
            * (1.0 - self.dissimilarity_weight * similarity)
            * target_capability
            / own_capability
        )
        out: FloatArray = (
            p * gain
            - (1.0 - p) * self.defeat_penalty
            - self.war_cost * 2.0 * defence / np.maximum(attack + defence, 1e-300)
        )
        return out


DESIGNATION_RULES: dict[str, type[DesignationRule]] = {
    r.name: r for r in (Automatic, Unanimity, Majority, Council)
}
PARTICIPATION_RULES: dict[str, type[ParticipationRule]] = {
    r.name: r for r in (Conditional, Committed, Realist, Ideal)
}
AGGRESSION_RULES: dict[str, type[ExpectedUtility]] = {ExpectedUtility.name: ExpectedUtility}

RULES: dict[str, type] = {**DESIGNATION_RULES, **PARTICIPATION_RULES, **AGGRESSION_RULES}
"""Every registered rule by name; a test checks that each is documented."""
