"""Proper scores, the logistic models, the 1999 wall of calibration (issue 12, items 4-6)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from collsec.errors import CollsecError
from collsec.history.calibration import (
    CALIBRATION_LAST_YEAR,
    check_calibration_years,
    cross_validated_log_loss,
    fit_probability_model,
    model_inputs,
)
from collsec.history.evaluate import _split, read_case_book, trust_sentence
from collsec.history.interests import MissingDataFileError, _ideal_points, _sanction_cases
from collsec.history.scores import (
    ActionLogit,
    Logit,
    base_rates,
    brier,
    fit_action,
    fit_logit,
    log_loss,
    scores,
    skill,
)

# --------------------------------------------------------------------- scores


def test_binary_brier_and_log_loss_by_hand() -> None:
    probs = [{"yes": 0.8, "no": 0.2}, {"yes": 0.3, "no": 0.7}]
    outcomes = ["yes", "no"]
    # ((1 - 0.8)^2 + (0 - 0.3)^2) / 2
    assert brier(probs, outcomes, ("yes", "no")) == pytest.approx(0.065)
    # -(ln 0.8 + ln 0.7) / 2
    assert log_loss(probs, outcomes) == pytest.approx(0.2899092476)


def test_three_category_brier_sums_over_categories() -> None:
    p = [{"none": 0.5, "sanctions": 0.3, "military": 0.2}]
    # (0.5 - 0)^2 + (0.3 - 1)^2 + (0.2 - 0)^2
    assert brier(p, ["sanctions"], ("none", "sanctions", "military")) == pytest.approx(0.78)
    assert log_loss(p, ["sanctions"]) == pytest.approx(-math.log(0.3))


def test_log_loss_floors_a_zero_forecast() -> None:
    assert log_loss([{"yes": 0.0, "no": 1.0}], ["yes"]) == pytest.approx(-math.log(1e-3))


def test_brier_skill_against_base_rates_by_hand() -> None:
    outcomes = ["yes", "no", "no", "no"]
    ref = base_rates(outcomes, ("yes", "no"))
    assert ref == {"yes": 0.25, "no": 0.75}
    # Reference Brier: (0.75^2 + 3 * 0.25^2) / 4 = 0.1875.
    probs = [{"yes": 0.6, "no": 0.4}] + [{"yes": 0.1, "no": 0.9}] * 3
    # Model Brier: (0.4^2 + 3 * 0.1^2) / 4 = 0.0475; skill 1 - 0.0475 / 0.1875.
    s = scores(probs, outcomes, ("yes", "no"), ref)
    assert s["brier"] == pytest.approx(0.0475)
    assert s["brier_reference"] == pytest.approx(0.1875)
    assert s["brier_skill"] == pytest.approx(1 - 0.0475 / 0.1875)
    assert skill(0.1, 0.0) is None
    assert scores([ref] * 4, outcomes, ("yes", "no"), ref)["brier_skill"] == pytest.approx(0.0)


def test_base_rates_of_nothing_is_an_error() -> None:
    with pytest.raises(CollsecError, match="no rows"):
        base_rates([], ("yes", "no"))


# --------------------------------------------------------------------- logistic fits


def test_unpenalised_logit_recovers_the_group_frequencies() -> None:
    """One binary input: the maximum-likelihood logit reproduces each group's share,
    1 of 4 at x = 0 and 3 of 4 at x = 1, so intercept ln(1/3) and slope 2 ln 3."""
    rows = [{"x": 0.0}] * 4 + [{"x": 1.0}] * 4
    y = [True, False, False, False, True, True, True, False]
    fit = fit_logit(rows, y, ("x",), C=None)
    assert fit.intercept == pytest.approx(math.log(1 / 3), abs=1e-3)
    assert fit.coef["x"] == pytest.approx(2 * math.log(3), abs=1e-3)
    p = fit.predict([{"x": 0.0}, {"x": 1.0}])
    assert p == pytest.approx([0.25, 0.75], abs=1e-4)


def test_penalised_logit_shrinks_toward_the_overall_share() -> None:
    rows = [{"x": 0.0}] * 4 + [{"x": 1.0}] * 4
    y = [True, False, False, False, True, True, True, False]
    free = fit_logit(rows, y, ("x",), C=None).coef["x"]
    assert 0 < fit_logit(rows, y, ("x",), C=0.1).coef["x"] < free


def test_a_constant_outcome_or_input_gives_the_clipped_share() -> None:
    fit = fit_logit([{"x": 1.0}, {"x": 2.0}], [False, False], ("x",))
    assert fit.coef == {"x": 0.0}
    assert fit.predict([{"x": 5.0}])[0] == pytest.approx(1e-3)
    fit = fit_logit([{"x": 1.0}] * 4, [True, False, False, False], ("x",))
    assert fit.predict([{"x": 1.0}])[0] == pytest.approx(0.25)


def test_action_logit_splits_measures_into_sanctions_and_force() -> None:
    rows = [{"x": 0.0}] * 4 + [{"x": 1.0}] * 4
    acts = ["none", "none", "none", "sanctions", "military", "sanctions", "military", "none"]
    model = fit_action(rows, acts, ("x",), (), C=None)
    p0, p1 = model.predict([{"x": 0.0}, {"x": 1.0}])
    assert p0["none"] == pytest.approx(0.75, abs=1e-4)
    assert p1["none"] == pytest.approx(0.25, abs=1e-4)
    # Military among the four measures: 2 of 4, no input.
    assert p1["military"] == pytest.approx(0.75 * 0.5, abs=1e-4)
    assert sum(p1.values()) == pytest.approx(1.0)
    back = ActionLogit.from_dict(model.to_dict())
    assert back.predict([{"x": 1.0}])[0] == pytest.approx(p1)
    with pytest.raises(CollsecError, match="intercept"):
        Logit.from_dict({"coef": {}})


# --------------------------------------------------------------------- the 1999 wall


def _inputs(p: float) -> dict[str, float]:
    return model_inputs(
        p,
        {"none": 1 - p, "sanctions": p / 2, "military": p / 2},
        {
            "un": 1.0,
            "great_power_party": 0.0,
            "aggressor_member": 1.0,
            "victim_member": 1.0,
            "log_power_ratio": 0.5,
            "patron_closeness": 0.1,
            "sanction_record": 0.0,
        },
    )


def test_no_crisis_after_1999_can_enter_a_calibration() -> None:
    assert CALIBRATION_LAST_YEAR == 1999
    rows = [_inputs(p) for p in (0.1, 0.9, 0.2, 0.8)]
    des = ["no", "yes", "no", "yes"]
    act = ["none", "sanctions", "none", "military"]
    fit_probability_model(rows, [1990, 1991, 1998, 1999], des, act, "sim")
    with pytest.raises(CollsecError, match="2000"):
        fit_probability_model(rows, [1990, 1991, 1999, 2000], des, act, "sim")
    with pytest.raises(CollsecError, match="2003"):
        cross_validated_log_loss(rows, [1990, 2003, 1998, 1999], des, act, "sim", folds=2)
    with pytest.raises(CollsecError, match="1980"):
        check_calibration_years([1975, 1980], last=1979)
    with pytest.raises(CollsecError, match="variant"):
        fit_probability_model(rows, [1990] * 4, des, act, "oracle")


def test_the_time_split_refuses_to_train_past_1999(
    tmp_path: Path, history_app: typer.Typer
) -> None:
    book = tmp_path / "b.csv"
    book.write_text(
        "id,year,organization,aggressors,victim,absent,designated,action,reversed\n"
        "a,1975,un,651,666,,no,none,no\n"
        "b,1985,un,651,666,,no,none,no\n",
        encoding="utf-8",
    )
    rows = read_case_book(book)
    assert _split(rows, 1979, 1980) == ([0], [1])
    assert _split(rows, None, None) == ([0, 1], [0, 1])
    with pytest.raises(CollsecError, match="1999"):
        _split(rows, 2005, 2006)
    with pytest.raises(CollsecError, match="after"):
        _split(rows, 1979, 1979)
    with pytest.raises(CollsecError, match="both"):
        _split(rows, 1979, None)
    with pytest.raises(CollsecError, match="test years"):
        _split(rows, 1979, 1990)
    r = CliRunner().invoke(
        history_app, ["cases", "evaluate", str(book), "--train-to", "2001", "--test-from", "2002"]
    )
    assert r.exit_code == 2
    assert "1999" in r.output
    assert "Traceback" not in r.output


# --------------------------------------------------------------------- the command


def test_evaluate_json_keeps_the_old_fields_and_adds_scores(
    cow_dir: Path, tmp_path: Path, history_app: typer.Typer
) -> None:
    book = tmp_path / "b.csv"
    book.write_text(
        "id,year,organization,aggressors,victim,absent,designated,action,reversed\n"
        "korea,1950,un,731,732,365,yes,military,partial\n"
        "hungary,1956,un,365,310,,no,none,no\n"
        "suez,1956,un,200;220;666,651,,no,none,yes\n"
        "kuwait,1990,un,645,690,,yes,military,yes\n",
        encoding="utf-8",
    )
    params = tmp_path / "p.yaml"
    params.write_text("draws: 100\npower_measure: usable\ncapability_lag: 1\n", encoding="utf-8")
    args = ["cases", "evaluate", str(book), "--data-dir", str(cow_dir), "--params", str(params)]
    r = CliRunner().invoke(history_app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    case = out["cases"][0]
    assert set(case) >= {"id", "predicted", "recorded", "correct", "probabilities"}
    assert isinstance(case["probabilities"]["designated"], float)
    assert set(case["probabilities"]["action"]) == {"none", "sanctions", "military"}
    assert set(out["accuracy"]) == {"designated", "action", "reversed", "overall"}
    for outcome in ("designated", "action"):
        assert set(out["scores"][outcome]) == {
            "brier",
            "log_loss",
            "brier_skill",
            "brier_reference",
        }
    assert set(out["baselines"]) == {"constant", "logistic"}
    # The constant guess is the base rates of the very rows scored: skill 0.
    assert out["baselines"]["constant"]["scores"]["designated"]["brier_skill"] == pytest.approx(
        0.0, abs=1e-12
    )
    assert out["base_rates"]["designated"] == {"yes": 0.5, "no": 0.5}
    # --base-rates-from: another book's frequencies become the reference.
    other = tmp_path / "o.csv"
    other.write_text(
        "id,year,organization,aggressors,victim,absent,designated,action,reversed\n"
        "x,1956,un,365,310,,no,none,no\n",
        encoding="utf-8",
    )
    r = CliRunner().invoke(history_app, [*args, "--json", "--base-rates-from", str(other)])
    assert r.exit_code == 0, r.output
    ref = json.loads(r.stdout)
    assert ref["base_rates"]["designated"] == {"yes": 0.0, "no": 1.0}
    assert ref["scores"]["designated"]["brier_reference"] == pytest.approx(0.5)


def test_a_missing_or_truncated_book_is_a_clear_error(
    tmp_path: Path, history_app: typer.Typer
) -> None:
    r = CliRunner().invoke(history_app, ["cases", "evaluate", str(tmp_path / "none.csv")])
    assert r.exit_code == 2
    assert "none.csv" in r.output
    cut = tmp_path / "cut.csv"
    cut.write_text("id,year,organization,aggr", encoding="utf-8")
    r = CliRunner().invoke(history_app, ["cases", "evaluate", str(cut)])
    assert r.exit_code == 2
    assert "cut.csv" in r.output
    assert "missing column" in r.output
    good = tmp_path / "good.csv"
    good.write_text(
        "id,year,organization,aggressors,victim,absent,designated,action,reversed\n"
        "a,1975,un,651,666,,no,none,no\n",
        encoding="utf-8",
    )
    r = CliRunner().invoke(
        history_app,
        ["cases", "evaluate", str(good), "--base-rates-from", str(tmp_path / "gone.csv")],
    )
    assert r.exit_code == 2
    assert "gone.csv" in r.output


def test_a_truncated_unga_file_is_named_and_a_missing_one_is_reported(tmp_path: Path) -> None:
    f = tmp_path / "IdealpointsJuly2025.csv"
    f.write_text("ccode,year\n2,1946\n", encoding="utf-8")
    with pytest.raises(CollsecError) as err:
        _ideal_points(str(tmp_path))
    assert "IdealpointsJuly2025.csv" in str(err.value)
    with pytest.raises(MissingDataFileError, match=r"TIESv4-1\.csv"):
        _sanction_cases(str(tmp_path / "empty"))


def test_the_trust_sentence_says_the_skill_in_words() -> None:
    oos = {
        "book": "icb",
        "train_to": 1979,
        "test_from": 1980,
        "cases": 40,
        "brier_skill": {"designated": 0.21, "action": -0.03},
        "logistic_skill": {"designated": 0.12, "action": 0.01},
    }
    text = trust_sentence(oos)
    assert "1979" in text
    assert "40 crises of 1980-1999" in text
    assert "clearly better than the base rates (Brier skill +0.21" in text
    assert "worse than the base rates (-0.03; logistic +0.01)" in text
    oos["brier_skill"] = {"designated": 0.02, "action": 0.08}
    text = trust_sentence(oos)
    assert "no better than the base rates" in text
    assert "a little better than the base rates (+0.08" in text
