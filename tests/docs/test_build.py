"""The documentation site builds with ``mkdocs build --strict``, offline, and its
generated pages match the program (the command line and the scenario schema).

The build itself is in the slow tier (about 10-20 s here: mkdocstrings reads
the whole package); it skips, with the reason, only when MkDocs, the Material
theme or mkdocstrings is not installed (``pip install ".[docs]"``). The checks
of the generated pages and of the explanation pages are fast.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import typer

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"


def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", REPO / "scripts" / "docs_hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _missing_docs_tools() -> list[str]:
    return [
        m for m in ("mkdocs", "material", "mkdocstrings") if importlib.util.find_spec(m) is None
    ]


@pytest.mark.slow
def test_the_site_builds_strict_and_offline(tmp_path: Path) -> None:
    missing = _missing_docs_tools()
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (pip install '.[docs]')")
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    opts: dict[str, Any] = {"capture_output": True, "text": True, "timeout": 600}
    run = subprocess.run(build, cwd=REPO, env=env, check=False, **opts)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for page in (
        "index.html",
        "reference/cli.html",
        "reference/schema.html",
        "reference/api.html",
        "tutorials/first-comparison.id.html",
    ):
        assert (site / page).is_file(), page
    api = (site / "reference" / "api.html").read_text(encoding="utf-8")
    assert "collsec.api.simulate" in api
    assert "predict_case" in api
    # Offline: nothing is fetched when a page is opened (no web fonts, no remote scripts or styles).
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text, html
        assert not re.search(r'<script[^>]+src="https?://', text), html
        assert not re.search(r'<link[^>]+rel="stylesheet"[^>]+href="https?://', text), html


# --------------------------------------------------------------------------- generated pages


def _all_commands(app: typer.Typer, prefix: tuple[str, ...] = ()) -> set[str]:
    """Every command path of a typer app, read from its registrations (not from click)."""
    found = set()
    for cmd in app.registered_commands:
        name = cmd.name or (cmd.callback.__name__.replace("_", "-") if cmd.callback else "")
        found.add(" ".join((*prefix, name)))
    for group in app.registered_groups:
        if isinstance(group.typer_instance, typer.Typer) and group.name:
            found.add(" ".join((*prefix, group.name)))
            found |= _all_commands(group.typer_instance, (*prefix, group.name))
    return found


def test_the_command_line_page_lists_every_command_and_option() -> None:
    from collsec.cli import app

    page = _hooks().cli_markdown()
    commands = _all_commands(app)
    assert {"compare", "run", "case", "cases evaluate", "sweep", "scenario show"} <= commands
    for command in commands:
        assert f"## `collsec {command}`" in page, command
    for option in ("--reps", "--years", "--seed", "--engine", "--add-member", "--draws"):
        assert f"`{option} " in page or f"`{option}`" in page, option
    assert "[default: auto]" in page  # defaults come from the app, as --help shows them


def test_the_indonesian_command_line_page_uses_the_catalog() -> None:
    from collsec.i18n import _, get_language, set_language

    before = get_language()
    page = _hooks().cli_markdown("id")
    assert get_language() == before  # the page leaves the language as it found it
    set_language("id")
    try:
        assert _("counterfactual: add a member") in page
        assert _("Model, simulate and explain collective security.") in page
    finally:
        set_language(None)
    assert "counterfactual: add a member" not in page
    # typer's own words too, as `COLLSEC_LANG=id collsec run --help` says them (QA).
    assert "collsec run [OPSI] skenario\n" in page
    assert "`--reps <bilangan bulat>`" in page
    for english in ("{scenario}", "{skenario}", "<str>", "<int>", "[required]", "[default:"):
        assert english not in page, english


def test_the_command_line_page_follows_a_new_command() -> None:
    from collsec.cli import app
    from collsec.console import TranslatedCommand
    from collsec.i18n import N_

    @app.command("docs-probe", cls=TranslatedCommand, help=N_("Print the collsec version."))
    def _probe(width: int = typer.Option(3, "--width", help=N_("Print JSON."))) -> None:
        """A command that exists only in this test."""

    try:
        page = _hooks().cli_markdown()
    finally:
        app.registered_commands.pop()
    assert "## `collsec docs-probe`" in page
    assert "`--width <int>` | Print JSON. [default: 3]" in page


def test_the_schema_page_has_every_parameter_and_model() -> None:
    from collsec.scenario import Scenario, parameter_table

    page = _hooks().schema_markdown()
    for row in parameter_table():
        assert f"| `{row['path']}` |" in page, row["path"]
    for model in Scenario.model_json_schema()["$defs"]:
        assert f"### {model}" in page, model
    assert "| `seed` | integer | `20261127` | >= 0 | seed of the whole run |" in page


def test_generated_pages_are_not_also_written_by_hand() -> None:
    for page in _hooks().GENERATED_PAGES:
        assert not (DOCS / page).exists(), f"docs/{page} is generated; delete the hand-written copy"


# --------------------------------------------------------------------------- explanation pages

CLAIMS = [f"C{i}" for i in range(1, 17)] + [f"O{i}" for i in range(1, 6)] + ["M1", "M2", "M3"]


def _test_names() -> set[str]:
    names = set()
    for path in (REPO / "tests").rglob("test_*.py"):
        names |= set(re.findall(r"^\s*def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
    return names


def test_the_claims_page_covers_every_claim_and_cites_real_tests() -> None:
    text = (DOCS / "explanation" / "claims.md").read_text(encoding="utf-8")
    for claim in CLAIMS:
        assert f"**{claim}**" in text, f"{claim} has no row in docs/explanation/claims.md"
    cited = set(re.findall(r"`(test_\w+)`", text))
    assert len(cited) >= 20
    missing = cited - _test_names()
    assert not missing, f"claims.md cites tests that do not exist: {sorted(missing)}"


def _catalog() -> dict[str, str]:
    locales = REPO / "src" / "collsec" / "locales"
    merged: dict[str, str] = json.loads((locales / "id.json").read_text(encoding="utf-8"))
    for part in sorted((locales / "id").glob("*.json")):
        merged.update(json.loads(part.read_text(encoding="utf-8")))
    return merged


def test_the_glossary_uses_the_programs_own_translations() -> None:
    catalog = _catalog()
    rows = re.findall(
        r"^\| ([^|]+?) \| ([^|]+?) \|",
        (DOCS / "reference" / "glossary.md").read_text("utf-8"),
        re.M,
    )
    checked = 0
    for english, indonesian in rows:
        for en, id_ in zip(english.split("; "), indonesian.split("; "), strict=False):
            if en in catalog:
                assert id_ == catalog[en], (
                    f"glossary: {en!r} is {id_!r}, the catalog says {catalog[en]!r}"
                )
                checked += 1
    assert checked >= 10, checked


def _departure_numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^\| (\d+) \|", text, re.M)]


def test_the_model_explanation_lists_every_departure() -> None:
    model = _departure_numbers((DOCS / "model.md").read_text(encoding="utf-8"))
    explained = _departure_numbers((DOCS / "explanation" / "model.md").read_text("utf-8"))
    assert model, "docs/model.md has no table of departures"
    assert explained == model, (
        f"docs/model.md lists departures {model}, docs/explanation/model.md {explained}: "
        "give every departure its line in the explanation"
    )
