"""End to end: the dashboard in a real headless Chromium (Debian's ``chromium``, Playwright).

The test starts ``collsec dashboard`` itself on a free port, waits for
Streamlit's own readiness signals (``/_stcore/health``, the app element, the
running indicator cleared; never fixed sleeps), then plays chapter 1, runs
the sandbox and opens a crisis, switches to Bahasa Indonesia with the state
kept, reloads, and runs a historical case with a counterfactual. Every
request the page makes is recorded; one to any host but the app's own fails
the test. Screenshots at desktop (1280x800) and phone (390x844) widths go to
``$COLLSEC_TEST_ARTIFACTS`` (default ``tests/artifacts/``, git-ignored).

Slow tier (``python -m pytest -m slow tests/browser``); needs
``apt-get install -y chromium`` and ``pip install "collsec[dashboard]"``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[2]
COW = (REPO / ".." / "shared" / "data" / "cow").resolve()
ARTIFACTS = Path(os.environ.get("COLLSEC_TEST_ARTIFACTS", REPO / "tests" / "artifacts"))
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 90_000

playwright_sync = pytest.importorskip("playwright.sync_api")
pytest.importorskip("streamlit")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: apt-get install -y chromium", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], limit: float = 120.0) -> None:
    """Poll Streamlit's health endpoint until it answers ``ok`` (or the server died)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the dashboard exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling interval, not a wait for the app
    raise AssertionError("the dashboard did not become healthy")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "collsec", "dashboard", "--port", str(port), "--lang", "en"]
    if (COW / "states2016.csv").exists():
        cmd += ["--data-dir", str(COW)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Requests:
    """Every URL the page asked for."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def foreign(self) -> list[str]:
        out = []
        for u in self.urls:
            parsed = urlparse(u)
            if (
                parsed.scheme in ("http", "https", "ws", "wss")
                and parsed.hostname not in LOCAL_HOSTS
            ):
                out.append(u)
        return out


def _page(browser: Any, width: int, height: int, requests: Requests) -> Any:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    page.on("request", lambda r: requests.urls.append(r.url))
    page.on("websocket", lambda ws: requests.urls.append(ws.url))
    return page


def settle(page: Any) -> None:
    """Wait for the app element and for Streamlit's running indicator to clear."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def see(page: Any, text: str) -> None:
    """Wait until ``text`` is visible, then until the app has finished running."""
    page.get_by_text(text, exact=False).first.wait_for(state="visible")
    settle(page)


def shot(page: Any, name: str, focus: str | None = None) -> None:
    """Save a screenshot, scrolled to the text ``focus`` (Streamlit scrolls its own pane)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if focus is not None:
        page.get_by_text(focus).first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def url_has(page: Any, text: str) -> None:
    """Wait until the address holds ``text`` (the app writes its state there after each run)."""
    page.wait_for_url(lambda url: text in url)


def pick(page: Any, question: str, option: str) -> None:
    box = page.locator('[data-testid="stRadio"]').filter(has_text=question)
    box.get_by_text(option, exact=True).click()
    settle(page)


def choose(page: Any, label: str, option: str, testid: str = "stSelectbox") -> None:
    """Choose ``option`` in the select box labelled ``label``: type to filter, pick it."""
    box = page.locator(f'[data-testid="{testid}"]').filter(has_text=label).first
    box.locator("input").click()
    box.locator("input").fill(option)
    page.get_by_role("option", name=option).first.click()
    settle(page)


def test_chapter_sandbox_language_and_reload(server: str, browser: Any) -> None:
    requests = Requests()
    page = _page(browser, 1280, 800, requests)
    page.goto(server)
    see(page, "One for all")
    # Chapter 1: predict, run, reveal beside the prediction.
    pick(page, "Which loses fewer weak states?", "collective security")
    # The second bet and the run by keyboard alone (focus, Space, Enter).
    arms = page.locator('[data-testid="stRadio"]').filter(has_text="Which arms more?")
    arms.get_by_role("radio", name="self-help").focus()
    page.keyboard.press("Space")
    settle(page)
    assert arms.get_by_role("radio", name="self-help").is_checked()
    run = page.get_by_role("button", name="Run", exact=True)
    run.wait_for(state="visible")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')]"
        ".some(b => b.innerText.trim() === 'Run' && !b.disabled)"
    )
    run.focus()
    page.keyboard.press("Enter")
    see(page, "Why: the diagnosis in words")
    assert page.get_by_text("Your prediction").count() == 2
    assert page.get_by_text("The run", exact=True).count() == 2
    url_has(page, "pred.1.weak=collective_security")
    shot(page, "desktop-learn-ch1", "The answer")
    # Sandbox: run, open a crisis.
    page.locator('[data-testid="stSidebar"]').get_by_text("Explore", exact=True).click()
    see(page, "Explore: the sandbox")
    page.get_by_role("button", name="Run the sandbox").click()
    see(page, "Results")
    page.get_by_role("tab", name="Crises").click()
    field = page.get_by_label("Crisis (row number)")
    field.fill("0")
    field.press("Enter")
    see(page, "Failed:")
    see(page, "The coalition")
    shot(page, "desktop-explore-crisis", "The coalition")
    # The state system steps through the years of one replication.
    page.get_by_role("tab", name="State system").click()
    see(page, "Year 0:")
    page.get_by_role("button", name="Next year").click()
    see(page, "Year 1:")
    shot(page, "desktop-explore-network", "Year 1:")
    # Language: Bahasa Indonesia, the state kept (same page, same crisis open).
    choose(page, "Language / Bahasa", "Bahasa Indonesia")
    see(page, "Jelajahi: kotak pasir")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_role("radio", name="Jelajahi").is_checked()
    page.get_by_role("tab", name="Krisis").click()
    see(page, "Gagal:")
    assert page.get_by_text("Hasil", exact=True).count() >= 1
    url_has(page, "lang=id")
    url_has(page, "crisis=0")
    shot(page, "desktop-explore-id", "Gagal:")
    # A reload shows the same thing: the state is in the URL.
    page.reload()
    see(page, "Jelajahi: kotak pasir")
    page.get_by_role("tab", name="Krisis").click()
    see(page, "Gagal:")
    # Phone width: the sandbox's results from the same address.
    phone = _page(browser, 390, 844, requests)
    phone.goto(page.url)
    see(phone, "Jelajahi: kotak pasir")
    see(phone, "Hasil")
    shot(phone, "phone-explore-id", "Hasil")
    # Phone width: the chapter from a shared link.
    phone.goto(
        server + "/?page=learn&ch=1&lang=id&ran=1"
        "&pred.1.weak=collective_security&pred.1.arms=self_help"
    )
    see(phone, "Mengapa: diagnosis dengan kata-kata")
    shot(phone, "phone-learn-ch1-id", "Jawabannya")
    assert requests.foreign() == []
    assert any(urlparse(u).hostname == "127.0.0.1" for u in requests.urls)


def test_an_invalid_upload_shows_its_problems_and_the_server_keeps_serving(
    server: str, browser: Any, tmp_path: Path
) -> None:
    from collsec.scenario import load_scenario

    bad = tmp_path / "bad.yaml"
    text = load_scenario("default").to_yaml()
    bad.write_text(text.replace("loss_rate: 0.1", "loss_rate: 2"), encoding="utf-8")
    requests = Requests()
    page = _page(browser, 1280, 800, requests)
    page.goto(server + "/?page=explore")
    see(page, "Explore: the sandbox")
    choose(page, "Scenario", "upload a scenario file")
    page.locator('input[type="file"]').set_input_files(str(bad))
    see(page, "This file is not a valid scenario:")
    see(page, "params.war.loss_rate: Input should be less than or equal to 1")
    assert page.get_by_text("Traceback").count() == 0
    shot(page, "desktop-explore-bad-upload", "This file is not a valid scenario:")
    choose(page, "Scenario", "bipolar")
    page.get_by_role("button", name="Run the sandbox").click()
    see(page, "Results")
    assert requests.foreign() == []


def test_history_counterfactual_changes_the_prediction(server: str, browser: Any) -> None:
    if not (COW / "states2016.csv").exists():
        pytest.skip(f"Correlates of War data not found at {COW}")
    requests = Requests()
    page = _page(browser, 1280, 800, requests)
    page.goto(server + "/?page=history")
    see(page, "History: real crises, and what if")
    choose(page, "Crisis", "ukraine-2022")
    see(page, "RUS (365) against UKR (369)")
    assert page.get_by_text("The counterfactual").count() == 0
    choose(page, "Permanent members absent", "RUS (365)", testid="stMultiSelect")
    see(page, "The counterfactual changes the prediction")
    page.keyboard.press("Escape")
    url_has(page, "cf_absent=365")
    shot(page, "desktop-history-ukraine", "Prediction and record")
    phone = _page(browser, 390, 844, requests)
    phone.goto(page.url)
    see(phone, "The counterfactual changes the prediction")
    shot(phone, "phone-history-ukraine", "Prediction and record")
    assert requests.foreign() == []
