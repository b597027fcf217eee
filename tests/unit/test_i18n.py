"""The translation layer: catalogs load, the language switches, messages fall back.

Every user-facing message goes through :func:`collsec.i18n._`; these tests keep
the Bahasa Indonesia catalog valid and report the messages it lacks.
"""

from __future__ import annotations

import ast
import json
import re
import string
import warnings
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from collsec import i18n
from collsec.errors import UnknownNameError
from collsec.i18n import _, regime_label, set_language
from collsec.results import SUMMARY_METRICS
from collsec.scenario import RUN_REGIMES

SRC = Path(i18n.__file__).resolve().parent

ALLOWED_FALLBACK: frozenset[str] = frozenset()
"""Message ids deliberately left in English in every catalog (none yet)."""

_CALL = re.compile(r"""\b_\(\s*((?:"(?:[^"\\\n]|\\.)*"\s*)+)\)""")


def source_msgids() -> set[str]:
    """Every literal ``_("...")`` message id in the package source (concatenations joined)."""
    found = set()
    for path in SRC.rglob("*.py"):
        for call in _CALL.finditer(path.read_text(encoding="utf-8")):
            found.add(ast.literal_eval("(" + call.group(1) + ")"))
    return found


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
    text = (resources.files("collsec") / "locales" / "id.json").read_text(encoding="utf-8")
    data = json.loads(text)  # the catalog is valid JSON
    assert isinstance(data, dict)
    return data


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


def test_source_messages_are_in_the_catalog(id_catalog: dict[str, str]) -> None:
    """Untranslated messages are a warning list, not a failure: English is the fallback."""
    untranslated = sorted(source_msgids() - set(id_catalog) - ALLOWED_FALLBACK)
    if untranslated:
        warnings.warn(
            "messages without a Bahasa Indonesia translation: " + "; ".join(untranslated),
            stacklevel=1,
        )
    # The main CLI messages must be there: table headers, progress, error prefix, regimes.
    core = {"error", "metric", "Simulating {n} regime(s)", "Wrote {n} files to {folder}"}
    assert core <= set(id_catalog)
