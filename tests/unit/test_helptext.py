"""typer's and click's own words (help panels, usage line, usage errors) follow the language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from collsec.cli import app
from collsec.helptext import translate_usage_message
from collsec.i18n import set_language


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    set_language(None)


ENGLISH_HELP = ("Usage:", "Options", "Arguments", "[required]", "[default:", "Show this message")


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
