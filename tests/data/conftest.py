"""Fixtures for the data-layer tests.

The real COW files are read from ``<repo>/../shared/data/cow`` and never copied
into the project; tests that need them skip, with the reason, when the folder
is absent. Every test runs with its own view of the environment: the Parquet
cache in a per-session temporary folder and no ``COLLSEC_DATA_DIR``.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COW_DIR = (REPO / ".." / "shared" / "data" / "cow").resolve()


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("collsec-cache")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, session_cache: Path) -> None:
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(session_cache))
    monkeypatch.delenv("COLLSEC_DATA_DIR", raising=False)


@pytest.fixture(scope="session")
def cow_dir() -> Path:
    if not (COW_DIR / "system2016.csv").is_file():
        pytest.skip(f"COW data folder not found at {COW_DIR} (expected <repo>/../shared/data/cow)")
    return COW_DIR


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty cache root for this test only."""
    root = tmp_path / "cache"
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(root))
    return root


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    """Serve a temporary folder on 127.0.0.1; yield (folder, base URL)."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
