"""Fuzzing every parser and validator of user input (issue 13, "Fuzzing").

Scenario data and files (YAML, TOML, JSON), sweep specs (and their plans),
case books, history parameter files, Correlates of War data files, and the
command line. Inputs are valid documents mutated at random places (a value
replaced by a hostile one: NaN, infinity, a boolean, a huge or negative
number, a string, a list, a mapping, a deep nesting; a key removed or an
unknown one added), valid documents truncated, random text and random bytes
(not UTF-8). Whatever the input, it must end as a valid object or as the
documented error (:class:`~collsec.errors.CollsecError`, with the file or the
field it is in, and a reason); at the command line as exit code 2 with no
traceback. Any other exception fails the test with the input that caused it.

Two tiers: a quick one in the default run (a few hundred inputs), and the
slow one (``-m slow``, more than 10,000 inputs in all). The conftest prints
the count per parser at the end of the run.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from collsec import cli
from collsec.data.loaders import load
from collsec.data.registry import load_registry
from collsec.data.schemas import SCHEMAS
from collsec.errors import CollsecError
from collsec.experiments.spec import load_spec, plan, spec_from_data
from collsec.history.evaluate import REQUIRED, read_case_book
from collsec.history.worlds import load_history_params
from collsec.scenario import load_scenario, scenario_from_data

Record = Callable[[str, str], None]

QUICK = {
    "scenario-data": 60,
    "scenario-file": 60,
    "sweep-spec": 30,
    "case-book": 50,
    "history-params": 40,
    "data-file": 30,
    "cli": 15,
}
SLOW = {
    "scenario-data": 3000,
    "scenario-file": 2000,
    "sweep-spec": 1500,
    "case-book": 1500,
    "history-params": 1000,
    "data-file": 1000,
    "cli": 150,
}
assert sum(SLOW.values()) >= 10_000

TIERS = [
    pytest.param(QUICK, id="quick"),
    pytest.param(SLOW, id="slow", marks=pytest.mark.slow),
]

BASE_SCENARIOS = [load_scenario(n).to_dict() for n in ("default", "interwar", "un-charter")]
SWEEP_EXAMPLE = yaml.safe_load(
    (Path(load_spec.__code__.co_filename).parent / "examples" / "sweep.yaml").read_text("utf-8")
)
TINY_SWEEP: dict[str, Any] = {
    "name": "tiny",
    "base": {"world": {"kind": "generated", "n_states": 6, "n_great_powers": 1}},
    "parameters": [{"path": "params.response.free_riding", "low": 0.0, "high": 1.0}],
    "design": {"kind": "random", "samples": 4},
    "replications": 2,
    "years": 5,
}
BUNDLED_PARAMS = yaml.safe_load(
    (Path(load_history_params.__code__.co_filename).parent / "params.yaml").read_text("utf-8")
)


def _deep(levels: int) -> Any:
    node: Any = 1
    for _ in range(levels):
        node = [node]
    return node


SPECIAL = [
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -0.0,
    10**30,
    -(10**30),
    2**63,
    -1,
    0,
    "",
    "1",
    "nan",
    "true",
    "none",
    "é\u0000",
    [],
    {},
    _deep(70),
    _deep(100),
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(SPECIAL),
)
hostile = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(root: Any) -> list[tuple[Any, ...]]:
    """Every place in a document, as a key path (without recursion: documents nest deep)."""
    out: list[tuple[Any, ...]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, prefix = stack.pop()
        out.append(prefix)
        if len(prefix) > 12:
            continue  # inside a hostile nesting: its top is place enough
        if isinstance(node, dict):
            stack.extend((v, (*prefix, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*prefix, i)) for i, v in enumerate(node))
    return sorted(out, key=repr)


@st.composite
def mutated(draw: st.DrawFn, bases: list[dict[str, Any]]) -> Any:
    """A base document with one to three random places replaced, removed or added."""
    data = copy.deepcopy(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            return copy.deepcopy(draw(hostile))
        path = draw(st.sampled_from(paths))
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "replace", "remove", "add"]))
        # Copies: a drawn value may be one of the SPECIAL objects, which a
        # later mutation of this document must not change.
        if action == "replace":
            parent[path[-1]] = copy.deepcopy(draw(hostile))
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = copy.deepcopy(draw(hostile))
        else:
            parent.append(copy.deepcopy(draw(hostile)))
    return data


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return (
            "nan" if v != v else ("inf" if v == math.inf else "-inf" if v == -math.inf else repr(v))
        )
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v if x is not None) + "]"
    if isinstance(v, dict):
        inner = ", ".join(
            f"{json.dumps(str(k))} = {_toml_value(x)}" for k, x in v.items() if x is not None
        )
        return "{" + inner + "}"
    return '""'


def to_toml(data: Any) -> str:
    """A TOML document for a mapping (inline tables; TOML has no null, so None is left out)."""
    if not isinstance(data, dict):
        return _toml_value(data)
    return "".join(
        f"{json.dumps(str(k))} = {_toml_value(v)}\n" for k, v in data.items() if v is not None
    )


def dump(data: Any, fmt: str) -> str:
    """``data`` in the format; a document too deep for the writer becomes a deep text."""
    try:
        if fmt == "json":
            return json.dumps(data)
        if fmt == "toml":
            return to_toml(data)
        return yaml.safe_dump(data)
    except RecursionError:
        return ("a = " if fmt == "toml" else "") + "[" * 500 + "]" * 500


@st.composite
def documents(
    draw: st.DrawFn, bases: list[dict[str, Any]], suffixes: list[str]
) -> tuple[str, bytes]:
    """(suffix, file content): a mutated, truncated, random or non-UTF-8 document."""
    suffix = draw(st.sampled_from(suffixes))
    fmt = {".json": "json", ".toml": "toml"}.get(suffix, "yaml")
    how = draw(st.sampled_from(["mutated", "mutated", "truncated", "text", "bytes", "deep"]))
    if how == "deep":
        k = draw(st.sampled_from([65, 1000, 5000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}"), ('{"a": ', "}")]))
        body = opener * k + "1" + closer * k
        return suffix, (body if fmt != "toml" else "a = " + body.replace(":", " =")).encode()
    if how == "mutated":
        return suffix, dump(draw(mutated(bases)), fmt).encode("utf-8", "surrogatepass")
    if how == "truncated":
        text = dump(draw(st.sampled_from(bases)), fmt)
        return suffix, text[: draw(st.integers(0, len(text)))].encode()
    if how == "text":
        return suffix, draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")
    return suffix, draw(st.binary(max_size=200))


def documented(err: CollsecError) -> None:
    """The error names where (a file or a field) and why."""
    text = err.render()
    assert err.message.strip(), text
    assert err.source or err.field, text
    assert "Traceback" not in text


def outcome(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    try:
        fn(*args, **kwargs)
    except CollsecError as err:
        documented(err)
        return "refused"
    return "valid"


def fuzz(n: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


# --------------------------------------------------------------------------- scenarios


@pytest.mark.parametrize("tier", TIERS)
def test_scenario_data(tier: dict[str, int], fuzz_count: Record) -> None:
    @fuzz(tier["scenario-data"])
    @given(mutated(BASE_SCENARIOS))
    def one(data: Any) -> None:
        fuzz_count("scenario data", outcome(scenario_from_data, data, "fuzz"))

    one()


def fuzz_files(
    n: int,
    docs: st.SearchStrategy[tuple[str, bytes]],
    stem: Path,
    loader: Callable[[Path], Any],
    count: Callable[[str], None],
) -> None:
    """Write each generated document as ``stem`` + its suffix and load it."""

    @fuzz(n)
    @given(docs)
    def one(doc: tuple[str, bytes]) -> None:
        suffix, content = doc
        path = stem.with_suffix(suffix)
        path.write_bytes(content)
        count(outcome(loader, path))

    one()


@pytest.mark.parametrize("tier", TIERS)
def test_scenario_files(tier: dict[str, int], fuzz_count: Record, workdir: Path) -> None:
    docs = documents(BASE_SCENARIOS, [".yaml", ".yml", ".json", ".toml"])
    fuzz_files(
        tier["scenario-file"],
        docs,
        workdir / "scenario",
        load_scenario,
        lambda result: fuzz_count("scenario file", result),
    )


# --------------------------------------------------------------------------- sweep specs


def _spec_and_plan(data: Any) -> None:
    plan(spec_from_data(data, "fuzz"))


@pytest.mark.parametrize("tier", TIERS)
def test_sweep_specs(tier: dict[str, int], fuzz_count: Record, workdir: Path) -> None:
    bases = [SWEEP_EXAMPLE, TINY_SWEEP]

    @fuzz(tier["sweep-spec"])
    @given(st.booleans(), mutated(bases), documents(bases, [".yaml", ".json", ".toml"]))
    def one(as_data: bool, data: Any, doc: tuple[str, bytes]) -> None:
        if as_data:
            fuzz_count("sweep spec (and plan)", outcome(_spec_and_plan, data))
            return
        suffix, content = doc
        path = workdir / f"spec{suffix}"
        path.write_bytes(content)
        fuzz_count("sweep spec file", outcome(lambda: plan(load_spec(path))))

    one()


# --------------------------------------------------------------------------- case books

CELL = st.one_of(
    st.sampled_from(
        ["1950", "un", "league", "731", "732;2", "", "yes", "no", "military", "partial"]
    ),
    st.sampled_from(["3000", "-5", "1e9", "99999999999999999999", "nan", " 2 ", "0x10", "٣"]),
    st.text(max_size=10),
)


def csv_table(draw: st.DrawFn, header: list[str], cell: st.SearchStrategy[str], rows: int) -> str:
    """A CSV text: ``header`` and up to ``rows`` rows of ``cell`` values, maybe truncated."""
    body = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), max_size=rows))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(body)
    text = buf.getvalue()
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text


@st.composite
def case_books(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    columns = [*list(REQUIRED), "summary"]
    header = draw(st.permutations(columns))
    header = header[: draw(st.integers(len(header) - 2, len(header)))]
    text = csv_table(draw, list(header), CELL, 4)
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("tier", TIERS)
def test_case_books(tier: dict[str, int], fuzz_count: Record, workdir: Path) -> None:
    @fuzz(tier["case-book"])
    @given(case_books())
    def one(content: bytes) -> None:
        path = workdir / "book.csv"
        path.write_bytes(content)
        fuzz_count("case book", outcome(read_case_book, path))

    one()


# --------------------------------------------------------------------------- history parameters


@pytest.mark.parametrize("tier", TIERS)
def test_history_params(tier: dict[str, int], fuzz_count: Record, workdir: Path) -> None:
    fuzz_files(
        tier["history-params"],
        documents([BUNDLED_PARAMS], [".yaml", ".json", ".toml"]),
        workdir / "params",
        load_history_params,
        lambda result: fuzz_count("history parameters", result),
    )


# --------------------------------------------------------------------------- data files

SMALL_DATA = ("system", "majors", "states", "igo_league_un", "contiguity_master", "wars")
DATA_CELL = st.one_of(
    st.integers(-10, 3000).map(str),
    st.sampled_from(["", "NA", "-9", "1e400", "99999999999999999999", "nan", "inf", "3.5"]),
    st.sampled_from(["abc", "é", "1,5", '"', "2147483648", "-0", " 7 "]),
    st.text(max_size=6),
)


@st.composite
def data_files(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(SMALL_DATA))
    how = draw(st.sampled_from(["table", "table", "table", "bytes", "text"]))
    if how == "bytes":
        return name, draw(st.binary(max_size=300))
    if how == "text":
        return name, draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    names = [c.name for c in SCHEMAS[name].columns]
    if draw(st.booleans()):
        names = draw(st.lists(st.sampled_from([*names, "extra"]), min_size=1, max_size=len(names)))
    text = csv_table(draw, names, DATA_CELL, 5)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1"]))
    return name, text.encode(encoding, "replace")


@pytest.mark.parametrize("tier", TIERS)
def test_data_files(tier: dict[str, int], fuzz_count: Record, workdir: Path) -> None:
    registry = load_registry()
    folder = workdir / "data"
    folder.mkdir(exist_ok=True)

    @fuzz(tier["data-file"])
    @given(data_files())
    def one(case: tuple[str, bytes]) -> None:
        name, content = case
        (folder / registry[name].file).write_bytes(content)
        result = outcome(load, name, folder, verify=False, use_cache=False)
        fuzz_count("data file", result)

    one()


# --------------------------------------------------------------------------- the command line

BAD_OPTIONS = st.one_of(
    st.tuples(
        st.just("--reps"),
        st.sampled_from(["0", "-1", "10000001", "1e3", "x", "99999999999999999999999"]),
    ),
    st.tuples(st.just("--years"), st.sampled_from(["0", "100001", "-7", "", "nan"])),
    st.tuples(st.just("--seed"), st.sampled_from(["-1", "abc", "1.5"])),
    st.tuples(
        st.just("--regime"),
        st.text(min_size=1, max_size=8).filter(lambda s: s not in cli.RUN_REGIMES),
    ),
    st.tuples(st.just("--engine"), st.sampled_from(["gpu", "", "NUMPY"])),
    st.tuples(st.just("--out"), st.sampled_from(["/proc/nope/out", "/dev/null/x"])),
)


@st.composite
def bad_command_lines(draw: st.DrawFn, workdir: Path) -> list[str]:
    kind = draw(st.sampled_from(["run", "compare", "validate-file", "case", "evaluate"]))
    if kind in ("run", "compare"):
        option, value = draw(BAD_OPTIONS)
        if kind == "compare" and option == "--regime":
            option = "--regimes"
        return [kind, "default", option, value, "--no-plots"]
    if kind == "validate-file":
        suffix, content = draw(documents(BASE_SCENARIOS, [".yaml", ".json", ".toml"]))
        path = workdir / f"cli{suffix}"
        path.write_bytes(content)
        try:
            load_scenario(path)
        except CollsecError:
            return ["run", str(path), "--reps", "1", "--years", "1"]
        return ["run", str(path), "--reps", "0"]  # valid file, a bad option
    if kind == "case":
        year = draw(st.sampled_from(["-5", "0", "x", "1e3"]))
        code = draw(st.sampled_from(["abc", "", "7;x", "-3"]))
        return [
            "case",
            "--org",
            draw(st.sampled_from(["un", "nato"])),
            "--year",
            year,
            "--aggressor",
            code,
            "--victim",
            "732",
            "--draws",
            draw(st.sampled_from(["0", "-1", "10"])),
        ]
    path = workdir / "cli.csv"
    path.write_bytes(draw(case_books()))
    try:
        rows = read_case_book(path)
    except CollsecError:
        return ["cases", "evaluate", str(path)]
    return (
        ["cases", "evaluate", str(path), "--params", str(workdir / "missing.yaml")]
        if rows
        else ["cases", "evaluate", str(path)]
    )


@pytest.mark.parametrize("tier", TIERS)
def test_command_line(tier: dict[str, int], fuzz_count: Record, workdir: Path) -> None:
    runner = CliRunner(env={"COLLSEC_LANG": "en", "COLUMNS": "200"})

    @fuzz(tier["cli"])
    @given(bad_command_lines(workdir))
    def one(args: list[str]) -> None:
        res = runner.invoke(cli.app, args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output, (args, res.output)
        assert res.exception is None or isinstance(res.exception, SystemExit), (args, res.exception)
        fuzz_count("command line (exit 2)", "refused")

    one()
