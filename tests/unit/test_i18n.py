"""The translation layer: catalogs load, the language switches, messages fall back.

Every user-facing message goes through :func:`collsec.i18n._` (or is marked
with :func:`collsec.i18n.N_` and translated where it is shown). These tests keep
the Bahasa Indonesia catalog complete and exact: every message marked in the
package has a translation, every translation keeps the message's format fields,
and no translation is left over from a message that no longer exists.
"""

from __future__ import annotations

import ast
import json
import string
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from collsec import i18n
from collsec.errors import ScenarioError, UnknownNameError
from collsec.i18n import N_, _, regime_label, set_language
from collsec.results import SUMMARY_METRICS
from collsec.scenario import (
    RUN_REGIMES,
    Scenario,
    load_scenario,
    parameter_table,
    scenario_from_data,
)

SRC = Path(i18n.__file__).resolve().parent

ALLOWED_FALLBACK: frozenset[str] = frozenset()
"""Message ids deliberately left in English in every catalog (none yet)."""

MARKERS = frozenset({"_", "N_"})
"""Names of the functions that mark a message: translate now, or mark for later."""


def parameter_meanings() -> set[str]:
    """The English Field descriptions of the parameters, translated by ``collsec params``."""
    return {row["meaning"] for row in parameter_table() if row["meaning"]}


@cache
def argument_names() -> set[str]:
    """The names of every command's arguments, shown translated (``helptext.argument_name``)."""
    import typer

    from collsec.cli import app

    names: set[str] = set()
    todo = [typer.main.get_command(app)]
    while todo:
        cmd = todo.pop()
        names |= {p.name for p in cmd.params if p.param_type_name == "argument" and p.name}
        todo += list(getattr(cmd, "commands", {}).values())
    return names


def dynamic_msgids() -> set[str]:
    """Messages translated through a variable (``_(meaning)``), not a literal."""
    return set(SUMMARY_METRICS.values()) | parameter_meanings() | argument_names()


@cache
def marked_messages() -> dict[str, list[str]]:
    """Every literal ``_("...")`` / ``N_("...")`` message id in the package, with where it is.

    The source is parsed (not grepped), so single quotes, implicit
    concatenation and calls split over lines are all found.
    """
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MARKERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                where = f"{path.relative_to(SRC.parent)}:{node.lineno}"
                found.setdefault(node.args[0].value, []).append(where)
    return found


def source_msgids() -> set[str]:
    """The message ids of :func:`marked_messages`."""
    return set(marked_messages())


def fields(text: str) -> set[str]:
    """Names of the ``str.format`` fields in a message."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    """Every test leaves the process in the environment's language."""
    yield
    set_language(None)


@pytest.fixture
def id_catalog() -> dict[str, str]:
    """The whole Bahasa Indonesia catalog: ``id.json`` and every part in ``id/``."""
    folder = resources.files("collsec") / "locales"
    files = [folder / "id.json"]
    if (folder / "id").is_dir():
        files += [p for p in (folder / "id").iterdir() if p.name.endswith(".json")]
    for path in files:
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict), path.name
    i18n.catalog.cache_clear()
    return dict(i18n.catalog("id"))


def test_catalog_parts_merge_and_a_conflict_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locales" / "id").mkdir(parents=True)
    (tmp_path / "locales" / "id.json").write_text('{"error": "galat"}', encoding="utf-8")
    (tmp_path / "locales" / "id" / "b.json").write_text('{"year": "tahun"}', encoding="utf-8")
    monkeypatch.setattr(i18n.resources, "files", lambda _pkg: tmp_path)
    i18n.catalog.cache_clear()
    assert i18n.catalog("id") == {"error": "galat", "year": "tahun"}
    (tmp_path / "locales" / "id" / "c.json").write_text('{"year": "masa"}', encoding="utf-8")
    i18n.catalog.cache_clear()
    with pytest.raises(ScenarioError, match="translated twice"):
        i18n.catalog("id")
    i18n.catalog.cache_clear()


