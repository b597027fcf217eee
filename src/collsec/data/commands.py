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

from collsec.data.fetch import fetch, status
from collsec.i18n import _ as _t


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group to ``app``."""
    data_app = typer.Typer(
        help=_t("Correlates of War data: fetch and check."), no_args_is_help=True
    )

    @data_app.command("fetch")
    def fetch_cmd(
        names: Annotated[
            list[str] | None, typer.Argument(help=_t("Data sets to fetch (default: all)."))
        ] = None,
        dest: Annotated[
            Path | None, typer.Option("--dest", help=_t("Folder to download into."))
        ] = None,
    ) -> None:
        """Download the official releases and check their sha256."""
        got = fetch(names or None, dest=dest, progress=True)
        err = Console(stderr=True)
        for name, path in got.items():
            err.print(f"[green]ok[/green] {name}: {path}")

    @data_app.command("status")
    def status_cmd(
        data_dir: Annotated[
            Path | None, typer.Option("--data-dir", help=_t("Folder holding the data files."))
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help=_t("Print JSON."))] = False,
    ) -> None:
        """Say which data sets are present, their version and checksum."""
        rows = status(data_dir)
        if as_json:
            typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
            return
        table = Table(title=_t("Correlates of War data"))
        for col in ("data set", "version", "present", "sha256 ok", "source", "what to do"):
            table.add_column(_t(col))
        for r in rows:
            table.add_row(
                r.name,
                str(r.version),
                "yes" if r.present else "no",
                "yes" if r.ok else "no",
                r.source or "-",
                r.message or "",
            )
        Console().print(table)

    app.add_typer(data_app, name="data")
