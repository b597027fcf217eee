"""typer's and click's own words (help panels, usage line, usage errors) follow the language."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from collsec.cli import app
from collsec.helptext import translate_type_label, translate_usage_message
from collsec.i18n import set_language


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    set_language(None)


ENGLISH_HELP = (
    "Usage:",
    "Options",
    "Arguments",
    "[required]",
    "[default:",
    "Show this message",
    "{scenario}",
    "scenario      <str>",
    "<bool>",
)


def test_help_panels_and_usage_are_in_indonesian() -> None:
    set_language("id")
    shown = CliRunner().invoke(app, ["run", "--help"], terminal_width=200)
    assert shown.exit_code == 0
    for word in ("Penggunaan: collsec run [OPSI]", "Argumen", "Opsi", "[wajib]", "[bawaan:"):
        assert word in shown.output
    assert "Tampilkan pesan ini lalu keluar." in shown.output
    for word in ENGLISH_HELP:
        assert word not in shown.output
    group = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert "Perintah" in group.output
    assert "PERINTAH [ARG]..." in group.output


def _command_paths() -> list[list[str]]:
    paths: list[list[str]] = []
    todo: list[tuple[list[str], typer.core.TyperGroup | typer.core.TyperCommand]] = [
        ([], typer.main.get_command(app))
    ]
    while todo:
        path, cmd = todo.pop()
        paths.append(path)
        todo += [([*path, n], c) for n, c in getattr(cmd, "commands", {}).items()]
    return sorted(paths)


TYPER_WORDS = re.compile(r"<(str|int|float|bool|path|file|dir|list\[\w+\])>|\{\w+\}| range>")
"""typer's own type names and braces around a required argument (``{scenario}``)."""


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "collsec")
def test_no_command_help_shows_typers_english_types_or_braces(path: list[str]) -> None:
    set_language("id")
    shown = CliRunner().invoke(app, [*path, "--help"], terminal_width=250)
    assert shown.exit_code == 0
    assert TYPER_WORDS.findall(shown.output) == []
    assert "<ya/tidak>" in shown.output  # --help itself


def test_arguments_are_named_in_indonesian_in_usage_panel_and_errors() -> None:
    set_language("id")
    shown = CliRunner().invoke(app, ["run", "--help"], terminal_width=200)
    assert "collsec run [OPSI] skenario" in shown.output
    assert "skenario      <teks>" in shown.output
    optional = CliRunner().invoke(app, ["data", "fetch", "--help"], terminal_width=200)
    assert "[OPSI] [nama]..." in optional.output
    missing = CliRunner().invoke(app, ["run"], terminal_width=200)
    assert missing.exit_code == 2
    assert "Argumen 'skenario' belum diberikan." in missing.output


@pytest.mark.parametrize(
    ("typer_label", "indonesian"),
    [
        ("<int>", "<bilangan bulat>"),
        ("<list[str]>", "<daftar[teks]>"),
        ("<int range>", "<bilangan bulat dalam rentang>"),
        ("<dir>", "<folder>"),
        ("<cinc|usable>", "<cinc|usable>"),
        ("<unknown>", "<unknown>"),
        (None, None),
    ],
)
def test_type_labels_are_translated_and_choices_kept(
    typer_label: str | None, indonesian: str | None
) -> None:
    set_language("en")
    assert translate_type_label(typer_label) == typer_label
    set_language("id")
    assert translate_type_label(typer_label) == indonesian


def test_english_help_is_typers_own_after_an_indonesian_run() -> None:
    set_language("id")
    CliRunner().invoke(app, ["run", "--help"], terminal_width=200)
    set_language("en")
    shown = CliRunner().invoke(app, ["run", "--help"], terminal_width=200)
    for word in ENGLISH_HELP:
        assert word in shown.output


def test_a_usage_error_is_in_indonesian() -> None:
    set_language("id")
    shown = CliRunner().invoke(app, ["run", "interwar", "--reps", "abc"], terminal_width=200)
    assert shown.exit_code == 2
    assert "Nilai tidak sah untuk '--reps': harus berupa bilangan bulat" in shown.output
    assert "Coba 'collsec run --help' untuk bantuan." in shown.output
    assert "Galat" in shown.output
    for word in ("Invalid value", "Try ", "Error", "Usage:"):
        assert word not in shown.output


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [
        ("Missing argument 'scenario'.", "Argumen 'scenario' belum diberikan."),
        ("Missing option '--org'.", "Opsi '--org' belum diberikan."),
        (
            "No such command 'rnu'. Did you mean 'run'?",
            "Tidak ada perintah 'rnu'. Maksud Anda 'run'?",
        ),
        (
            "No such option: --x (Possible options: --out)",
            "Tidak ada opsi: --x (opsi yang mungkin: --out)",
        ),
        (
            "Got unexpected extra argument(s) (b c)",
            "Ada argumen tambahan yang tidak diharapkan (b c)",
        ),
        ("Option '--reps' requires an argument.", "Opsi '--reps' memerlukan nilai."),
        ("Option '--json' does not take a value.", "Opsi '--json' tidak menerima nilai."),
        ("Invalid value: nope", "Nilai tidak sah: nope"),
        ("something click never says", "something click never says"),
    ],
)
def test_click_wording_is_translated_and_english_kept(english: str, indonesian: str) -> None:
    set_language("en")
    assert translate_usage_message(english) == english
    set_language("id")
    assert translate_usage_message(english) == indonesian
