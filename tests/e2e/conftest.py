"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, no browser download)
against pytest-django's live server (the test PostgreSQL database), while a real Celery worker
(tests/conftest.py) publishes through the outbox. Each step saves a full-page screenshot under
artifacts/e2e/<scenario>/; the folder and its files are listed at the end of the session."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "e2e"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"  # tests/factories.py
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

_saved: list[tuple[Path, float]] = []
_timings: list[tuple[str, float]] = []


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


class Shots:
    """Numbered full-page screenshots of one scenario: artifacts/e2e/<scenario>/<NN>-<step>.png."""

    def __init__(self, scenario: str):
        self.folder = ARTIFACTS / scenario
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0
        self.started = time.monotonic()

    def __call__(self, page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        # The full-page capture resizes the viewport; Chromium then scrolls a focused field back
        # into view on the next input, between a click's press and release (the click is lost).
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.screenshot(path=str(path), full_page=True)
        _saved.append((path, time.monotonic() - self.started))
        return path


@pytest.fixture
def shots(request) -> Shots:
    scenario = re.sub(r"^test_", "", request.node.name)
    started = time.monotonic()
    yield Shots(scenario)
    _timings.append((scenario, time.monotonic() - started))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def chromium(monkeypatch, request):
    """A headless Chromium for one test. Playwright's sync API keeps an event loop in this thread,
    so Django's guard against ORM calls from async code would refuse the test's own queries."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
            if getattr(request.node, "e2e_failed", False):
                _failure_screenshots(browser, re.sub(r"^test_", "", request.node.name))
        finally:
            browser.close()


def _failure_screenshots(browser, scenario: str) -> None:
    """Every page still open when the test failed, as it was: failed-<n>.png."""
    folder = ARTIFACTS / scenario
    folder.mkdir(parents=True, exist_ok=True)
    pages = [page for context in browser.contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        path = folder / f"failed-{number}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as exc:  # noqa: BLE001 - a page that cannot be drawn any more
            print(f"no screenshot of {page.url}: {exc}")
        else:
            _saved.append((path, 0.0))


def pytest_terminal_summary(terminalreporter):
    if not _saved:
        return
    terminalreporter.section("e2e screenshots")
    terminalreporter.write_line(f"folder: {ARTIFACTS}")
    for path, seconds in _saved:
        terminalreporter.write_line(f"  {path.relative_to(ARTIFACTS)}  (at {seconds:.1f} s)")
    for scenario, seconds in _timings:
        terminalreporter.write_line(f"{scenario}: {seconds:.1f} s")
