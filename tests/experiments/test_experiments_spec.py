"""Sweep spec validation: paths, parameter names, bounds, designs (issue 5)."""

from __future__ import annotations

import pytest

from collsec.errors import CollsecError, UnknownNameError
from collsec.experiments.spec import (
    SpecError,
    get_path,
    load_spec,
    parse_path,
    plan,
    set_path,
    spec_from_data,
)
from collsec.scenario import parameter_table


def test_parse_path_with_list_items() -> None:
    assert parse_path("arrangements[0].decision_rule.quota") == (
        "arrangements",
        0,
        "decision_rule",
        "quota",
    )


def test_parse_path_rejects_garbage() -> None:
    with pytest.raises(SpecError, match="not a parameter path"):
        parse_path("arrangements[x].obligation")


def test_set_and_get_path_into_a_list_item() -> None:
    data = {"arrangements": [{"obligation": 0.1}]}
    set_path(data, "arrangements[0].obligation", 0.9)
    assert get_path(data, "arrangements[0].obligation") == 0.9


def test_missing_list_item_is_an_unknown_name() -> None:
    with pytest.raises(UnknownNameError, match=r"no item \[3\]"):
        get_path({"arrangements": []}, "arrangements[3].obligation")


def test_bad_parameter_name_is_refused_with_a_suggestion(tiny_spec) -> None:
    data = tiny_spec(parameters=[{"path": "params.response.free_ridin", "low": 0, "high": 1}])
    with pytest.raises(UnknownNameError, match=r"did you mean 'params\.response\.free_riding'"):
        plan(spec_from_data(data))


def test_bounds_outside_the_schema_range_are_refused(tiny_spec) -> None:
    row = next(r for r in parameter_table() if r["path"] == "params.response.free_riding")
    data = tiny_spec(
        parameters=[{"path": row["path"], "low": row["low"], "high": row["high"] + 0.5}]
    )
    with pytest.raises(SpecError, match="leaves its valid range"):
        plan(spec_from_data(data))


def test_bounds_of_a_list_item_field_are_checked_by_the_scenario_schema(tiny_spec) -> None:
    data = tiny_spec(parameters=[{"path": "arrangements[0].obligation", "low": 0.0, "high": 1.5}])
    with pytest.raises(SpecError, match=r"value 1\.5 of 'arrangements\[0\]\.obligation'"):
        plan(spec_from_data(data))


def test_path_absent_from_the_base_is_refused(tiny_spec) -> None:
    data = tiny_spec(parameters=[{"path": "arrangements[1].obligation", "low": 0, "high": 1}])
    with pytest.raises(UnknownNameError, match=r"no item \[1\]"):
        plan(spec_from_data(data))


def test_unknown_design_kind_is_refused(tiny_spec) -> None:
    with pytest.raises(SpecError, match=r"design\.kind"):
        spec_from_data(tiny_spec(design={"kind": "taguchi"}))


def test_sobol_samples_must_be_a_power_of_two(tiny_spec) -> None:
    with pytest.raises(SpecError, match="power of two"):
        spec_from_data(tiny_spec(design={"kind": "sobol", "samples": 12}))


def test_unknown_regime_is_refused(tiny_spec) -> None:
    with pytest.raises(SpecError, match="unknown regime"):
        spec_from_data(tiny_spec(regimes=["world_government"]))


def test_unknown_spec_key_is_refused(tiny_spec) -> None:
    with pytest.raises(SpecError, match="replicatoins"):
        spec_from_data({**tiny_spec(), "replicatoins": 3})


def test_spec_errors_are_collsec_errors(tiny_spec) -> None:
    with pytest.raises(CollsecError):
        spec_from_data(tiny_spec(parameters=[]))


def test_grid_plan_has_every_combination_and_fixed_seeds(tiny_spec) -> None:
    p = plan(spec_from_data(tiny_spec()))
    assert [c.columns["obligation"] for c in p.cells] == [0.2, 0.2, 0.9, 0.9]
    assert [c.overrides["params.response.free_riding"] for c in p.cells] == [0.0, 1.0] * 2
    again = plan(spec_from_data(tiny_spec()))
    assert [c.seed for c in p.cells] == [c.seed for c in again.cells]
    assert len({c.seed for c in p.cells}) == 4
    # 4 cells, replications 0-1 and 2 in separate chunks
    assert len(p.chunks) == 8


def test_discrete_levels_split_the_unit_interval_evenly(tiny_spec) -> None:
    data = tiny_spec(
        parameters=[{"path": "arrangements[0].members", "levels": ["all", "all_but_great_powers"]}],
        design={"kind": "random", "samples": 64},
    )
    p = plan(spec_from_data(data))
    for c, u in zip(p.cells, p.unit[:, 0], strict=True):
        assert c.columns["arrangements_0_members"] == (0 if u < 0.5 else 1)
        assert c.overrides["arrangements[0].members"] == (
            "all" if u < 0.5 else "all_but_great_powers"
        )


def test_changing_what_is_computed_changes_the_hash(tiny_spec) -> None:
    a = plan(spec_from_data(tiny_spec()))
    b = plan(spec_from_data(tiny_spec(seed=6)))
    assert a.hash != b.hash


@pytest.mark.parametrize("name", ["sweep", "sensitivity"])
def test_bundled_examples_are_valid(name: str) -> None:
    p = plan(load_spec(name))
    assert len(p.cells) > 0


def test_an_unknown_base_scenario_names_the_base_field(tiny_spec) -> None:
    """Found by the slow fuzz run: `base: 0` said which scenario, not which field."""
    with pytest.raises(UnknownNameError) as err:
        plan(spec_from_data(tiny_spec(base="0")))
    assert err.value.field == "base"
