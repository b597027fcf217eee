"""``collsec report``: one self-contained HTML file from a run, a comparison, a sweep or a case.

Checks that each report holds its sections and figures and references nothing
outside itself, and that bad input (not a collsec output, a missing or torn
file) is one error naming the file, exit code 2.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from collsec import cli
from collsec.history.cases import Case, CasePrediction
from collsec.i18n import set_language

TINY = ("--reps", "3", "--years", "12", "--engine", "numpy")
SECTIONS = (
    "Scenario",
    "Regimes",
    "Metrics",
    "Plots",
    "What this run shows",
    "The crises that matter most",
)


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COLLSEC_LANG", "en")
    set_language(None)
    yield
    set_language(None)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A run folder, a comparison folder (with plots), a sweep folder and a case JSON."""
    root = tmp_path_factory.mktemp("outputs")
    r = CliRunner()
    run = r.invoke(cli.app, ["run", "default", *TINY, "--no-plots", "--out", str(root / "run")])
    assert run.exit_code == 0, run.output
    cmp = r.invoke(cli.app, ["compare", "default", *TINY, "--out", str(root / "cmp")])
    assert cmp.exit_code == 0, cmp.output
    spec = {
        "name": "tiny",
        "base": {
            "name": "tiny-base",
            "world": {"kind": "generated", "n_states": 6, "n_regions": 2, "n_great_powers": 1},
            "arrangements": [{"name": "cs", "kind": "collective_security", "members": "all"}],
        },
        "parameters": [{"path": "params.response.free_riding", "low": 0.0, "high": 1.0}],
        "design": {"kind": "grid", "points": 2},
        "regimes": ["self_help", "collective_security"],
        "replications": 3,
        "years": 8,
        "seed": 5,
    }
    (root / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    args = ["sweep", str(root / "spec.yaml"), "-o", str(root / "sweep"), "--executor", "inline"]
    sweep = r.invoke(cli.app, args)
    assert sweep.exit_code == 0, sweep.output
    case = CasePrediction(
        case=Case(1935, "league", ("325",), "530", id="cli"),
        p_designated=0.8,
        p_action={"none": 0.2, "sanctions": 0.8, "military": 0.0},
        p_reversed=0.0,
        designated="yes",
        action="sanctions",
        reversed="no",
        diagnosis={
            c: {"value": 0.4, "holds_share": 0.7 if c < "O3" else 0.1, "holds": c < "O3"}
            for c in ("O1", "O2", "O3", "O4", "O5", "M1", "M2", "M3")
        },
        votes=[{"code": "220", "name": "FRN", "permanent": True, "seated": 1.0, "p_yes": 0.9}],
        coalition=[{"code": "200", "name": "UKG", "p_join": 0.3, "power": 0.1}],
        power={"aggressor_side": 0.1, "victim_side": 0.01},
        description="League of Nations, 1935",
        rule="council",
        members=50,
    )
    (root / "case.json").write_text(json.dumps(case.to_dict()), encoding="utf-8")
    return {
        "run": root / "run",
        "cmp": root / "cmp",
        "sweep": root / "sweep",
        "case": root / "case.json",
    }


def report(runner: CliRunner, source: Path, out: Path, *extra: str) -> str:
    res = runner.invoke(cli.app, ["report", str(source), "-o", str(out), *extra])
    assert res.exit_code == 0, res.output
    return out.read_text(encoding="utf-8")


def assert_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert "http" not in page
    assert "<script" not in page.lower()
    assert "url(" not in page
    assert "href=" not in page
    sources = re.findall(r'src="([^"]*)"', page)
    assert all(s.startswith("data:image/png;base64,") for s in sources), sources
    assert "@media print" in page


@pytest.mark.parametrize("kind", ["run", "cmp"])
def test_report_of_a_run_and_a_comparison(
    runner: CliRunner, outputs: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    page = report(runner, outputs[kind], tmp_path / "r.html")
    assert_self_contained(page)
    for section in SECTIONS:
        assert f"<h2>{section}</h2>" in page
    assert "percentile bootstrap" in page
    assert "war_rate" in page
    assert '<td class="holds">' in page or '<td class="fails">' in page
    assert "O1" in page
    images = re.findall(r"<img ", page)
    if kind == "cmp":
        assert len(images) == 4  # the four plots the comparison drew
        assert "C13" in page
        assert "C2/C12" in page
    else:
        assert len(images) >= 2  # drawn from the stored tables (no PNG written)


def test_report_of_a_sweep(runner: CliRunner, outputs: dict[str, Path], tmp_path: Path) -> None:
    page = report(runner, outputs["sweep"], tmp_path / "s.html")
    assert_self_contained(page)
    for section in SECTIONS:
        assert f"<h2>{section}</h2>" in page
    assert len(re.findall(r"<img ", page)) == 1
    assert "C13" in page
    assert "3 replications × 8 years, seed 5" in page


def test_report_of_a_case_in_indonesian(
    runner: CliRunner, outputs: dict[str, Path], tmp_path: Path
) -> None:
    page = report(runner, outputs["case"], tmp_path / "c.html", "--lang", "id")
    assert_self_contained(page)
    assert '<html lang="id">' in page
    assert "<h2>Prediksi</h2>" in page
    assert "<h2>Diagnosis (O1-O5, M1-M3)</h2>" in page
    assert "terpenuhi" in page
    assert "gagal" in page
    assert "FRN" in page


def assert_user_error(res: object, *needles: str) -> None:
    assert getattr(res, "exit_code", None) == 2
    err = getattr(res, "stderr", "") or getattr(res, "output", "")
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert len(lines) == 1, err
    for n in needles:
        assert n in lines[0], lines[0]


def test_a_folder_that_is_not_a_collsec_output(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    res = runner.invoke(cli.app, ["report", str(tmp_path), "-o", str(tmp_path / "r.html")])
    assert_user_error(res, str(tmp_path), "not a collsec output")


def copy_folder(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for p in src.iterdir():
        if p.is_file():
            (dst / p.name).write_bytes(p.read_bytes())
    return dst


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("replications.parquet", "truncate"),
        ("crises.parquet", "truncate"),
        ("summary.json", "truncate"),
        ("summary.json", "delete"),
        ("scenario.yaml", "delete"),
    ],
)
def test_a_missing_or_torn_file_is_named(
    runner: CliRunner, outputs: dict[str, Path], tmp_path: Path, name: str, damage: str
) -> None:
    folder = copy_folder(outputs["run"], tmp_path / "run")
    target = folder / name
    if damage == "delete":
        target.unlink()
    else:
        data = target.read_bytes()
        target.write_bytes(data[: len(data) // 2])
    res = runner.invoke(cli.app, ["report", str(folder), "-o", str(tmp_path / "r.html")])
    assert_user_error(res, name)
    assert not (tmp_path / "r.html").exists()


def test_a_torn_sweep_chunk_and_a_torn_case_are_named(
    runner: CliRunner, outputs: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "sweep"
    copy_folder(outputs["sweep"], folder)
    chunks = copy_folder(outputs["sweep"] / "chunks", folder / "chunks")
    chunk = sorted(chunks.iterdir())[0]
    chunk.write_bytes(chunk.read_bytes()[:100])
    res = runner.invoke(cli.app, ["report", str(folder), "-o", str(tmp_path / "r.html")])
    assert_user_error(res, chunk.name)
    case = tmp_path / "case.json"
    case.write_text(outputs["case"].read_text(encoding="utf-8")[:50], encoding="utf-8")
    res = runner.invoke(cli.app, ["report", str(case), "-o", str(tmp_path / "r.html")])
    assert_user_error(res, "case.json")
    other = tmp_path / "other.json"
    other.write_text('{"a": 1}', encoding="utf-8")
    res = runner.invoke(cli.app, ["report", str(other), "-o", str(tmp_path / "r.html")])
    assert_user_error(res, "other.json", "not a case")


def test_an_unknown_language_and_an_unwritable_output_are_refused(
    runner: CliRunner, outputs: dict[str, Path], tmp_path: Path
) -> None:
    args = ["report", str(outputs["case"]), "-o", str(tmp_path / "r.html"), "--lang", "xx"]
    assert_user_error(runner.invoke(cli.app, args), "xx")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    out = blocker / "r.html"  # a folder that is a file: cannot be made
    res = runner.invoke(cli.app, ["report", str(outputs["case"]), "-o", str(out)])
    assert_user_error(res, str(out))
    res = runner.invoke(cli.app, ["report", str(outputs["case"]), "-o", str(tmp_path)])
    assert_user_error(res, str(tmp_path), "folder")


def test_a_folder_read_back_gives_the_table_the_run_printed(outputs: dict[str, Path]) -> None:
    from collsec.report import read_run

    stored = json.loads((outputs["cmp"] / "summary.json").read_text(encoding="utf-8"))["regimes"]
    comparison = read_run(outputs["cmp"])
    assert list(comparison.results) == list(stored)
    for regime, result in comparison.results.items():
        assert result.summary_dict() == stored[regime]


def test_a_folder_holding_case_json_is_reported_as_that_case(
    runner: CliRunner, outputs: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "case-out"
    folder.mkdir()
    (folder / "case.json").write_text(outputs["case"].read_text(encoding="utf-8"), "utf-8")
    page = report(runner, folder, tmp_path / "c.html")
    assert_self_contained(page)
    assert "<h2>Prediction</h2>" in page
    assert "FRN" in page


def test_an_empty_coalition_says_nobody_joins(
    runner: CliRunner, outputs: dict[str, Path], tmp_path: Path
) -> None:
    data = json.loads(outputs["case"].read_text(encoding="utf-8"))
    data["coalition"] = []
    case = tmp_path / "alone.json"
    case.write_text(json.dumps(data), encoding="utf-8")
    page = report(runner, case, tmp_path / "c.html")
    coalition = page.split("<h2>The coalition</h2>", 1)[1]
    assert "nobody joins the victim in 5% of the draws or more" in coalition
    assert "nobody joins" not in report(runner, outputs["case"], tmp_path / "d.html")


def test_crisis_outcomes_are_words_in_the_report_language(
    runner: CliRunner, outputs: dict[str, Path], tmp_path: Path
) -> None:
    page = report(runner, outputs["cmp"], tmp_path / "c.html", "--lang", "id")
    crises = page.split("<h2>Krisis yang paling penting</h2>", 1)[1]
    assert "<td>agresor" in crises
    assert "aggressor_won" not in crises
    assert "aggressor_defeated" not in crises


def test_lang_id_also_says_where_it_wrote_in_indonesian(
    runner: CliRunner, outputs: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "c.html"
    res = runner.invoke(cli.app, ["report", str(outputs["case"]), "-o", str(out), "--lang", "id"])
    assert res.exit_code == 0, res.output
    said = getattr(res, "stderr", "") or res.output
    assert f"Menulis {out}" in said
    assert "Wrote" not in said


def test_the_wide_crisis_table_is_set_in_smaller_type(
    runner: CliRunner, outputs: dict[str, Path], tmp_path: Path
) -> None:
    page = report(runner, outputs["cmp"], tmp_path / "c.html")
    crises = page.split("<h2>The crises that matter most</h2>", 1)[1]
    assert crises.lstrip().startswith('<div class="wide"><table>')
    assert ".wide table{font-size:" in page


@pytest.mark.parametrize("kind", ["cmp", "sweep"])
def test_the_arrangement_table_is_in_the_report_language(
    runner: CliRunner, outputs: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    """QA: the kind and the membership keyword are the program's words, translated."""
    page = report(runner, outputs[kind], tmp_path / "a.html", "--lang", "id")
    head = "<table><thead><tr><th>pengaturan</th><th>jenis</th><th>anggota</th></tr></thead>"
    table = page.split(head, 1)[1].split("</table>", 1)[0]
    assert "<td>keamanan kolektif</td><td>semua negara</td>" in table
    for english in ("collective_security", "collective security", "<td>all</td>"):
        assert english not in table
    english_page = report(runner, outputs[kind], tmp_path / "e.html")
    assert "<td>collective security</td><td>every state</td>" in english_page