def test_catalog_is_a_json_object_of_strings(id_catalog: dict[str, str]) -> None:
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in id_catalog.items())
    assert all(v.strip() for v in id_catalog.values())


def test_set_language_changes_a_known_message() -> None:
    set_language("en")
    assert _("error") == "error"
    set_language("id")
    assert _("error") == "galat"
    assert regime_label("collective_security") == "keamanan kolektif"


def test_missing_translation_falls_back_to_english() -> None:
    set_language("id")
    assert _("a message no catalog will ever hold") == "a message no catalog will ever hold"


def test_environment_variable_chooses_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLLSEC_LANG", "id_ID.UTF-8")
    set_language(None)
    assert i18n.get_language() == "id"
    assert _("year") == "tahun"


def test_unknown_environment_language_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLLSEC_LANG", "xx")
    set_language(None)
    assert _("year") == "year"


def test_set_language_rejects_an_unknown_language() -> None:
    with pytest.raises(UnknownNameError, match="'xx'"):
        set_language("xx")


def test_available_languages() -> None:
    assert i18n.available_languages()[:1] == ["en"]
    assert "id" in i18n.available_languages()


def test_translations_keep_the_format_fields(id_catalog: dict[str, str]) -> None:
    wrong = {k: v for k, v in id_catalog.items() if fields(k) != fields(v)}
    assert wrong == {}


def test_regime_names_and_metric_meanings_are_translated(id_catalog: dict[str, str]) -> None:
    set_language("en")
    labels = [regime_label(r) for r in RUN_REGIMES]
    missing = [m for m in [*labels, *SUMMARY_METRICS.values()] if m not in id_catalog]
    assert missing == []


def test_scan_finds_the_cli_messages() -> None:
    ids = source_msgids()
    assert "error" in ids
    assert "Simulating {n} regime(s)" in ids


def test_scan_finds_marked_messages_of_every_form() -> None:
    ids = source_msgids()
    # single-quoted, in data/commands, and marked for later with N_
    assert 'results in {out}; query them with: collsec query {out} "SQL"' in ids
    assert "run `collsec data fetch`" in ids
    assert "Run a case book against the record." in ids


def test_no_module_rebinds_the_translation_function() -> None:
    """``_, x = f()`` in a function that also calls ``_("...")`` breaks it (a local ``_``)."""
    rebound = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_marker = any(
            isinstance(n, ast.ImportFrom)
            and n.module == "collsec.i18n"
            and any(a.name == "_" for a in n.names)
            for n in ast.walk(tree)
        )
        if not imports_marker:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                rebound.append(f"{path.relative_to(SRC.parent)}:{node.lineno}")
    assert rebound == []


class _ImportTimeCalls(ast.NodeVisitor):
    """Collect ``_(...)`` calls evaluated when a module is imported.

    Module and class bodies run at import, and so do a function's decorators
    and default values (typer options are default values); a function's body
    does not.
    """

    def __init__(self) -> None:
        self.lines: list[int] = []

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "_":
            self.lines.append(node.lineno)
        self.generic_visit(node)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for expr in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if expr is not None:
                self.visit(expr)

    visit_FunctionDef = _visit_function  # noqa: N815
    visit_AsyncFunctionDef = _visit_function  # noqa: N815

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for expr in [*node.args.defaults, *node.args.kw_defaults]:
            if expr is not None:
                self.visit(expr)


def import_time_translations(source: str) -> list[int]:
    """Line numbers of the ``_(...)`` calls in ``source`` that run at import."""
    visitor = _ImportTimeCalls()
    visitor.visit(ast.parse(source))
    return visitor.lines


