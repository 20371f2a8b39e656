"""What-if in a real browser: two sessions (two browser contexts) upload different files at the same time; each sees
only its own result, and a hostile file ends in a message, not a crash."""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Offline
from .test_browser import assert_offline_clean, wait_ready

pytestmark = pytest.mark.e2e
FILES = Path(__file__).resolve().parents[1] / "fixtures" / "whatif"


def _open(browser, app_url, query: str):
    context = browser.new_context(viewport={"width": 1440, "height": 1100}, accept_downloads=True)
    page = context.new_page()
    page.offline = Offline(page)
    page.goto(app_url + "/whatif" + query)
    wait_ready(page)
    return context, page


def _upload(page, path: Path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))


def _wait_result(page, text: str, timeout=60_000) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout)
    wait_ready(page, timeout)


def test_two_sessions_uploading_at_once_see_only_their_own_result(browser, app_url, screenshots):
    ctx_a, page_a = _open(browser, app_url, "?kind=priorities")
    ctx_b, page_b = _open(browser, app_url, "?kind=hubs")
    try:
        # both files are handed over before either result is awaited: the server recomputes both sessions at once
        # (Playwright's sync API is bound to one thread, so the two uploads are set one right after the other)
        _upload(page_a, FILES / "priorities_hamburg.csv")
        _upload(page_b, FILES / "hubs_valid.csv")
        _wait_result(page_a, "Recomputed 3 region(s)")
        _wait_result(page_b, "Recomputed 8 region(s)")
        text_a, text_b = page_a.inner_text("body"), page_b.inner_text("body")
        assert "priorities_hamburg.csv: 3 of 3 rows usable" in text_a and "hubs_valid.csv" not in text_a
        assert "hubs_valid.csv: 2 of 2 rows usable" in text_b and "priorities_hamburg.csv" not in text_b
        page_a.screenshot(path=str(screenshots / "whatif_priorities.png"), full_page=True)
        page_b.screenshot(path=str(screenshots / "whatif_hubs.png"), full_page=True)
        # a reload of session A starts empty: nothing of its upload is kept for a new session
        page_a.reload()
        wait_ready(page_a)
        assert "Recomputed" not in page_a.inner_text("body")
        assert_offline_clean(page_a)
        assert_offline_clean(page_b)
    finally:
        ctx_a.close()
        ctx_b.close()


def test_hostile_file_in_the_browser(browser, app_url, screenshots):
    context, page = _open(browser, app_url, "?kind=priorities")
    try:
        _upload(page, FILES / "priorities_partly_invalid.csv")
        _wait_result(page, "2 of 6 rows usable")
        assert "4 problem(s)" in page.inner_text("body")
        page.screenshot(path=str(screenshots / "whatif_invalid.png"), full_page=True)
        _upload(page, FILES / "binary.csv")
        _wait_result(page, "binary data")
        assert "Traceback" not in page.inner_text("body")
    finally:
        context.close()
