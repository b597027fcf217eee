"""The seven guided chapters: one lever, one question, one run each.

Each chapter follows the source text (``seed/keamanan-kolektif.txt``) and a
claim of THEORY.md. A chapter is data: the worlds it runs (*variants*: a
bundled scenario, a regime and a few parameter overrides; or a historical
crisis with its counterfactual), the questions the student answers *before*
the run, and the metric or outcome that answers each one. Its words live in
the content files (``content/<lang>/ch<N>.md``); the labels below are message
ids, translated where shown.

Synthetic chapters run small (a few dozen replications of a century), so a
guided run answers in about a second (``benchmarks/dashboard_runs.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from collsec.history.cases import Case
from collsec.i18n import N_

NO_DIFFERENCE = "none"
"""The answer when no option stands clear of the others (95% intervals overlap)."""


@dataclass(frozen=True)
class Variant:
    """One world a synthetic chapter runs: scenario, regime, overrides."""

    key: str
    label: str
    scenario: str
    regime: str
    overrides: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Question:
    """A prediction asked before the run, answered by a metric of the variants.

    The answer is the option whose mean of ``metric`` is the ``pick``
    (``lowest`` or ``highest``), when its 95% interval stands clear of every
    other option's; otherwise :data:`NO_DIFFERENCE`.
    """

    key: str
    text: str
    metric: str
    pick: str
    options: tuple[str, ...]
    allow_none: bool = True


@dataclass(frozen=True)
class CaseVariant:
    """A historical crisis as recorded, or with one counterfactual."""

    key: str
    label: str
    case: Case
    add_members: tuple[str, ...] = ()
    remove_members: tuple[str, ...] = ()
    rule: str | None = None
    recorded: tuple[tuple[str, str], ...] = ()
    """The record (designated, action, reversed) of an as-recorded variant, from
    the development case book (``shared/data/cases/cases.csv``, its sources)."""


@dataclass(frozen=True)
class CaseQuestion:
    """A prediction about what the model says of one crisis variant."""

    key: str
    text: str
    variant: str
    outcome: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Chapter:
    """A guided chapter."""

    number: int
    claims: tuple[str, ...]
    variants: tuple[Variant, ...] = ()
    questions: tuple[Question, ...] = ()
    cases: tuple[CaseVariant, ...] = ()
    case_questions: tuple[CaseQuestion, ...] = ()
    replications: int = 24
    years: int = 100
    seed: int = 20261127
    plots: tuple[str, ...] = field(default=("survival_by_quartile",))

    @property
    def historical(self) -> bool:
        """Does the chapter run historical crises (COW data needed)?"""
        return bool(self.cases)

    def variant(self, key: str) -> Variant:
        """The synthetic variant named ``key``."""
        return next(v for v in self.variants if v.key == key)


_SH = Variant("self_help", N_("self-help"), "default", "self_help")
_CS = Variant("collective_security", N_("collective security"), "default", "collective_security")

# Chapter 2: the default world's organisation, then one assumption at a time broken.
_ORGANSKI = (
    Variant(
        "all",
        N_("all five hold"),
        "default",
        "collective_security",
    ),
    Variant(
        "O1",
        N_("O1 off: members disagree on the aggressor"),
        "default",
        "collective_security",
        (("params.response.vote_noise", 2.0), ("params.response.vote_bias", -1.0)),
    ),
    Variant(
        "O2",
        N_("O2 off: members are not equally committed"),
        "default",
        "collective_security",
        (("params.response.join_obligation", 0.0), ("params.response.free_riding", 1.0)),
    ),
    Variant(
        "O3",
        N_("O3 off: few members are able to act (no state has global reach)"),
        "default",
        "collective_security",
        (("world.n_great_powers", 0),),
    ),
    Variant(
        "O4",
        N_("O4 off: the members' power is not enough (the great powers stay out)"),
        "default",
        "collective_security",
        (("arrangements.0.members", "all_but_great_powers"),),
    ),
    Variant(
        "O5",
        N_("O5 off: aggressors misjudge the coalition and defeat teaches nothing"),
        "default",
        "collective_security",
        (("params.aggression.misperception", 2.0), ("params.war.policy_change", 0.0)),
    ),
)

_MORGENTHAU = (
    Variant("all", N_("all three hold"), "default", "collective_security"),
    Variant(
        "M1",
        N_("M1 off: a few giants no coalition can overwhelm"),
        "default",
        "collective_security",
        (("world.capability_sigma", 2.5),),
    ),
    Variant(
        "M2",
        N_("M2 off: members see the order to defend differently"),
        "default",
        "collective_security",
        (("world.region_separation", 4.0), ("world.interest_spread", 1.5)),
    ),
    Variant(
        "M3",
        N_("M3 off: members put their own interests first"),
        "default",
        "collective_security",
        (("params.response.join_affinity", 12.0), ("params.response.join_obligation", 0.0)),
    ),
)

CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        1,
        ("C13", "C14", "C10"),
        variants=(_SH, _CS),
        questions=(
            Question(
                "weak",
                N_("Which loses fewer weak states?"),
                "weak_survival",
                "highest",
                ("self_help", "collective_security"),
            ),
            Question(
                "arms",
                N_("Which arms more?"),
                "arms_share",
                "highest",
                ("self_help", "collective_security"),
            ),
        ),
        replications=40,
        years=80,
        plots=("survival_by_quartile", "arms_over_time"),
    ),
    Chapter(
        2,
        ("O1", "O2", "O3", "O4", "O5"),
        variants=_ORGANSKI,
        questions=(
            Question(
                "breaks",
                N_("Which assumption, turned off, lets most wars through?"),
                "war_rate",
                "highest",
                ("O1", "O2", "O3", "O4", "O5"),
                allow_none=False,
            ),
        ),
        replications=12,
        years=80,
        plots=("metrics_over_time",),
    ),
    Chapter(
        3,
        ("M1", "M2", "M3"),
        variants=_MORGENTHAU,
        questions=(
            Question(
                "breaks",
                N_("Which condition, failing, lets most wars through?"),
                "war_rate",
                "highest",
                ("M1", "M2", "M3"),
                allow_none=False,
            ),
        ),
        replications=16,
        years=60,
        plots=("metrics_over_time",),
    ),
    Chapter(
        4,
        ("C2", "C12"),
        variants=(
            Variant(
                "collective_defense", N_("collective defence"), "bipolar", "collective_defense"
            ),
            Variant(
                "collective_security", N_("collective security"), "bipolar", "collective_security"
            ),
        ),
        questions=(
            Question(
                "covered",
                N_("Which answers more of the wars, wars among members included?"),
                "covered_share",
                "highest",
                ("collective_defense", "collective_security"),
            ),
            Question(
                "weak",
                N_("Which loses fewer weak states?"),
                "weak_deaths",
                "lowest",
                ("collective_defense", "collective_security"),
            ),
        ),
        plots=("survival_by_quartile",),
    ),
    Chapter(
        5,
        ("C14",),
        variants=(
            _SH,
            _CS,
            Variant(
                "ideal_collective_security",
                N_("ideal collective security"),
                "default",
                "ideal_collective_security",
            ),
        ),
        questions=(
            Question(
                "arms",
                N_("Which arms most?"),
                "arms_share",
                "highest",
                ("self_help", "collective_security", "ideal_collective_security"),
            ),
            Question(
                "wars",
                N_("Which fights most wars?"),
                "war_rate",
                "highest",
                ("self_help", "collective_security", "ideal_collective_security"),
            ),
        ),
        plots=("arms_over_time",),
    ),
    Chapter(
        6,
        ("C5", "C4", "C15"),
        cases=(
            CaseVariant(
                "record",
                N_("Abyssinia 1935, the League as it was"),
                Case(1935, "league", ("325",), "530", id="abyssinia-1935"),
                recorded=(("designated", "yes"), ("action", "sanctions"), ("reversed", "no")),
            ),
            CaseVariant(
                "us_inside",
                N_("the same crisis with the United States a member"),
                Case(1935, "league", ("325",), "530", id="abyssinia-1935"),
                add_members=("2",),
            ),
        ),
        case_questions=(
            CaseQuestion(
                "reversed",
                N_("With the United States inside, is Italy's conquest undone?"),
                "us_inside",
                "reversed",
                ("yes", "partial", "no"),
            ),
        ),
    ),
    Chapter(
        7,
        ("C9", "O1"),
        cases=(
            CaseVariant(
                "korea",
                N_("Korea 1950, the Soviet Union absent"),
                Case(1950, "un", ("731",), "732", absent=("365",), id="korea-1950"),
                recorded=(("designated", "yes"), ("action", "military"), ("reversed", "partial")),
            ),
            CaseVariant(
                "hungary",
                N_("Hungary 1956"),
                Case(1956, "un", ("365",), "310", id="hungary-1956"),
                recorded=(("designated", "no"), ("action", "none"), ("reversed", "no")),
            ),
            CaseVariant(
                "ukraine",
                N_("Ukraine 2022"),
                Case(2022, "un", ("365",), "369", id="ukraine-2022"),
                recorded=(("designated", "no"), ("action", "none"), ("reversed", "no")),
            ),
            CaseVariant(
                "ukraine_absent",
                N_("Ukraine 2022 with Russia absent from the Council"),
                Case(2022, "un", ("365",), "369", absent=("365",), id="ukraine-2022"),
            ),
        ),
        case_questions=(
            CaseQuestion(
                "ukraine",
                N_("Does the Security Council designate Russia in 2022?"),
                "ukraine",
                "designated",
                ("yes", "no"),
            ),
            CaseQuestion(
                "ukraine_absent",
                N_("And if Russia had stayed away, as the Soviet Union did in 1950?"),
                "ukraine_absent",
                "designated",
                ("yes", "no"),
            ),
        ),
    ),
)
"""The chapters, in teaching order."""


def chapter(number: int) -> Chapter:
    """The chapter numbered ``number`` (1-7)."""
    return CHAPTERS[number - 1]
