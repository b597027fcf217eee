"""Scenario validation errors name the field a user wrote, in the user's words.

No pydantic jargon: no union tag or branch type in the path, a missing or
unknown ``kind`` names its choices, and a number YAML reads as text
(``1e300``) is checked as a number.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from collsec.errors import ScenarioError
from collsec.scenario import GeneratedWorld, load_scenario


def _error(tmp_path: Path, text: str) -> ScenarioError:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


ARR = "arrangements:\n - name: a\n   kind: collective_security\n"


def test_a_world_without_kind_is_generated(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("world:\n  n_states: 3\n", encoding="utf-8")
    world = load_scenario(path).world
    assert isinstance(world, GeneratedWorld)
    assert world.n_states == 3


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        (
            ARR + "   decision_rule: {quota: 3}\n",
            "arrangements[0].decision_rule.kind",
            "missing: choose automatic, unanimity, majority, council",
        ),
        ("world:\n  kind: bogus\n", "world.kind", "'bogus': choose explicit, generated"),
        (ARR + "   members: [999]\n", "arrangements[0].members[0]", "a valid string"),
        (
            ARR + "   members: allx\n",
            "arrangements[0].members",
            "Input should be a list, or 'all' or 'all_but_great_powers'",
        ),
        (
            ARR + "   decision_rule: {kind: council, permanent: [1]}\n",
            "arrangements[0].decision_rule.permanent[0]",
            "a valid string",
        ),
        ("world:\n  n_states: 1e300\n", "world.n_states", "less than or equal to 5000"),
        ("world:\n  n_states: 25e-1\n", "world.n_states", "fractional part"),
        ("world:\n  kind: generated\n  n_states: true\n", "world.n_states", "a boolean"),
    ],
)
def test_an_error_names_the_field_without_jargon(
    tmp_path: Path, text: str, field: str, words: str
) -> None:
    err = _error(tmp_path, text)
    assert err.field == field
    assert words in str(err)
    for jargon in ("tuple[", "literal[", "discriminator", "more problem", "parse string"):
        assert jargon not in err.render()
    assert ": n_states:" not in str(err)


def test_a_duplicate_state_code_names_its_row(tmp_path: Path) -> None:
    state = "{{code: A, capability: 1, region: r, interests: [0], position: [{x}, 0]}}"
    states = ", ".join(state.format(x=x) for x in (0, 1))
    err = _error(tmp_path, f"world:\n  kind: explicit\n  states: [{states}]\n")
    assert err.field == "world.states[1].code"
    assert str(err).endswith("world.states[1].code: duplicate state code 'A'")