def test_import_time_scan_finds_options_and_constants() -> None:
    source = (
        'HINT = _("a")\n'
        'OPT = typer.Option(None, help=_("b"))\n'
        '@app.command(help=_("c"))\n'
        'def f(x=typer.Option(None, help=_("d"))):\n'
        '    return _("e")\n'
    )
    assert import_time_translations(source) == [1, 2, 3, 4]


def test_nothing_is_translated_at_import() -> None:
    """Help and constants are marked with ``N_`` so a language chosen later applies."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        lines = import_time_translations(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(SRC.parent)}:{line}" for line in lines]
    assert found == [], "use N_() here and translate where shown (docs/i18n.md)"


def test_every_parameter_meaning_is_in_the_catalog(id_catalog: dict[str, str]) -> None:
    """``collsec params`` translates each Field description of scenario.py when it prints it.

    A new parameter whose description has no translation fails here: add the
    description, word for word, as a key of every catalog.
    """
    assert len(parameter_meanings()) == len([r for r in parameter_table() if r["meaning"]])
    missing = sorted(parameter_meanings() - set(id_catalog))
    assert missing == [], "add these parameter descriptions to the id catalog"


def test_every_argument_name_is_in_the_catalog(id_catalog: dict[str, str]) -> None:
    """An argument is shown under its name in the language of the help (``scenario``)."""
    assert {"scenario", "spec", "names"} <= argument_names()
    missing = sorted(argument_names() - set(id_catalog))
    assert missing == [], "add these argument names to the id catalog"


def test_source_messages_are_in_the_catalog(id_catalog: dict[str, str]) -> None:
    """Every marked message has a Bahasa Indonesia translation (English is only a safety net)."""
    missing = sorted(source_msgids() - set(id_catalog) - ALLOWED_FALLBACK)
    listing = "\n".join(f"{marked_messages()[m][0]}: {m!r}" for m in missing)
    assert not missing, "add these messages to the id catalog (locales/id.json or id/):\n" + listing


def test_no_catalog_entry_is_orphaned(id_catalog: dict[str, str]) -> None:
    """A translation whose English message no longer exists is dead weight: remove it."""
    orphans = sorted(set(id_catalog) - source_msgids() - dynamic_msgids())
    assert orphans == []


def test_messages_and_translations_are_valid_format_strings(id_catalog: dict[str, str]) -> None:
    bad = []
    for text in [*source_msgids(), *id_catalog, *id_catalog.values()]:
        try:
            fields(text)
        except ValueError:
            bad.append(text)
    assert bad == []


def test_translations_keep_conversions_and_format_specs(id_catalog: dict[str, str]) -> None:
    """``{code!r}`` stays ``{code!r}`` and ``{secs:.1f}`` stays ``{secs:.1f}`` in a translation."""

    def specs(text: str) -> set[tuple[str, str | None, str | None]]:
        parsed = string.Formatter().parse(text)
        return {(name, conv, spec) for _lit, name, spec, conv in parsed if name is not None}

    wrong = {k: v for k, v in id_catalog.items() if specs(k) != specs(v)}
    assert wrong == {}


def test_translations_keep_positional_free_fields(id_catalog: dict[str, str]) -> None:
    """Fields are named, so a translation can reorder them (``{}`` could not move)."""
    positional = [k for k in id_catalog if any(f == "" or f.isdigit() for f in fields(k))]
    assert positional == []


# --------------------------------------------------------------------------- at run time


def test_marked_constant_is_english_until_shown() -> None:
    from collsec.data.errors import FETCH_HINT

    set_language("id")
    assert FETCH_HINT == "run `collsec data fetch`"  # marked at import, not translated
    assert _(FETCH_HINT) != FETCH_HINT
    assert N_("error") == "error"


def test_validator_message_follows_the_language() -> None:
    data = load_scenario("default").to_dict()
    data["params"]["arming"]["arms_min"] = 0.5
    data["params"]["arming"]["arms_max"] = 0.4
    set_language("en")
    with pytest.raises(ScenarioError, match="arms_min must not exceed arms_max"):
        scenario_from_data(data)
    set_language("id")
    with pytest.raises(ScenarioError, match="arms_min tidak boleh melebihi arms_max"):
        scenario_from_data(data)


def test_pydantic_messages_are_translated_and_english_is_pydantics_own() -> None:
    data = load_scenario("default").to_dict()
    data["params"]["war"]["loss_rate"] = 2
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    pydantic_text = caught.value.errors()[0]["msg"]
    set_language("en")
    with pytest.raises(ScenarioError) as en:
        scenario_from_data(data)
    assert en.value.message == pydantic_text
    set_language("id")
    with pytest.raises(ScenarioError) as id_:
        scenario_from_data(data)
    assert id_.value.message == "harus kurang dari atau sama dengan 1"


def test_command_help_follows_the_language_chosen_at_run_time() -> None:
    from collsec.cli import app

    set_language("id")
    shown = CliRunner().invoke(app, ["data", "--help"], terminal_width=200)
    assert shown.exit_code == 0
    assert _("Data of COW, ICB, UNGA, TIES and UNSC: fetch and check.") in shown.output
    set_language("en")
    shown = CliRunner().invoke(app, ["data", "--help"], terminal_width=200)
    assert "Data of COW, ICB, UNGA, TIES and UNSC: fetch and check." in shown.output


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal wide enough that rich wraps no help line or table cell checked here."""
    monkeypatch.setenv("COLUMNS", "250")


