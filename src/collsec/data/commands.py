"""``collsec data fetch`` and ``collsec data status``: the data layer on the command line.

Registered on the main application by :func:`register` (see ``collsec.cli``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from collsec.console import TranslatedCommand, TranslatedGroup
from collsec.data.errors import DataError
from collsec.data.fetch import DatasetStatus, fetch, status
from collsec.i18n import N_, _


def _fail_unless_ok(rows: list[DatasetStatus]) -> None:
    """Raise naming the data sets that are missing or fail their checksum, if any."""
    missing = [r.name for r in rows if not r.present]
    corrupt = [r.name for r in rows if r.present and not r.ok]
    if not missing and not corrupt:
        return
    parts = []
    if missing:
        parts.append(_("missing: {names}").format(names=", ".join(missing)))
    if corrupt:
        parts.append(_("wrong checksum: {names}").format(names=", ".join(corrupt)))
    raise DataError(
        _("{n} of {total} data sets are not usable ({what})").format(
            n=len(missing) + len(corrupt), total=len(rows), what="; ".join(parts)
        )
    )


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group to ``app``."""
    data_app = typer.Typer(
        cls=TranslatedGroup,
        help=N_("Data of COW, ICB, UNGA, TIES and UNSC: fetch and check."),
        no_args_is_help=True,
    )

    @data_app.command(
        "fetch",
        cls=TranslatedCommand,
        help=N_("Download the official releases and check their sha256."),
    )
    def fetch_cmd(
        names: Annotated[
            list[str] | None, typer.Argument(help=N_("Data sets to fetch (default: all)."))
        ] = None,
        dest: Annotated[
            Path | None, typer.Option("--dest", help=N_("Folder to download into."))
        ] = None,
    ) -> None:
        """Download the official releases and check their sha256."""
        got = fetch(names or None, dest=dest, progress=True)
        err = Console(stderr=True)
        for name, path in got.items():
            err.print(f"[green]{_('ok')}[/green] {name}: {path}")

    @data_app.command(
        "status",
        cls=TranslatedCommand,
        help=N_("Say which data sets are present, their version and checksum."),
    )
    def status_cmd(
        data_dir: Annotated[
            Path | None, typer.Option("--data-dir", help=N_("Folder holding the data files."))
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help=N_("Print JSON."))] = False,
    ) -> None:
        """Say which data sets are present, their version and checksum.

        Exits 2 (after the table) when the folder does not exist or a data
        set is missing or fails its checksum, so a script can test the data.
        """
        if data_dir is not None and not Path(data_dir).expanduser().is_dir():
            raise DataError(_("no such folder"), file=str(data_dir), field="--data-dir")
        rows = status(data_dir)
        if as_json:
            typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
            _fail_unless_ok(rows)
            return
        table = Table(title=_("Correlates of War data"))
        columns = (
            _("data set"),
            _("version"),
            _("present"),
            _("sha256 ok"),
            _("file"),
            _("source"),
            _("what to do"),
        )
        for col in columns:
            table.add_column(col)
        yes, no = _("yes"), _("no")
        variants = {"release": _("release"), "extract": _("extract")}
        for r in rows:
            table.add_row(
                r.name,
                str(r.version),
                yes if r.present else no,
                yes if r.ok else no,
                variants.get(r.variant or "", "-"),
                r.source or "-",
                r.message or "",
            )
        Console().print(table)
        _fail_unless_ok(rows)

    app.add_typer(data_app, name="data")
