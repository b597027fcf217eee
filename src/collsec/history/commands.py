"""Commands of the history subpackage: ``case``, ``cases evaluate``, ``validate``.

:func:`register` adds them to the main ``collsec`` app (``collsec.cli`` calls
it). Tables and JSON go to stdout, progress and notes to stderr; a
:class:`~collsec.errors.CollsecError` becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import difflib
import json
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from collsec import data
from collsec.atomic import staged_folder, write_text
from collsec.console import (
    TranslatedCommand,
    TranslatedGroup,
    guarded,
    stderr_console,
    stdout_console,
)
from collsec.errors import CollsecError, UnknownNameError
from collsec.history.cases import Case, CasePrediction, check_draws, predict_case
from collsec.history.evaluate import (
    OUTCOMES,
    check_variant,
    evaluate_book,
    read_case_book,
    resolve_case_book,
    trust_sentence,
)
from collsec.history.icb_command import register as register_from_icb
from collsec.history.worlds import describe_data_years, load_history_params
from collsec.i18n import N_, _

F = TypeVar("F", bound=Callable[..., Any])

_DATA_HELP = N_("Folder of the Correlates of War files (else $COLLSEC_DATA_DIR, else the cache).")


_CASE_ORG = typer.Option(..., "--org", help=N_("league or un"))
_CASE_YEAR = typer.Option(..., "--year", help=N_("year of the crisis"))
_CASE_AGGRESSOR = typer.Option(
    ...,
    "--aggressor",
    help=N_("aggressor states, ';'-separated: COW codes or abbreviations (325 or ITA)"),
)
_CASE_VICTIM = typer.Option(
    ..., "--victim", help=N_("victim state: a COW code or abbreviation (530 or ETH)")
)
_CASE_ABSENT = typer.Option("", "--absent", help=N_("council members absent, ';'-separated"))
_CASE_ADD_MEMBER = typer.Option([], "--add-member", help=N_("counterfactual: add a member"))
_CASE_REMOVE_MEMBER = typer.Option(
    [], "--remove-member", help=N_("counterfactual: remove a member")
)
_CASE_RULE = typer.Option(
    None, "--rule", help=N_("counterfactual rule: automatic|unanimity|majority|council")
)
_CASE_DRAWS = typer.Option(None, "--draws", help=N_("Monte Carlo draws"))
_CASE_SEED = typer.Option(None, "--seed", help=N_("seed of the draws"))
_CASE_DATA_DIR = typer.Option(None, "--data-dir", help=_DATA_HELP)
_CASE_AS_JSON = typer.Option(False, "--json", help=N_("print one JSON object"))
_PARAMS_HELP = N_("history parameter file (YAML, as the bundled params.yaml); else the bundled one")
_CASE_PARAMS = typer.Option(None, "--params", help=_PARAMS_HELP)
_EVALUATE_PARAMS = typer.Option(None, "--params", help=_PARAMS_HELP)
_EVALUATE_FILE = typer.Argument(
    ...,
    help=N_(
        "case book (CSV, shared/data/cases/README.md schema), "
        "or a bundled book: heldout, heldout2, heldout3"
    ),
)
_EVALUATE_DATA_DIR = typer.Option(None, "--data-dir", help=_DATA_HELP)
_EVALUATE_BASE_RATES = typer.Option(
    None,
    "--base-rates-from",
    help=N_(
        "case book whose label frequencies are the skill scores' reference (default: the book)"
    ),
)
_EVALUATE_TRAIN_TO = typer.Option(
    None, "--train-to", help=N_("time split: fit on the crises to this year (at most 1999)")
)
_EVALUATE_TEST_FROM = typer.Option(
    None, "--test-from", help=N_("time split: score the crises from this year")
)
_EVALUATE_VARIANT = typer.Option(
    None,
    "--variant",
    help=N_(
        "time split: probability model variant (default: chosen by cross-validation "
        "within the training years)"
    ),
)
_EVALUATE_AS_JSON = typer.Option(False, "--json", help=N_("print one JSON object"))
_VALIDATE_DATA_DIR = typer.Option(None, "--data-dir", help=_DATA_HELP)
_VALIDATE_REPS = typer.Option(40, "--reps", help=N_("replications per run"))
_VALIDATE_SEED = typer.Option(20261127, "--seed", help=N_("seed of the runs"))
_VALIDATE_OUT = typer.Option(None, "--out", help=N_("folder for the plot"))
_VALIDATE_AS_JSON = typer.Option(False, "--json", help=N_("print one JSON object"))
_VALIDATE_POWER = typer.Option(
    None,
    "--power-measure",
    help=N_("capability of the starting worlds: cinc or usable (default: params.yaml)"),
)
_VALIDATE_REVISIONISM = typer.Option(
    None,
    "--revisionism",
    help=N_("revisionism: constant (state default) or mids (default: params.yaml)"),
)
_VALIDATE_SIMILARITY = typer.Option(
    None,
    "--similarity",
    help=N_("interest similarity: alliances or unga (default: params.yaml)"),
)


MAX_VALIDATE_REPS = 10_000
"""Most replications of ``validate`` (each runs the League's and the UN's decades)."""

VALIDATE_MARKER = "validation.json"
"""What ``validate`` writes beside its plot; a folder holding it may be rewritten."""


def _out() -> Console:
    return stdout_console()


def _err() -> Console:
    return stderr_console()


class _StateNames:
    """COW abbreviations (``ITA``) and names, read from the data only when one is given."""

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self._table: dict[str, tuple[str, str]] | None = None

    def table(self) -> dict[str, tuple[str, str]]:
        """Abbreviation (upper case) -> (code, name)."""
        if self._table is None:
            names = data.state_names(data_dir=self.data_dir)
            self._table = {
                str(r.stateabb).upper(): (str(int(str(r.ccode))), str(r.statenme))
                for r in names.itertuples(index=False)
            }
        return self._table

    def code(self, text: str, option: str) -> str:
        """The numeric code of ``text``, a COW code or abbreviation (any case).

        Raises
        ------
        UnknownNameError
            Naming ``option``, with the nearest abbreviations or names, if
            ``text`` is neither.
        """
        if text.isdigit():
            return str(int(text))
        table = self.table()
        found = table.get(text.upper())
        if found is not None:
            return found[0]
        by_name = {name.upper(): abb for abb, (_code, name) in table.items()}
        near = difflib.get_close_matches(text.upper(), list(table), n=5, cutoff=0.6)
        near += [by_name[n] for n in difflib.get_close_matches(text.upper(), list(by_name), n=5)]
        near = list(dict.fromkeys(near))[:5]
        if not near:
            raise UnknownNameError(
                _("{name!r} is neither a COW state code nor a COW abbreviation").format(name=text),
                field=option,
            )
        raise UnknownNameError(
            _("{name!r} is neither a COW state code nor a COW abbreviation; near: {near}").format(
                name=text,
                near=", ".join(f"{a} ({table[a][1]}, {table[a][0]})" for a in near),
            ),
            field=option,
        )


def _codes(text: str | None, option: str, states: _StateNames | None = None) -> tuple[str, ...]:
    """Split ``"325;530"``, ``"ITA,eth"`` into normalised numeric state codes.

    Abbreviations are read with ``states``; without it (the dashboard's fields)
    only numeric codes are taken.
    """
    if not text:
        return ()
    out = []
    for part in text.replace(",", ";").split(";"):
        p = part.strip()
        if not p:
            continue
        if states is None and not p.isdigit():
            raise CollsecError(
                _("{p!r} is not a COW state code (a whole number)").format(p=p), field=option
            )
        out.append(states.code(p, option) if states is not None else str(int(p)))
    return tuple(out)


_WORDS: dict[str, str] = {
    "yes": N_("yes"),
    "no": N_("no"),
    "partial": N_("partial"),
    "none": N_("none"),
    "sanctions": N_("sanctions"),
    "military": N_("military"),
    "designates": N_("designates"),
    "blocks": N_("blocks"),
    "votes no": N_("votes no"),
    "automatic": N_("automatic"),
    "unanimity": N_("unanimity"),
    "majority": N_("majority"),
    "council": N_("council"),
}
"""The labels a prediction prints (outcomes, actions, roles, rules), in the active language."""


def _word(label: str) -> str:
    """``label`` in the active language (the JSON keeps the English codes)."""
    return _(_WORDS[label]) if label in _WORDS else label


def _fmt(v: float | None, digits: int = 2) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def _print_prediction(p: CasePrediction, console: Console) -> None:
    c = p.case
    console.print(
        Text(
            _("{org} {year}: {agg} against {vic} ({rule} rule, {m} members)").format(
                org=c.org,
                year=c.year,
                agg=";".join(c.aggressors),
                vic=c.victim,
                rule=_word(p.rule),
                m=p.members,
            ),
            style="bold",
        )
    )
    # The years in the active language; the notes (which the description also
    # holds) once, below the prediction.
    console.print(Text(describe_data_years(c.org, c.year, list(p.data_years.items())), style="dim"))
    t = Table(title=_("Prediction"))
    t.add_column(_("outcome"))
    t.add_column(_("predicted"))
    t.add_column(_("probability"), justify="right")
    t.add_column(_("simulated share"), justify="right")
    prob = p.probabilities()
    t.add_row(_("designated"), _word(p.designated), _fmt(prob["designated"]), _fmt(p.p_designated))
    t.add_row(
        _("action"),
        _word(p.action),
        " / ".join(f"{_word(k)} {_fmt(v)}" for k, v in prob["action"].items()),
        " / ".join(f"{_word(k)} {_fmt(v)}" for k, v in p.p_action.items()),
    )
    t.add_row(_("reversed"), _word(p.reversed), _fmt(p.p_reversed), _fmt(p.p_reversed))
    t.caption = (
        _("probability: calibrated on the crises to 1999; simulated share: the draws")
        if p.calibrated is not None
        else _("no calibrated probabilities: the simulated shares")
    )
    console.print(t)
    for note in p.notes:
        _err().print(Text(note, style="yellow"))
    d = Table(title=_("Diagnosis (O1-O5, M1-M3)"))
    for col in (_("condition"), _("value"), _("holds (share of draws)"), _("verdict")):
        d.add_column(col, justify="right" if col != _("condition") else "left")
    failed = []
    for cond, row in p.diagnosis.items():
        verdict = "-" if row["holds"] is None else (_("holds") if row["holds"] else _("fails"))
        if row["holds"] is False:
            failed.append(cond)
        d.add_row(cond, _fmt(row["value"]), _fmt(row["holds_share"]), verdict)
    console.print(d)
    console.print(Text(_("failed: {f}").format(f=", ".join(failed) or _("none"))))
    v = Table(title=_("The vote"))
    for col in (_("state"), _("code"), _("permanent"), _("seated"), _("P(yes)"), _("role")):
        v.add_column(col)
    shown = [x for x in p.votes if x["permanent"] or x["role"] != "designates"][:25]
    for x in shown:
        v.add_row(
            x["name"],
            x["code"],
            _("yes") if x["permanent"] else "",
            _fmt(x["seated"]),
            _fmt(x["p_yes"]),
            _word(x["role"]),
        )
    rest = len(p.votes) - len(shown)
    if rest > 0:
        v.caption = _("{n} more voters, each more likely than not to designate").format(n=rest)
    console.print(v)
    k = Table(title=_("The coalition"))
    for col in (_("state"), _("code"), _("P(joins)"), _("military power")):
        k.add_column(col)
    for x in p.coalition[:20]:
        k.add_row(x["name"], x["code"], _fmt(x["p_join"]), f"{x['power']:.2e}")
    if not p.coalition:
        k.caption = _("nobody joins the victim in 5% of the draws or more")
    console.print(k)
    console.print(
        Text(
            _("power as fought: aggressor side {a:.2e}, victim side {v:.2e}").format(
                a=p.power["aggressor_side"], v=p.power["victim_side"]
            )
        )
    )
    console.print(Text(trust_sentence(), style="dim"))


_CASE_OPTIONS: dict[str, str] = {
    "org": "--org",
    "year": "--year",
    "aggressors": "--aggressor",
    "victim": "--victim",
    "absent": "--absent",
    "add_member": "--add-member",
    "remove_member": "--remove-member",
    "rule": "--rule",
    "draws": "--draws",
}
"""The option of ``case`` that gave each field of the case (errors name the option)."""


@contextmanager
def _as_options(options: dict[str, str]) -> Iterator[None]:
    """An error about a field the command line gave names its option (``--victim``)."""
    try:
        yield
    except CollsecError as err:
        if err.field in options and err.source is None:
            raise CollsecError(err.message, field=options[err.field]) from None
        raise


def case_cmd(
    org: str = _CASE_ORG,
    year: int = _CASE_YEAR,
    aggressor: str = _CASE_AGGRESSOR,
    victim: str = _CASE_VICTIM,
    absent: str = _CASE_ABSENT,
    add_member: list[str] = _CASE_ADD_MEMBER,
    remove_member: list[str] = _CASE_REMOVE_MEMBER,
    rule: str | None = _CASE_RULE,
    draws: int | None = _CASE_DRAWS,
    seed: int | None = _CASE_SEED,
    data_dir: Path | None = _CASE_DATA_DIR,
    as_json: bool = _CASE_AS_JSON,
    params: Path | None = _CASE_PARAMS,
) -> None:
    """Predict one crisis: designation, action, reversal, diagnosis, vote, coalition."""
    states = _StateNames(data_dir)
    victims = _codes(victim, "--victim", states)
    if len(victims) != 1:
        raise CollsecError(_("give exactly one victim state code"), field="--victim")
    if seed is not None and seed < 0:
        raise CollsecError(_("must be non-negative"), field="--seed")
    if draws is not None:
        check_draws(draws, "--draws")
    case = Case(
        year=year,
        org=org.lower(),
        aggressors=_codes(aggressor, "--aggressor", states),
        victim=victims[0],
        absent=_codes(absent, "--absent", states),
        id="cli",
    )
    hp = load_history_params(params)
    adds = tuple(c for a in add_member for c in _codes(a, "--add-member", states))
    removes = tuple(c for a in remove_member for c in _codes(a, "--remove-member", states))
    with warnings.catch_warnings(), _as_options(_CASE_OPTIONS):
        warnings.simplefilter("ignore")
        pred = predict_case(
            case,
            data_dir=data_dir,
            hp=hp,
            draws=draws,
            seed=seed,
            add_members=adds,
            remove_members=removes,
            rule=rule,
        )
    if as_json:
        sys.stdout.write(json.dumps({**pred.to_dict(), "trust": trust_sentence()}) + "\n")
        return
    _print_prediction(pred, _out())


def evaluate_cmd(
    file: Path = _EVALUATE_FILE,
    data_dir: Path | None = _EVALUATE_DATA_DIR,
    as_json: bool = _EVALUATE_AS_JSON,
    params: Path | None = _EVALUATE_PARAMS,
    base_rates_from: Path | None = _EVALUATE_BASE_RATES,
    train_to: int | None = _EVALUATE_TRAIN_TO,
    test_from: int | None = _EVALUATE_TEST_FROM,
    variant: str | None = _EVALUATE_VARIANT,
) -> None:
    """Predict every case of a case book and score it against the record."""
    # A bad --variant is refused before minutes of simulation.
    check_variant(variant, fitted=train_to is not None)
    hp = load_history_params(params)
    file = resolve_case_book(file)
    rows = read_case_book(file)
    ref_rows = (
        None if base_rates_from is None else read_case_book(resolve_case_book(base_rates_from))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Progress(console=_err(), transient=True) as bar:
            task = bar.add_task(_("cases"), total=len(rows))
            res = evaluate_book(
                rows,
                data_dir=data_dir,
                hp=hp,
                source=str(file),
                on_case=lambda _id: bar.advance(task),
                train_to=train_to,
                test_from=test_from,
                base_rate_rows=ref_rows,
                variant=variant,
            )
    for c in res["cases"]:
        # The warning `case` shows in its description: a year past the data.
        for note in c["notes"]:
            _err().print(
                Text(_("warning") + f": {file}:{c['line']} ({c['id']}): {note}", style="yellow")
            )
    if as_json:
        out = {
            "cases": [
                {
                    k: c[k]
                    for k in (
                        "id",
                        "predicted",
                        "recorded",
                        "correct",
                        "probabilities",
                        "simulated",
                    )
                }
                for c in res["cases"]
            ],
            **{
                k: res[k]
                for k in ("accuracy", "baseline", "scores", "baselines", "base_rates", "model")
            },
            "split": res["split"],
        }
        sys.stdout.write(json.dumps(out) + "\n")
        return
    t = Table(title=_("Cases: prediction (record)"))
    t.add_column(_("case"))
    for col in OUTCOMES:
        t.add_column(_(col))
    for c in res["cases"]:
        cells = []
        for col in OUTCOMES:
            ok = c["correct"][col]
            cells.append(
                Text(
                    f"{c['predicted'][col]} ({c['recorded'][col]})",
                    style="green" if ok else "red",
                )
            )
        t.add_row(c["id"], *cells)
    acc = res["accuracy"]
    t.add_row(
        Text(_("accuracy"), style="bold"),
        *(Text(_fmt(acc[col]), style="bold") for col in OUTCOMES),
    )
    base = res["baseline"]
    t.add_row(
        Text(_("baseline"), style="dim"),
        *(
            Text(f"{_fmt(base['accuracy'][col])} ({base['labels'][col]})", style="dim")
            for col in OUTCOMES
        ),
    )
    console = _out()
    console.print(t)
    console.print(Text(_("overall accuracy: {a}").format(a=_fmt(acc["overall"])), style="bold"))
    console.print(
        Text(
            _(
                "baseline (the book's most frequent label in every column, "
                "read from the record itself): {a}"
            ).format(a=_fmt(base["accuracy"]["overall"])),
            style="dim",
        )
    )
    console.print(scores_table(res))


def scores_table(res: dict[str, Any]) -> Table:
    """Brier score, log loss and skill of the model and both baselines, per outcome."""
    sp = res["split"]
    if sp["train_to"] is None:
        title = _(
            "Scores on {n} crises (in sample: the baselines are fitted on these same crises)"
        ).format(n=sp["scored_rows"])
    else:
        title = _("Time split: fitted on {k} crises to {a}, scored on {n} from {b}").format(
            k=sp["training_rows"], a=sp["train_to"], n=sp["scored_rows"], b=sp["test_from"]
        )
    t = Table(title=title)
    for col in (_("forecast"), _("outcome"), _("Brier"), _("log loss"), _("Brier skill")):
        t.add_column(col, justify="left" if col in (_("forecast"), _("outcome")) else "right")
    rows = [(_("model ({v})").format(v=res["model"]["variant"]), res["scores"])]
    names = {"constant": _("constant (base rates)"), "logistic": _("logistic regression")}
    rows += [(names[k], b["scores"]) for k, b in res["baselines"].items()]
    for label, sc in rows:
        for outcome in ("designated", "action"):
            x = sc[outcome]
            t.add_row(
                label,
                _(outcome),
                _fmt(x["brier"], 3),
                _fmt(x["log_loss"], 3),
                _fmt(x["brier_skill"], 3),
            )
    src = {
        "book": _("the book"),
        "training": _("the training years"),
        "given": _("the book given by --base-rates-from"),
    }[res["base_rates"]["from"]]
    t.caption = _("skill against the base rates of {src}").format(src=src)
    return t


def validate_cmd(
    data_dir: Path | None = _VALIDATE_DATA_DIR,
    reps: int = _VALIDATE_REPS,
    seed: int = _VALIDATE_SEED,
    out: Path | None = _VALIDATE_OUT,
    as_json: bool = _VALIDATE_AS_JSON,
    power_measure: str | None = _VALIDATE_POWER,
    revisionism: str | None = _VALIDATE_REVISIONISM,
    similarity: str | None = _VALIDATE_SIMILARITY,
) -> None:
    """Simulate from 1920 (League) and 1946 (UN) and compare with the COW record."""
    from collsec.atomic import check_writable
    from collsec.cli import prepare_output
    from collsec.history.validate import SPANS, plot_ccdf, validate

    if not 1 <= reps <= MAX_VALIDATE_REPS:
        raise CollsecError(
            _("must be a whole number from 1 to {n}").format(n=MAX_VALIDATE_REPS), field="--reps"
        )
    if seed < 0:
        raise CollsecError(_("must be non-negative"), field="--seed")
    # The folder is checked before the runs, as run and compare do: a file, a
    # folder of the user's own files or one that cannot be written is refused.
    folder = prepare_output(out, "validate", marker=VALIDATE_MARKER)
    check_writable(folder)
    total = sum(reps * (last - first + 1) for _o, first, last in SPANS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Progress(console=_err(), transient=True) as bar:
            task = bar.add_task(_("simulating"), total=total)
            v = validate(
                data_dir=data_dir,
                reps=reps,
                seed=seed,
                progress=lambda k: bar.advance(task, k),
                power_measure=power_measure,
                revisionism=revisionism,
                similarity=similarity,
            )
    png = folder / "severity_ccdf.png"
    try:  # the folder is swapped in whole: a kill leaves the old output or the new
        with staged_folder(folder, owned={png.name, VALIDATE_MARKER}) as stage:
            plot_ccdf(v, stage / png.name)
            write_text(stage / VALIDATE_MARKER, json.dumps(v.to_dict()) + "\n")
    except OSError as err:
        raise CollsecError(
            _("cannot write the results: {reason}").format(reason=err.strerror or err),
            source=str(folder),
        ) from None
    if as_json:
        d = v.to_dict()
        d["plot"] = str(png)
        sys.stdout.write(json.dumps(d) + "\n")
        return
    console = _out()
    t = Table(title=_("War onsets per state-year"))
    for col in (
        _("run"),
        _("years"),
        _("model"),
        _("record (COW)"),
        _("model: deterred"),
        _("model: attempted"),
    ):
        t.add_column(col)
    for r in v.runs:
        t.add_row(
            r["organization"],
            f"{r['first']}-{r['last']}",
            f"{r['simulated_per_state_year']:.4f}",
            f"{r['record_per_state_year']:.4f}",
            f"{r['deterred_per_state_year']:.4f}",
            f"{r['attempted_per_state_year']:.4f}",
        )
    console.print(t)
    s = Table(title=_("Power-law exponent of war severity (Clauset et al. 2009)"))
    for col in ("", _("alpha"), _("se"), _("xmin"), _("tail n"), _("KS")):
        s.add_column(col)
    for label, f in ((_("model"), v.simulated_fit), (_("record"), v.record_fit)):
        if f is None:
            s.add_row(label, "-", "-", "-", "-", "-")
        else:
            s.add_row(
                label,
                f"{f.alpha:.2f}",
                f"{f.se:.2f}",
                f"{f.xmin:.3g}",
                str(f.n_tail),
                f"{f.ks:.3f}",
            )
    console.print(s)
    diff = v.difference
    if diff is not None:
        console.print(
            Text(
                _("difference {d:+.2f}: {verdict} (target: within 0.2)").format(
                    d=diff, verdict=_("within") if abs(diff) <= 0.2 else _("outside")
                )
            )
        )
    _err().print(Text(_("plot: {p}").format(p=png)))


def register(app: typer.Typer) -> None:
    """Add ``case``, ``cases evaluate`` and ``validate`` to the main app."""
    app.command(
        "case",
        cls=TranslatedCommand,
        help=N_("Predict one crisis: designation, action, reversal, diagnosis, vote, coalition."),
    )(guarded(case_cmd))
    cases_app = typer.Typer(
        cls=TranslatedGroup, help=N_("Run a case book against the record."), no_args_is_help=True
    )
    cases_app.command(
        "evaluate",
        cls=TranslatedCommand,
        help=N_("Predict every case of a case book and score it against the record."),
    )(guarded(evaluate_cmd))
    register_from_icb(cases_app)
    app.add_typer(cases_app, name="cases")
    app.command(
        "validate",
        cls=TranslatedCommand,
        help=N_("Simulate from 1920 (League) and 1946 (UN) and compare with the COW record."),
    )(guarded(validate_cmd))
