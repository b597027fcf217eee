"""The ``collsec dashboard`` command: serve the teaching app, offline.

The server is Streamlit's, started on the app script
(``collsec/dashboard/app.py``) with :data:`OFFLINE_CONFIG`: bound to
127.0.0.1 unless ``--host`` says otherwise, headless, no usage statistics,
no file watcher, no developer menu, generic error messages (a user's mistake
is shown by the app itself, never as a stack trace). The app loads nothing
from another host: Streamlit serves its own fonts and scripts, the charts are
PNG images drawn on the server.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
from pathlib import Path

import typer

from collsec.console import TranslatedCommand, guarded
from collsec.errors import CollsecError
from collsec.i18n import N_, _, available_languages

APP = Path(__file__).with_name("app.py")
"""The script Streamlit runs."""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8501

OFFLINE_CONFIG: dict[str, str] = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "global.developmentMode": "false",
    "client.toolbarMode": "minimal",
    "client.showErrorDetails": "none",
    "client.showSidebarNavigation": "false",
    "server.maxUploadSize": "2",
    "theme.base": "light",
}
"""Streamlit settings of every dashboard server (command-line flags, so no config file is read)."""

LANG_ENV = "COLLSEC_LANG"
DATA_ENV = "COLLSEC_DATA_DIR"

_PORT = typer.Option(DEFAULT_PORT, "--port", help=N_("port to serve on"))
_HOST = typer.Option(
    DEFAULT_HOST, "--host", help=N_("address to bind (default 127.0.0.1: this machine only)")
)
_LANG = typer.Option(None, "--lang", help=N_("language of the app: en or id"))
_DATA_DIR = typer.Option(
    None,
    "--data-dir",
    help=N_("Folder of the Correlates of War files (else $COLLSEC_DATA_DIR, else the cache)."),
)


def server_command(port: int, host: str = DEFAULT_HOST) -> list[str]:
    """The command line that starts the Streamlit server on the app.

    Raises
    ------
    CollsecError
        For a port outside 1-65535 or an empty host.
    """
    if not 1 <= port <= 65535:
        raise CollsecError(
            _("must be a port number from 1 to 65535, not {port}").format(port=port),
            field="--port",
        )
    if not host.strip():
        raise CollsecError(_("is empty"), field="--host")
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP)]
    cmd += ["--server.address", host, "--server.port", str(port)]
    for key, value in OFFLINE_CONFIG.items():
        cmd += [f"--{key}", value]
    return cmd


def check_port(host: str, port: int) -> None:
    """Refuse a port that is taken (or an address that cannot be bound) before the server starts.

    Raises
    ------
    CollsecError
        Naming ``--host`` for an address that does not resolve, ``--port``
        for one that cannot be bound (another server holds it, or it needs
        privileges).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as err:
        raise CollsecError(
            _("cannot be resolved: {reason}").format(reason=err.strerror or err), field="--host"
        ) from None
    family, _kind, _proto, _name, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            raise CollsecError(
                _("port {port} cannot be used on {host}: {reason}; choose another").format(
                    port=port, host=host, reason=err.strerror or err
                ),
                field="--port",
            ) from None


def server_environment(lang: str | None, data_dir: Path | None) -> dict[str, str]:
    """The server's environment: the language and the data folder it starts with.

    Raises
    ------
    CollsecError
        For a language without a catalog, or a data folder that does not exist.
    """
    env = dict(os.environ)
    env["COLLSEC_DASHBOARD_WARM"] = "1"
    if lang is not None:
        if lang not in available_languages():
            raise CollsecError(
                _("must be one of {choices}, not {value!r}").format(
                    choices=", ".join(available_languages()), value=lang
                ),
                field="--lang",
            )
        env[LANG_ENV] = lang
    if data_dir is not None:
        if not data_dir.is_dir():
            raise CollsecError(_("is not a folder"), source=str(data_dir), field="--data-dir")
        env[DATA_ENV] = str(data_dir.resolve())
    return env


def dashboard_cmd(
    port: int = _PORT,
    host: str = _HOST,
    lang: str | None = _LANG,
    data_dir: Path | None = _DATA_DIR,
) -> None:
    """Serve the teaching app (Streamlit) on this machine; Ctrl-C stops it."""
    if importlib.util.find_spec("streamlit") is None:
        raise CollsecError(_('needs Streamlit: pip install "collsec[dashboard]"'))
    cmd = server_command(port, host)
    env = server_environment(lang, data_dir)
    check_port(host, port)
    sys.stderr.write(
        _("Serving the dashboard on http://{host}:{port} (Ctrl-C stops it)").format(
            host=host, port=port
        )
        + "\n"
    )
    sys.stderr.flush()
    if os.name == "posix":
        # The server takes this process's place: stopping `collsec dashboard`
        # (Ctrl-C, SIGTERM, SIGKILL) stops the server, never leaving it behind.
        os.execve(cmd[0], cmd, env)
    code = subprocess.call(cmd, env=env)  # pragma: no cover - not POSIX
    if code not in (0, -2, 130):
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``dashboard`` to the main app."""
    app.command(
        "dashboard",
        cls=TranslatedCommand,
        help=N_("Serve the teaching app: learn, explore, history (offline, in en or id)."),
    )(guarded(dashboard_cmd))