def test_main_command_help_follows_the_language_chosen_at_run_time(wide: None) -> None:
    """The main app's own commands (compare, run, params, scenario) translate their help."""
    from collsec.cli import app

    runner = CliRunner()
    set_language("id")  # after collsec.cli was imported
    shown = runner.invoke(app, ["compare", "--help"], terminal_width=200)
    assert shown.exit_code == 0
    for english in (
        "Compare self-help, collective defence, collective security and its ideal (C10).",
        "Replications (default: the scenario's).",
        "Bundled scenario name or scenario file (YAML, TOML or JSON).",
    ):
        assert _(english) != english
        assert _(english) in shown.output
        assert english not in shown.output
    top = runner.invoke(app, ["--help"], terminal_width=200)
    assert _("Model, simulate and explain collective security.") in top.output
    assert _("Run one regime of a scenario.") in top.output
    group = runner.invoke(app, ["scenario", "--help"], terminal_width=200)
    assert _("Check a scenario file; print OK and a summary, or the problem.") in group.output
    set_language("en")
    shown = runner.invoke(app, ["compare", "--help"], terminal_width=200)
    assert "Replications (default: the scenario's)." in shown.output


def test_main_command_help_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, wide: None
) -> None:
    from collsec.cli import app

    monkeypatch.setenv("COLLSEC_LANG", "id")
    set_language(None)
    shown = CliRunner().invoke(app, ["run", "--help"], terminal_width=200)
    assert shown.exit_code == 0
    assert _("Regime to run: as_specified or one of the four.") in shown.output


def test_params_prints_translated_meanings(wide: None) -> None:
    from collsec.cli import app

    row = next(r for r in parameter_table() if r["path"] == "params.war.loss_rate")
    set_language("id")
    shown = CliRunner().invoke(app, ["params", "--group", "war"], terminal_width=250)
    assert shown.exit_code == 0
    assert _(row["meaning"]) != row["meaning"]
    assert _(row["meaning"]) in shown.output
    assert row["meaning"] not in shown.output
    set_language("en")
    shown = CliRunner().invoke(app, ["params", "--group", "war"], terminal_width=250)
    assert row["meaning"] in shown.output


def test_rule_help_lists_every_counterfactual_rule() -> None:
    from collsec.history.worlds import RULES

    helps = [m for m in source_msgids() if m.startswith("counterfactual rule: ")]
    assert helps == ["counterfactual rule: " + "|".join(RULES)]
