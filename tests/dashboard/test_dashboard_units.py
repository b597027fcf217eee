"""The dashboard's pure parts: URL state, content files, diagnosis in words, answers, command."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from collsec.dashboard import commands, content, runs, urlstate, words
from collsec.dashboard.chapters import CHAPTERS, NO_DIFFERENCE, Question
from collsec.dashboard.explore import upload_problems
from collsec.errors import CollsecError
from collsec.i18n import _, set_thread_language
from collsec.scenario import load_scenario, parameter_table

# --------------------------------------------------------------------------- URL state


def test_state_round_trips_through_the_url() -> None:
    s, problems = urlstate.decode(
        {
            "page": "explore",
            "lang": "id",
            "ch": "3",
            "seed": "0",
            "regimes": "self_help,ideal_collective_security",
            "params.war.loss_rate": "0.25",
            "params.response.find_when_needed": "true",
            "pred.3.breaks": "M2",
            "go": "1",
        }
    )
    assert problems == []
    assert s["seed"] == 0
    assert s["regimes"] == ("self_help", "ideal_collective_security")
    assert s["params"] == {"params.war.loss_rate": 0.25, "params.response.find_when_needed": True}
    again, problems = urlstate.decode(urlstate.encode(s))
    assert problems == []
    assert again == s


def test_defaults_make_a_short_link() -> None:
    s = urlstate.defaults() | {"params": {"params.war.loss_rate": 0.1}, "pred": {"1.weak": ""}}
    assert urlstate.encode(s) == {"page": "learn"}


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("params.war.loss_rate", "2", "params.war.loss_rate: must lie in [0.0, 1.0]"),
        ("params.war.loss_rate", "x", "params.war.loss_rate: not a number"),
        ("page", "admin", "page: must be one of learn, explore, history, glossary"),
        ("regimes", "anarchy", "regimes: must be one of"),
        ("seed", "-1", "seed: out of range"),
    ],
)
def test_a_bad_field_is_dropped_with_its_reason(key: str, value: str, reason: str) -> None:
    s, problems = urlstate.decode({key: value})
    assert len(problems) == 1
    assert problems[0].startswith(reason)
    assert s == urlstate.defaults() | {"params": {}, "pred": {}}


def test_every_parameter_of_the_schema_can_be_in_the_url() -> None:
    query = {row["path"]: str(row["default"]).lower() for row in parameter_table()}
    s, problems = urlstate.decode(query)
    assert problems == []
    assert len(s["params"]) == len(parameter_table())


# --------------------------------------------------------------------------- content


def test_sections_split_on_markers() -> None:
    text = "# Title\n<!-- section: intro -->\nHello\n\n<!-- section: try -->\n- a\n"
    assert content.parse_sections(text) == {"title": "Title", "intro": "Hello", "try": "- a"}


def test_a_chapter_file_without_title_is_an_error() -> None:
    with pytest.raises(CollsecError, match="title line"):
        content.parse_sections("no title\n")


def test_a_section_named_twice_is_an_error() -> None:
    with pytest.raises(CollsecError, match="appears twice"):
        content.parse_sections("# T\n<!-- section: intro -->\na\n<!-- section: intro -->\nb\n")


@pytest.mark.parametrize("number", [c.number for c in CHAPTERS])
def test_every_chapter_has_the_same_sections_in_both_languages(number: int) -> None:
    en = content.parse_sections(
        (content._folder() / "en" / f"ch{number}.md").read_text(encoding="utf-8")
    )
    id_ = content.parse_sections(
        (content._folder() / "id" / f"ch{number}.md").read_text(encoding="utf-8")
    )
    assert set(en) == set(id_) == {"title", "intro", "try", "debrief"}
    assert en["title"] != id_["title"]


def test_glossary_has_every_term_in_both_languages() -> None:
    entries = content.glossary()
    assert len(entries) >= 15
    assert {"collective security", "collective defence", "veto"} <= {
        e["en"]["term"] for e in entries
    }


# --------------------------------------------------------------------------- words


def test_a_failed_condition_in_words() -> None:
    line = words.sentence("O4", 0.8, False)
    assert line == (
        "the coalition's power was 0.8 times the aggressor's: "
        "Organski's fourth assumption (sufficient power) failed"
    )


def test_a_crisis_row_in_words_failed_first() -> None:
    row = {f"{c}_value": 1.0 for c in ("O1", "O2", "O3", "O4", "O5", "M1", "M2", "M3")}
    row |= {f"{c}_holds": True for c in ("O1", "O2", "O3", "O4", "O5", "M1", "M2", "M3")}
    row["M1_value"], row["M1_holds"] = 0.5, False
    row["M2_value"], row["M2_holds"] = float("nan"), None
    v = words.verdicts_of_row(row)
    assert words.headline(v) == "Failed: M1. Held: O1, O2, O3, O4, O5, M3."
    lines = words.explain(v)
    assert lines[0].startswith("the force the system could muster was only 0.5 times")
    assert any(line.startswith("M2 (a shared view of the order): does not apply") for line in lines)


def test_words_follow_the_language() -> None:
    set_thread_language("id")
    assert words.sentence("O5", 1.0, True).startswith("agresor tercegah atau dikalahkan")


def test_thread_language_is_the_threads_own() -> None:
    seen: dict[str, str] = {}

    def speak(lang: str) -> None:
        set_thread_language(lang)
        seen[lang] = _("error")

    threads = [threading.Thread(target=speak, args=(lang,)) for lang in ("en", "id")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"en": "error", "id": "galat"}
    assert _("error") == "error"  # this thread chose nothing


# --------------------------------------------------------------------------- answers


def _cmp(values: dict[str, list[float]]) -> SimpleNamespace:
    """Stand-in results whose ``intervals()`` are the given (mean, low, high)."""
    return SimpleNamespace(
        results={
            k: SimpleNamespace(intervals=lambda v=v: {"war_rate": tuple(v)})
            for k, v in values.items()
        }
    )


def test_a_ranking_is_answered_by_the_option_clear_of_the_others() -> None:
    q = Question("q", "?", "war_rate", "highest", ("a", "b", "c"))
    cmp = _cmp({"a": [1.0, 0.9, 1.1], "b": [0.1, 0.0, 0.2], "c": [0.5, 0.4, 0.6]})
    assert runs.answer(q, cmp) == "a"
    low = Question("q", "?", "war_rate", "lowest", ("a", "b", "c"))
    assert runs.answer(low, cmp) == "b"


def test_overlapping_intervals_give_no_clear_difference() -> None:
    q = Question("q", "?", "war_rate", "highest", ("a", "b"))
    assert runs.answer(q, _cmp({"a": [1.0, 0.5, 1.5], "b": [0.9, 0.4, 1.4]})) == NO_DIFFERENCE


@pytest.mark.parametrize(
    ("verdict", "pick", "expected"),
    [
        ("holds", "highest", "self_help"),
        ("holds", "lowest", "collective_security"),
        ("fails", "highest", "collective_security"),
        ("undecided", "highest", NO_DIFFERENCE),
    ],
)
def test_a_question_between_two_regimes_is_answered_by_its_finding(
    verdict: str, pick: str, expected: str
) -> None:
    """C14: arms share, self-help minus collective security; holds means self-help arms more."""
    from collsec import findings

    contrast = runs.contrast_of("arms_share")
    f = findings.Finding(contrast.claim, _(contrast.statement), 0.03, (0.01, 0.05), verdict)
    q = Question("arms", "?", "arms_share", pick, ("self_help", "collective_security"))
    # The ranking would say the opposite: the finding decides.
    cmp = _cmp({})
    assert runs.answer(q, cmp, [f]) == expected


def test_overrides_reach_into_lists() -> None:
    sc = runs.apply_overrides(
        load_scenario("default"), {"arrangements.0.members": "all_but_great_powers"}
    )
    assert sc.arrangements[0].members == "all_but_great_powers"
    with pytest.raises(CollsecError, match="no such parameter"):
        runs.apply_overrides(sc, {"arrangements.5.members": "all"})


def test_every_chapter_variant_is_a_valid_scenario() -> None:
    for ch in CHAPTERS:
        for v in ch.variants:
            sc = runs.variant_scenario(ch, v.key)
            assert sc.replications == ch.replications
            assert runs.refusal(sc, [v.regime]) is None


def test_a_long_run_is_refused_with_its_time() -> None:
    sc = load_scenario("default").replace(replications=2_000, horizon=200)
    reason = runs.refusal(sc, ["self_help", "collective_security"])
    assert reason is not None
    assert reason.startswith("2000 replications x 200 years x 40 states x 2 regime(s) would take")


def test_a_run_beyond_the_memory_is_refused_with_its_size() -> None:
    sc = load_scenario("default").replace(replications=10_000_000, horizon=100_000)
    reason = runs.refusal(sc, ["self_help"])
    assert reason is not None
    assert "more than the" in reason


# --------------------------------------------------------------------------- upload


def test_a_valid_upload_is_a_scenario() -> None:
    sc, problems = upload_problems("s.yaml", load_scenario("default").to_yaml().encode())
    assert problems == []
    assert sc is not None


def test_an_invalid_upload_lists_every_field_and_reason() -> None:
    data = load_scenario("default").to_yaml().replace("loss_rate: 0.1", "loss_rate: 2")
    data = data.replace("horizon: 200", "horizon: 0")
    sc, problems = upload_problems("bad.yaml", data.encode())
    assert sc is None
    assert "params.war.loss_rate: Input should be less than or equal to 1" in problems
    assert "horizon: Input should be greater than or equal to 1" in problems


@pytest.mark.parametrize(
    ("name", "raw", "reason"),
    [
        ("s.txt", b"x", "s.txt: use a .yaml, .toml or .json file"),
        ("s.yaml", b"\xff\xfe", "s.yaml: not a text file (UTF-8)"),
        ("s.yaml", b"a: [1,", "s.yaml:"),
        ("s.yaml", b"- 1\n- 2\n", "s.yaml: a scenario must be a mapping of fields"),
    ],
)
def test_an_unreadable_upload_is_one_reason(name: str, raw: bytes, reason: str) -> None:
    sc, problems = upload_problems(name, raw)
    assert sc is None
    assert problems[0].startswith(reason)


# --------------------------------------------------------------------------- command


def test_server_is_local_headless_and_sends_no_statistics() -> None:
    cmd = commands.server_command(8600)
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert flags["--server.address"] == "127.0.0.1"
    assert flags["--server.port"] == "8600"
    assert flags["--browser.gatherUsageStats"] == "false"
    assert flags["--server.headless"] == "true"
    assert cmd[3] == "run"
    assert cmd[4] == str(commands.APP)


def test_host_is_what_the_user_asks_for() -> None:
    cmd = commands.server_command(8600, "0.0.0.0")
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"


def test_server_environment_carries_language_and_data(tmp_path: object) -> None:
    from pathlib import Path

    env = commands.server_environment("id", Path(str(tmp_path)))
    assert env["COLLSEC_LANG"] == "id"
    assert env["COLLSEC_DATA_DIR"] == str(Path(str(tmp_path)).resolve())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "0"], "--port: must be a port number from 1 to 65535, not 0"),
        (["--lang", "fr"], "--lang: must be one of en, id, not 'fr'"),
        (["--data-dir", "/no/such/folder"], "is not a folder"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    from collsec.cli import app

    out = CliRunner().invoke(app, ["dashboard", *args])
    assert out.exit_code == 2
    assert message in out.output
    assert "Traceback" not in out.output


def test_without_streamlit_the_command_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from collsec.cli import app

    real = commands.importlib.util.find_spec
    monkeypatch.setattr(
        commands.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "streamlit" else real(name, *a),
    )
    out = CliRunner().invoke(app, ["dashboard"])
    assert out.exit_code == 2
    assert 'needs Streamlit: pip install "collsec[dashboard]"' in out.output


def test_a_taken_port_is_refused_before_the_server_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    """QA 20: a busy port used to print "Serving..." and then exit 1."""
    import socket

    from collsec.cli import app

    started: list[list[str]] = []
    monkeypatch.setattr(commands.os, "execve", lambda *a: started.append(list(a[1])))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        res = CliRunner().invoke(app, ["dashboard", "--port", str(port)])
    assert res.exit_code == 2, res.output
    assert f"port {port} cannot be used" in res.output
    assert "Serving" not in res.output
    assert started == []


def test_the_server_takes_the_commands_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """QA 26: the server replaces the process (exec), so stopping collsec stops it."""
    from collsec.cli import app

    started: list[list[str]] = []

    def fake_exec(path: str, argv: list[str], env: dict[str, str]) -> None:
        started.append(argv)
        raise SystemExit(0)

    monkeypatch.setattr(commands.os, "execve", fake_exec)
    with socket_free_port() as port:
        res = CliRunner().invoke(app, ["dashboard", "--port", str(port), "--lang", "id"])
    assert res.exit_code == 0, res.output
    assert len(started) == 1
    assert started[0][:4] == [commands.sys.executable, "-m", "streamlit", "run"]
    assert "--server.port" in started[0]


@contextlib.contextmanager
def socket_free_port() -> Iterator[int]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    yield port
