"""Rule contract tests: every decision rule's test class inherits :class:`RuleContract`.

STYLE.md asks for "a base test class that every decision rule's test
inherits": metadata matches behaviour, a deterministic rule gives the same
output for the same input (no rule reads a generator: noise is passed in),
pickling keeps behaviour, outputs are valid, and, for designation rules,
``probability`` agrees with ``decide`` averaged over random votes.
"""

from __future__ import annotations

import inspect
import pickle
import re
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from collsec import rules
from collsec.rules import RULES, RuleInfo

BIBLIOGRAPHY = Path(__file__).resolve().parents[2] / "docs" / "bibliography.md"
CLAIM = re.compile(r"^(C([1-9]|1[0-6])|O[1-5]|M[1-3])$")


def bibliography_keys() -> set[str]:
    """Keys listed in docs/bibliography.md as numbered items: ``1. `key`: ...``."""
    text = BIBLIOGRAPHY.read_text(encoding="utf-8")
    return set(re.findall(r"^\s*\d+\.\s+`([a-z]+\d{4}[a-z]?)`", text, flags=re.MULTILINE))


def random_crises(
    rng: np.random.Generator, c: int = 50, n: int = 7
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random ``p_yes``, ``yes``, ``voters`` and ``permanent`` arrays of ``c`` crises."""
    p_yes = rng.random((c, n))
    yes = rng.random((c, n)) < p_yes
    voters = rng.random((c, n)) < 0.8
    permanent = np.zeros((c, n), dtype=bool)
    permanent[:, :2] = True
    return p_yes, yes, voters, permanent


class RuleContract:
    """What every registered rule must satisfy. Subclasses set ``rule`` (an instance)."""

    rule: ClassVar[Any]

    def outputs(self, rng: np.random.Generator) -> list[np.ndarray]:
        """The rule's outputs on random inputs drawn from ``rng`` (overridden per family)."""
        raise NotImplementedError

    def test_registered_under_its_name(self) -> None:
        assert RULES[self.rule.name] is type(self.rule)

    def test_documented(self) -> None:
        doc = inspect.getdoc(type(self.rule))
        assert doc is not None
        assert len(doc.split()) >= 8, "a rule's docstring says what it does and why"

    def test_rule_info_declared(self) -> None:
        info = type(self.rule).info
        assert isinstance(info, RuleInfo)
        assert all(isinstance(u, str) for u in info.uses)
        assert info.claims, "a rule names the THEORY.md claims it implements"
        assert all(CLAIM.match(c) for c in info.claims), info.claims

    def test_reference_resolves_in_bibliography(self) -> None:
        assert type(self.rule).info.reference in bibliography_keys()

    def test_declared_deterministic_and_reads_no_generator(self) -> None:
        # No rule draws random numbers: noise reaches it through its inputs.
        assert type(self.rule).info.stochastic is False
        src = inspect.getsource(type(self.rule))
        assert "np.random" not in src
        assert "Generator" not in src

    def test_same_inputs_same_outputs(self) -> None:
        first = self.outputs(np.random.default_rng(7))
        second = self.outputs(np.random.default_rng(7))
        for a, b in zip(first, second, strict=True):
            np.testing.assert_array_equal(a, b)

    def test_pickling_keeps_behaviour(self) -> None:
        clone = pickle.loads(pickle.dumps(self.rule))
        assert clone == self.rule
        here = self.outputs(np.random.default_rng(11))
        saved, type(self).rule = type(self).rule, clone
        try:
            there = self.outputs(np.random.default_rng(11))
        finally:
            type(self).rule = saved
        for a, b in zip(here, there, strict=True):
            np.testing.assert_array_equal(a, b)

    def test_rule_is_frozen(self) -> None:
        fields = list(vars(type(self.rule)).get("__dataclass_fields__", {}))
        if not fields:
            pytest.skip("the rule has no fields to freeze")
        with pytest.raises(AttributeError):
            setattr(self.rule, fields[0], None)


class DesignationContract(RuleContract):
    """Designation rules (O1): boolean decisions, probabilities in [0, 1] that match them."""

    mc_tolerance: ClassVar[float] = 0.0  # 0: exact rule, use a 4-standard-error bound

    def outputs(self, rng: np.random.Generator) -> list[np.ndarray]:
        p_yes, yes, voters, permanent = random_crises(rng)
        return [
            self.rule.decide(yes, voters, permanent),
            self.rule.probability(p_yes, voters, permanent),
        ]

    def test_decide_gives_one_boolean_per_crisis(self) -> None:
        d, _ = self.outputs(np.random.default_rng(1))
        assert d.dtype == bool
        assert d.shape == (50,)

    def test_probability_in_unit_interval(self) -> None:
        _, p = self.outputs(np.random.default_rng(2))
        assert p.shape == (50,)
        assert np.all((p >= 0.0) & (p <= 1.0))

    def test_no_voters_no_designation_unless_automatic(self) -> None:
        c, n = 3, 5
        none = np.zeros((c, n), dtype=bool)
        d = self.rule.decide(none, none, none)
        p = self.rule.probability(np.full((c, n), 0.9), none, none)
        expected = self.rule.name == "automatic"
        assert np.all(d == expected)
        assert np.all(p == float(expected))

    @pytest.mark.parametrize("case", range(6))
    def test_probability_agrees_with_decide(self, case: int) -> None:
        """Mean of ``decide`` over votes drawn with ``p_yes`` matches ``probability``."""
        rng = np.random.default_rng(100 + case)
        n = 5 + case  # small councils
        p_yes = rng.uniform(0.3, 1.0, n)
        voters = np.ones(n, dtype=bool)
        voters[rng.integers(n)] = case % 2 == 0  # sometimes one member stays away
        permanent = np.zeros(n, dtype=bool)
        permanent[:2] = True
        draws = 20_000
        yes = rng.random((draws, n)) < p_yes
        vv = np.broadcast_to(voters, (draws, n))
        pp = np.broadcast_to(permanent, (draws, n))
        freq = self.rule.decide(yes, vv, pp).mean()
        prob = float(self.rule.probability(p_yes[None, :], voters[None, :], permanent[None, :])[0])
        se = np.sqrt(max(prob * (1 - prob), 1e-4) / draws)
        tol = self.mc_tolerance or 4.0 * se
        assert abs(freq - prob) <= tol, (freq, prob, tol)


class ParticipationContract(RuleContract):
    """Participation rules (O2, O3, M3): chances in [0, 1], shaped like the crises."""

    def outputs(self, rng: np.random.Generator) -> list[np.ndarray]:
        logit = rng.normal(0.0, 3.0, (40, 6))
        margin = rng.normal(0.0, 0.5, (40, 6))
        wins = rng.random(40) < 0.5
        return [self.rule.chance(logit, margin, wins)]

    def test_chance_in_unit_interval(self) -> None:
        (p,) = self.outputs(np.random.default_rng(3))
        assert p.shape == (40, 6)
        assert np.all((p >= 0.0) & (p <= 1.0))


class TestAutomatic(DesignationContract):
    rule = rules.Automatic()

    def test_always_designates(self) -> None:
        _p_yes, yes, voters, permanent = random_crises(np.random.default_rng(4))
        assert self.rule.decide(~yes, voters, permanent).all()


class TestUnanimity(DesignationContract):
    rule = rules.Unanimity()

    def test_one_no_blocks(self) -> None:
        voters = np.ones((1, 4), dtype=bool)
        perm = np.zeros((1, 4), dtype=bool)
        assert self.rule.decide(np.array([[True, True, True, True]]), voters, perm)[0]
        assert not self.rule.decide(np.array([[True, True, False, True]]), voters, perm)[0]

    def test_a_no_outside_the_voters_does_not_block(self) -> None:
        voters = np.array([[True, True, False, True]])
        perm = np.zeros((1, 4), dtype=bool)
        assert self.rule.decide(np.array([[True, True, False, True]]), voters, perm)[0]

    def test_probability_is_the_product(self) -> None:
        p = np.array([[0.9, 0.8, 0.5]])
        got = self.rule.probability(p, np.ones((1, 3), bool), np.zeros((1, 3), bool))[0]
        assert got == pytest.approx(0.9 * 0.8 * 0.5)


class TestMajority(DesignationContract):
    rule = rules.Majority(quota=0.5)
    # probability() uses a normal approximation to the Poisson-binomial with a
    # continuity correction: agreement is loose for councils of five to ten.
    mc_tolerance = 0.08

    @pytest.mark.parametrize(
        ("quota", "yes_votes", "voters", "passes"),
        [
            (0.5, 2, 4, True),  # a half is enough at quota 1/2
            (0.5, 1, 4, False),
            (0.5, 2, 3, True),  # ceil(1.5) = 2
            (2 / 3, 2, 3, True),  # ceil(2) = 2, no rounding trouble
            (2 / 3, 3, 5, False),  # ceil(10/3) = 4
            (1.0, 4, 5, False),
        ],
    )
    def test_quota(self, quota: float, yes_votes: int, voters: int, passes: bool) -> None:
        yes = np.zeros((1, voters), dtype=bool)
        yes[0, :yes_votes] = True
        v = np.ones((1, voters), dtype=bool)
        got = rules.Majority(quota=quota).decide(yes, v, np.zeros_like(v))[0]
        assert bool(got) is passes


class TestMajorityTwoThirds(TestMajority):
    rule = rules.Majority(quota=2 / 3)


class TestCouncil(DesignationContract):
    rule = rules.Council(seats=7, quota=4, veto=True)
    # Normal approximation for the quota, times the permanent members' yes
    # chances as if independent of the quota: a loose tolerance.
    mc_tolerance = 0.08

    def test_present_permanent_no_blocks(self) -> None:
        """Korea 1950 logic, part 1: a permanent member present and voting no vetoes."""
        council = rules.Council(seats=5, quota=3, veto=True)
        permanent = np.array([[True, True, False, False, False]])
        voters = np.ones((1, 5), dtype=bool)
        yes = np.array([[False, True, True, True, True]])  # four yes, one permanent no
        assert not council.decide(yes, voters, permanent)[0]

    def test_absent_permanent_does_not_block(self) -> None:
        """Korea 1950 logic, part 2: the absent permanent member's silence is no veto."""
        council = rules.Council(seats=5, quota=3, veto=True)
        permanent = np.array([[True, True, False, False, False]])
        voters = np.array([[False, True, True, True, True]])  # the first stays away
        yes = np.array([[False, True, True, True, True]])
        assert council.decide(yes, voters, permanent)[0]

    def test_without_veto_a_permanent_no_is_one_vote(self) -> None:
        council = rules.Council(seats=5, quota=3, veto=False)
        permanent = np.array([[True, True, False, False, False]])
        voters = np.ones((1, 5), dtype=bool)
        yes = np.array([[False, True, True, True, True]])
        assert council.decide(yes, voters, permanent)[0]

    def test_quota_of_a_full_council(self) -> None:
        council = rules.Council(seats=5, quota=3, veto=False)
        voters = np.ones((2, 5), dtype=bool)
        perm = np.zeros((2, 5), dtype=bool)
        yes = np.array([[True, True, False, False, False], [True, True, True, False, False]])
        np.testing.assert_array_equal(council.decide(yes, voters, perm), [False, True])

    def test_quota_shrinks_with_a_smaller_council(self) -> None:
        # Four of five seats filled: ceil(3 * 4 / 5) = 3 yes needed; two are not enough.
        council = rules.Council(seats=5, quota=3, veto=False)
        voters = np.array([[True, True, True, True, False]])
        perm = np.zeros((1, 5), dtype=bool)
        assert not council.decide(np.array([[True, True, False, False, False]]), voters, perm)[0]
        assert council.decide(np.array([[True, True, True, False, False]]), voters, perm)[0]


class TestCouncilNoVeto(TestCouncil):
    rule = rules.Council(seats=7, quota=4, veto=False)


class TestConditional(ParticipationContract):
    rule = rules.Conditional()

    def test_logistic_of_the_log_odds(self) -> None:
        p = self.rule.chance(np.array([[0.0, np.log(3.0)]]), np.zeros((1, 2)), np.ones(1, bool))
        np.testing.assert_allclose(p, [[0.5, 0.75]])

    def test_monotone_in_the_log_odds(self) -> None:
        logit = np.linspace(-5, 5, 11)[None, :]
        p = self.rule.chance(logit, np.zeros_like(logit), np.ones(1, bool))
        assert np.all(np.diff(p[0]) > 0)


class TestCommitted(ParticipationContract):
    rule = rules.Committed()

    def test_answers_every_call(self) -> None:
        (p,) = self.outputs(np.random.default_rng(5))
        assert np.all(p == 1.0)


class TestRealist(ParticipationContract):
    rule = rules.Realist()

    def test_joins_only_when_it_pays(self) -> None:
        margin = np.array([[0.5, -0.5], [0.5, -0.5]])
        wins = np.array([True, False])
        p = self.rule.chance(np.zeros((2, 2)), margin, wins)
        np.testing.assert_array_equal(p, [[1.0, 0.0], [0.0, 0.0]])


class TestIdeal(ParticipationContract):
    rule = rules.Ideal()

    def test_every_able_member_joins(self) -> None:
        (p,) = self.outputs(np.random.default_rng(6))
        assert np.all(p == 1.0)


class TestExpectedUtility(RuleContract):
    rule = rules.ExpectedUtility()

    def outputs(self, rng: np.random.Generator) -> list[np.ndarray]:
        a = rng.uniform(0.01, 2.0, 30)
        d = rng.uniform(0.01, 2.0, 30)
        ca = rng.uniform(0.1, 5.0, 30)
        ct = rng.uniform(0.1, 5.0, 30)
        s = rng.random(30)
        return [self.rule.win_probability(a, d), self.rule.utility(a, d, ca, ct, s)]

    def test_win_probability_in_unit_interval(self) -> None:
        p, u = self.outputs(np.random.default_rng(8))
        assert np.all((p >= 0.0) & (p <= 1.0))
        assert np.all(np.isfinite(u))

    def test_contest_success_function_by_hand(self) -> None:
        rule = rules.ExpectedUtility(decisiveness=2.0)
        # P = a^g / (a^g + d^g): 2^2 / (2^2 + 1) = 0.8; equal forces: one half.
        np.testing.assert_allclose(
            rule.win_probability(np.array([2.0, 1.0]), np.array([1.0, 1.0])), [0.8, 0.5]
        )

    def test_more_defence_lowers_utility(self) -> None:
        d = np.linspace(0.1, 3.0, 20)
        u = self.rule.utility(np.ones(20), d, np.ones(20), np.ones(20), np.zeros(20))
        assert np.all(np.diff(u) < 0)


CONTRACT_CLASSES = [
    obj
    for obj in list(globals().values())
    if inspect.isclass(obj) and issubclass(obj, RuleContract) and "rule" in vars(obj)
]


def test_every_registered_rule_has_a_contract_test() -> None:
    covered = {type(cls.rule).__name__ for cls in CONTRACT_CLASSES}
    assert {cls.__name__ for cls in RULES.values()} <= covered


def test_every_rule_class_in_the_module_is_registered() -> None:
    """A rule that exists but is not registered fails (STYLE.md)."""
    bases = (rules.DesignationRule, rules.ParticipationRule, rules.ExpectedUtility)
    defined = {
        obj
        for obj in vars(rules).values()
        if inspect.isclass(obj)
        and issubclass(obj, bases)
        and obj not in (rules.DesignationRule, rules.ParticipationRule)
    }
    assert defined <= set(RULES.values())


def test_registry_names_are_unique_and_readable() -> None:
    for name, cls in RULES.items():
        assert name == getattr(cls, "name", None)
        assert re.fullmatch(r"[a-z_]+", name)


def info_of(cls: type) -> RuleInfo:
    """The declared metadata of a registered rule class."""
    info = vars(cls).get("info") or next(vars(c)["info"] for c in cls.__mro__ if "info" in vars(c))
    assert isinstance(info, RuleInfo)
    return info


def test_bibliography_lists_every_reference_once() -> None:
    text = BIBLIOGRAPHY.read_text(encoding="utf-8")
    keys = re.findall(r"^\s*\d+\.\s+`([a-z]+\d{4}[a-z]?)`", text, flags=re.MULTILINE)
    assert len(keys) == len(set(keys))
    assert {info_of(cls).reference for cls in RULES.values()} <= set(keys)
