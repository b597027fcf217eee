"""Every code snippet of the documentation runs (docs/**/*.md and README.md).

The convention (also in CONTRIBUTING.md and on the site's home page):

- A ```` ```python ```` block runs. The blocks of one page run in order, in one
  namespace, in a fresh temporary folder, so a later block may use what an
  earlier one defined or wrote.
- A ```` ```bash ```` block whose first command is ``collsec`` runs: each
  command (lines joined at a trailing ``\\``, ``#`` comments dropped, ``&&``
  separating commands, ``> FILE`` redirecting standard output) is the program
  ``python -m collsec`` runs, :func:`collsec.cli.main`, called in this process
  with those arguments, and must exit 0. Runs are kept small: ``compare`` and
  ``run`` get at most 4 replications and 20 years, ``case`` at most 200 draws,
  ``validate`` at most 2 replications (added when the snippet gives none);
  ``compare`` and ``run`` draw no PNG plots (``--no-plots``; the plots have
  their own tests); and a bare ``collsec`` runs as the ``collsec compare
  default`` it stands for, small. ``COLLSEC_DOCS_SUBPROCESS=1`` runs each
  command as a child ``python -m collsec`` process instead (slower by the
  interpreter's start-up per command). Only ``collsec`` commands, ``&&`` and
  ``> FILE`` are accepted: any other shell syntax is refused, so a snippet
  cannot silently do less than it says. A ``bash`` block that starts with anything else
  (``pip``, ``python``) is not run; nor are ``console`` and ``text`` blocks
  (transcripts and templates).
- ``<!-- file: NAME -->`` on the line before a block writes the block's text
  to ``NAME`` in the page's folder (a scenario, a sweep spec, a case book the
  next commands read); it is written, not run.
- ``<!-- no-test: REASON -->`` on the line before a block skips it; the
  reason is required and is shown in the documentation's source. Keep such
  blocks few (a Dask cluster, a network download).

A page whose snippets read the Correlates of War data (a ``case``,
``cases``, ``validate`` or ``data`` command, or Python that reads
``COLLSEC_DATA_DIR`` or imports ``collsec.data`` or ``collsec.history``) runs
with ``COLLSEC_DATA_DIR`` set to the shared data folder ``<repo>/../shared/data``
(each data set in its subfolder: ``cow/``, ``icb/``, ``unga/``, ``ties/``,
``unsc/``) and is skipped, with the reason, where its COW files are absent. Every run is
seeded: a snippet gives ``--seed`` / ``seed=``, or the scenario's own seed is
used.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = (REPO / ".." / "shared" / "data").resolve()
COW_DIR = DATA_DIR / "cow"
PAGES = [*sorted((REPO / "docs").rglob("*.md")), REPO / "README.md"]

FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w+-]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*(?P<kind>no-test|file):\s*(?P<value>.*?)\s*-->\s*$")
DATA_COMMANDS = {"case", "cases", "validate", "data"}
DATA_PYTHON = re.compile(
    r"COLLSEC_DATA_DIR|collsec\.data|collsec\.history|from collsec import data"
)

# Largest runs a snippet may ask for here: option -> cap, per command.
CAPS: dict[str, dict[str, int]] = {
    "compare": {"--reps": 4, "--years": 20},
    "run": {"--reps": 4, "--years": 20},
    "case": {"--draws": 200},
    "validate": {"--reps": 2},
}
NO_PLOTS = {"compare", "run"}
"""Commands whose PNG plots a snippet run skips (``--no-plots``)."""


@dataclass
class Block:
    """One fenced block of a page."""

    page: Path
    line: int
    lang: str
    text: str
    no_test: str | None = None
    file: str | None = None

    @property
    def where(self) -> str:
        page = self.page.relative_to(REPO) if self.page.is_relative_to(REPO) else self.page
        return f"{page}:{self.line}"

    @property
    def runs_collsec(self) -> bool:
        return self.lang == "bash" and _first_command(self.text).startswith("collsec")

    @property
    def runnable(self) -> bool:
        return (
            self.file is None
            and self.no_test is None
            and (self.lang == "python" or self.runs_collsec)
        )


@dataclass
class Page:
    path: Path
    blocks: list[Block] = field(default_factory=list)
    markers: list[tuple[int, str, str]] = field(default_factory=list)


def _first_command(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped
    return ""


def parse_page(path: Path) -> Page:
    """The fenced blocks of a Markdown page, with the marker on the line before each."""
    page = Page(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = MARKER.match(lines[i])
        if m:
            page.markers.append((i + 1, m["kind"], m["value"]))
        open_ = FENCE.match(lines[i])
        if not open_:
            i += 1
            continue
        indent, lang = open_["indent"], open_["lang"]
        body: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j])
            j += 1
        block = Block(path, i + 1, lang, "\n".join(body) + "\n")
        prev = MARKER.match(lines[i - 1]) if i > 0 else None
        if prev:
            if prev["kind"] == "no-test":
                block.no_test = prev["value"]
            else:
                block.file = prev["value"]
        page.blocks.append(block)
        i = j + 1
    return page


# --------------------------------------------------------------------------- bash


def _cap(argv: list[str]) -> list[str]:
    """Shrink (or add) the run-size options of one ``collsec`` command."""
    if not argv:  # the bare command is `collsec compare default`
        argv = ["compare", "default"]
    caps = CAPS.get(argv[0], {})
    out = list(argv)
    for option, cap in caps.items():
        if option in out:
            k = out.index(option) + 1
            out[k] = str(min(int(out[k]), cap))
        else:
            out += [option, str(cap)]
    if argv[0] in NO_PLOTS and "--no-plots" not in out:
        out.append("--no-plots")  # drawing PNGs is tested in tests/unit/test_plots.py
    return out


def collsec_commands(block: Block) -> list[tuple[list[str], str | None]]:
    """(arguments after ``collsec``, file receiving stdout or None) for each command."""
    joined = re.sub(r"\\\n", " ", block.text)
    commands: list[tuple[list[str], str | None]] = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        current: list[str] = []
        for word in [*words, "&&"]:
            if word != "&&":
                current.append(word)
                continue
            if not current:
                continue
            target = None
            if len(current) >= 2 and current[-2] == ">":
                target, current = current[-1], current[:-2]
            bad = [w for w in current if w in {"|", ";", ">", ">>", "<", "&", "||"} or "$" in w]
            if current[0] != "collsec" or bad:
                raise AssertionError(
                    f"{block.where}: only `collsec ...` commands, `&&` and `> FILE` can be run "
                    f"here, not {' '.join(current)!r}; simplify the snippet or mark it "
                    "<!-- no-test: reason -->"
                )
            commands.append((_cap(current[1:]), target))
            current = []
    return commands


SUBPROCESS = os.environ.get("COLLSEC_DOCS_SUBPROCESS", "") not in ("", "0")
"""``COLLSEC_DOCS_SUBPROCESS=1``: run each command as a real ``python -m collsec``
process (slower by the interpreter's start-up per command, about 2 s here)."""


def run_collsec(
    argv: list[str], target: str | None, where: str, *, subprocess: bool = False
) -> None:
    """Run ``collsec ARGV`` as ``python -m collsec`` would; it must exit 0.

    In this process (:func:`collsec.cli.main`, the function ``python -m collsec``
    calls) by default, or as a child process with ``subprocess=True``.
    """
    if subprocess:
        import subprocess as sp

        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")])
            ),
        }
        proc = sp.run(
            [sys.executable, "-m", "collsec", *argv],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        code: int | str | None = proc.returncode
        out_text, err_text = proc.stdout, proc.stderr
    else:
        from collsec.cli import main

        out = io.StringIO()
        err = io.StringIO()
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(argv)
            except SystemExit as stop:
                code = stop.code
        out_text, err_text = out.getvalue(), err.getvalue()
    if code not in (0, None):
        raise AssertionError(
            f"{where}: `collsec {' '.join(argv)}` exited {code}\n{err_text[-2000:]}"
        )
    if target is not None:
        Path(target).write_text(out_text, encoding="utf-8")


# --------------------------------------------------------------------------- pages


def needs_data(page: Page) -> bool:
    for block in page.blocks:
        if not block.runnable:
            continue
        if block.lang == "python" and DATA_PYTHON.search(block.text):
            return True
        if block.runs_collsec and any(
            argv[0] in DATA_COMMANDS for argv, _ in collsec_commands(block)
        ):
            return True
    return False


PARSED = [parse_page(p) for p in PAGES if p.is_file()]
RUNNABLE = [p for p in PARSED if any(b.runnable for b in p.blocks)]


@pytest.mark.parametrize("page", RUNNABLE, ids=[str(p.path.relative_to(REPO)) for p in RUNNABLE])
def test_the_snippets_of_a_page_run(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if needs_data(page):
        if not (COW_DIR / "system2016.csv").is_file():
            reason = f"{page.path.name}: Correlates of War data not found at {COW_DIR}"
            print(reason)
            pytest.skip(reason)
        monkeypatch.setenv("COLLSEC_DATA_DIR", str(DATA_DIR))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COLLSEC_LANG", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from collsec.i18n import set_language

    # A real module, so that a snippet's dataclass (or pickle) can find its own module.
    module = types.ModuleType("collsec_docs_snippets")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    try:
        for block in page.blocks:
            if block.file is not None:
                Path(block.file).write_text(block.text, encoding="utf-8")
            elif not block.runnable:
                continue
            elif block.lang == "python":
                exec(compile(block.text, block.where, "exec"), module.__dict__)
            else:
                for argv, target in collsec_commands(block):
                    run_collsec(argv, target, block.where, subprocess=SUBPROCESS)
    finally:
        plt.close("all")
        set_language(None)


# --------------------------------------------------------------------------- the convention


def test_every_skipped_block_says_why_and_skipped_blocks_are_few() -> None:
    skipped = [b for p in PARSED for b in p.blocks if b.no_test is not None]
    for block in skipped:
        assert block.no_test.strip(), f"{block.where}: <!-- no-test: --> needs a reason"
    # 9: the README's `collsec dashboard` starts a server (tests/browser runs it).
    assert len(skipped) <= 9, "more than 9 documentation blocks are not run: " + ", ".join(
        b.where for b in skipped
    )


def test_every_marker_sits_just_before_a_block() -> None:
    for page in PARSED:
        attached = {b.line - 1 for b in page.blocks if b.no_test is not None or b.file}
        for line, kind, _value in page.markers:
            assert line in attached, (
                f"{page.path.relative_to(REPO)}:{line}: <!-- {kind}: --> must be on the line "
                "just before a fenced block"
            )


def test_the_tutorials_and_guides_have_snippets_that_run() -> None:
    for folder in ("tutorials", "how-to"):
        for path in sorted((REPO / "docs" / folder).glob("*.md")):
            page = parse_page(path)
            assert any(b.runnable for b in page.blocks), f"{path}: no snippet is run"


def test_a_command_snippet_is_capped_and_parsed(tmp_path: Path) -> None:
    block = Block(
        tmp_path / "x.md",
        1,
        "bash",
        "collsec compare default --reps 100 --seed 1 \\\n  --out a  # a comment\n"
        "collsec scenario show default > my.yaml && collsec case --org un --year 1990 "
        "--aggressor 645 --victim 690\ncollsec\n",
    )
    assert collsec_commands(block) == [
        (
            shlex.split("compare default --reps 4 --seed 1 --out a --years 20 --no-plots"),
            None,
        ),
        (["scenario", "show", "default"], "my.yaml"),
        (shlex.split("case --org un --year 1990 --aggressor 645 --victim 690 --draws 200"), None),
        (["compare", "default", "--reps", "4", "--years", "20", "--no-plots"], None),
    ]


def test_other_shell_syntax_is_refused(tmp_path: Path) -> None:
    block = Block(tmp_path / "x.md", 1, "bash", "collsec compare --json | jq .\n")
    with pytest.raises(AssertionError, match="only `collsec"):
        collsec_commands(block)


def test_a_failing_command_fails_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AssertionError, match="exited 2"):
        run_collsec(["compare", "no-such-scenario"], None, "x.md:1")


def test_a_command_runs_the_same_as_a_python_m_collsec_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COLLSEC_LANG", raising=False)
    run_collsec(["scenario", "show", "interwar"], "in-process.yaml", "x.md:1")
    run_collsec(["scenario", "show", "interwar"], "child.yaml", "x.md:1", subprocess=True)
    assert Path("in-process.yaml").read_text() == Path("child.yaml").read_text()
    assert "name: interwar" in Path("child.yaml").read_text()


def test_markers_and_files_are_read(tmp_path: Path) -> None:
    page_file = tmp_path / "p.md"
    page_file.write_text(
        "<!-- file: spec.yaml -->\n```yaml\na: 1\n```\n\n"
        "<!-- no-test: needs a cluster -->\n```bash\ncollsec sweep x\n```\n\n"
        "```python\nprint(1)\n```\n\n```console\n$ collsec\n```\n",
        encoding="utf-8",
    )
    blocks = parse_page(page_file).blocks
    assert [(b.lang, b.file, b.no_test, b.runnable) for b in blocks] == [
        ("yaml", "spec.yaml", None, False),
        ("bash", None, "needs a cluster", False),
        ("python", None, None, True),
        ("console", None, None, False),
    ]
    assert blocks[0].text == "a: 1\n"


def test_data_dir_is_found_for_pages_that_read_data() -> None:
    pages = {p.path.name: p for p in PARSED}
    assert needs_data(pages["league-1935.md"])
    assert not needs_data(pages["first-comparison.md"])
    assert os.fspath(COW_DIR).endswith(os.path.join("shared", "data", "cow"))
