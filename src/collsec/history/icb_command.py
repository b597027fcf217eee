"""``collsec cases from-icb``: write a case book from International Crisis Behavior.

Registered on the ``cases`` group by :func:`register`
(``collsec.history.commands`` calls it). The book goes to ``-o``, the crises
it could not map to ``<stem>.unmapped.csv`` beside it; a summary (rows, labels,
unmapped crises per reason) goes to stderr.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.text import Text

from collsec.atomic import check_writable
from collsec.console import TranslatedCommand, guarded, stderr_console
from collsec.history.icb import REASONS, icb_case_book, write_icb_book
from collsec.i18n import N_, _

_DATA_DIR = typer.Option(
    None,
    "--data-dir",
    help=N_(
        "Folder of the ICB and COW files, flat or in icb/ and cow/ "
        "(else $COLLSEC_DATA_DIR, else the cache)."
    ),
)
_FROM = typer.Option(None, "--from", help=N_("first trigger year (default: the data's first)"))
_TO = typer.Option(None, "--to", help=N_("last trigger year (default: the data's last)"))
_OUT = typer.Option(..., "-o", "--output", help=N_("case book to write (CSV)"))


def from_icb_cmd(
    output: Path = _OUT,
    data_dir: Path | None = _DATA_DIR,
    first: int | None = _FROM,
    last: int | None = _TO,
) -> None:
    """Write a case book of the ICB crises with a state aggressor and a state victim."""
    check_writable(Path(output).parent)
    book = icb_case_book(data_dir, first=first, last=last)
    side = write_icb_book(book, output)
    err = stderr_console()
    variant = {"release": _("the full release"), "extract": _("an extract of the release")}
    err.print(
        Text(
            _("{n} crises of {first}-{last} written to {path} (ICB: {variant})").format(
                n=len(book.rows),
                first=book.first,
                last=book.last,
                path=output,
                variant=variant.get(book.variant or "", "-"),
            )
        )
    )
    for col, counts in book.labels().items():
        shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        err.print(Text(f"  {col}: {shown}"))  # the column names of the book
    err.print(
        Text(
            _("{n} crises not mapped, listed with the reason in {path}:").format(
                n=len(book.unmapped), path=side
            )
        )
    )
    for kind, n in sorted(book.reasons().items(), key=lambda kv: -kv[1]):
        if "{" not in REASONS[kind]:
            err.print(Text(f"  {n:4d}  {kind}: {_(REASONS[kind])}"))
            continue
        # A reason with codes: one line per crisis, so each code is seen.
        err.print(Text(f"  {n:4d}  {kind}:"))
        for u in book.unmapped:
            if u["kind"] == kind:
                err.print(
                    Text(f"        {u['crisno']} {u['crisname']} ({u['year']}): {u['reason']}")
                )


def register(cases_app: typer.Typer) -> None:
    """Add ``from-icb`` to the ``cases`` command group."""
    cases_app.command(
        "from-icb",
        cls=TranslatedCommand,
        help=N_("Write a case book of the ICB crises with a state aggressor and a state victim."),
    )(guarded(from_icb_cmd))
