"""Case prediction: labels, probabilities, counterfactuals and bad input (O1-O5, M1-M3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from collsec.errors import CollsecError
from collsec.history.cases import ACTIONS, REVERSALS, Case, predict_case

ABYSSINIA = Case(year=1935, org="league", aggressors=("325",), victim="530", id="t")


def test_prediction_has_labels_probabilities_and_diagnosis(cow_dir: Path) -> None:
    p = predict_case(ABYSSINIA, data_dir=cow_dir, draws=300)
    assert p.designated in ("yes", "no")
    assert p.action in ACTIONS
    assert p.reversed in REVERSALS
    assert 0.0 <= p.p_designated <= 1.0
    assert sum(p.p_action.values()) == pytest.approx(1.0)
    assert set(p.diagnosis) == {"O1", "O2", "O3", "O4", "O5", "M1", "M2", "M3"}
    assert any(v["permanent"] for v in p.votes)


def test_same_seed_same_prediction(cow_dir: Path) -> None:
    a = predict_case(ABYSSINIA, data_dir=cow_dir, draws=200, seed=5)
    b = predict_case(ABYSSINIA, data_dir=cow_dir, draws=200, seed=5)
    assert a.to_dict() == b.to_dict()


def test_counterfactual_member_joins_the_league(cow_dir: Path) -> None:
    base = predict_case(ABYSSINIA, data_dir=cow_dir, draws=200)
    more = predict_case(ABYSSINIA, data_dir=cow_dir, draws=200, add_members=("2",))
    assert more.members == base.members + 1
    assert any(v["code"] == "2" and v["permanent"] for v in more.votes)


def test_aggressor_on_the_council_vetoes_itself(cow_dir: Path) -> None:
    # The great-power veto of a finding against itself (C9): Hungary 1956.
    p = predict_case(Case(1956, "un", ("365",), "310"), data_dir=cow_dir, draws=300)
    assert p.designated == "no"


def test_automatic_rule_always_designates(cow_dir: Path) -> None:
    p = predict_case(
        Case(1956, "un", ("365",), "310"), data_dir=cow_dir, draws=100, rule="automatic"
    )
    assert p.p_designated == 1.0


def test_unknown_state_code(cow_dir: Path) -> None:
    with pytest.raises(CollsecError, match="unknown state code '9999'"):
        predict_case(Case(1935, "league", ("9999",), "530"), data_dir=cow_dir, draws=10)


def test_state_not_in_the_system_that_year(cow_dir: Path) -> None:
    # Ethiopia was out of the state system from 1936 to 1941 (COW).
    with pytest.raises(CollsecError, match="not a member of the state system in 1937"):
        predict_case(Case(1937, "league", ("325",), "530"), data_dir=cow_dir, draws=10)


def test_un_in_1930_did_not_exist(cow_dir: Path) -> None:
    with pytest.raises(CollsecError, match="did not exist"):
        predict_case(Case(1930, "un", ("325",), "530"), data_dir=cow_dir, draws=10)


def test_unknown_rule(cow_dir: Path) -> None:
    with pytest.raises(CollsecError, match="unknown rule"):
        predict_case(ABYSSINIA, data_dir=cow_dir, draws=10, rule="dictator")


def test_several_aggressors_on_the_council_veto(cow_dir: Path) -> None:
    # Suez 1956: the United Kingdom and France, permanent members, block a finding.
    p = predict_case(Case(1956, "un", ("200", "220", "666"), "651"), data_dir=cow_dir, draws=200)
    assert p.designated == "no"
    assert {v["code"] for v in p.votes if v["role"] == "blocks"} >= {"200", "220"}
