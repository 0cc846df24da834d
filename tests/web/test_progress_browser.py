"""The progress view in a real browser: a candidate kept in localStorage, its topics over time, its history
with links to each report, the review queue's due count and a review interview started from the page.

The app runs on a fake clock (shared by the store and the services) so days can pass between interviews
and review cards come due. The screenshot lands in test-artifacts/web-progress.png (docs/ keeps a copy).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.api.deps import Services
from interviewer.session.interview import Interview
from interviewer.settings import Settings
from tests.fakes.interview import FakeClock
from tests.fakes.live_server import running
from tests.web.test_browser import (  # noqa: F401 (browser is a fixture)
    MAX_ANSWER_CHARS,
    TIMEOUT_MS,
    KeywordGrader,
    Watch,
    _answer,
    _bank,
    _item_id_of,
    _last_question,
    _no_horizontal_scroll,
    _screenshot,
    _start,
    browser,
    strong,
    weak,
)

DAY = 86_400.0
TOPICS = ("微调", "注意力")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=1_764_000_000.0)  # 2025-11-24


def _build_app_on(tmp_path: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    """tests.web.test_browser's app, with the store and the services on one fake clock."""
    from interviewer.api.app import create_app
    from interviewer.store.sqlite import SQLiteSessionStore
    from interviewer.web import mount_web

    settings = Settings(data_dir=tmp_path, max_answer_chars=MAX_ANSWER_CHARS)
    bank = _bank()
    grader = KeywordGrader()
    interview = Interview(bank, grader, max_follow_ups=1, max_answer_chars=MAX_ANSWER_CHARS)
    services = Services(settings=settings, index=None, bank=bank, grader=grader, interview=interview,
                        store=SQLiteSessionStore(tmp_path / "sessions.db", clock=clock), grading=None, clock=clock)
    app = create_app(services)
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        mount_web(app)
    return app


@pytest.fixture
def app_url(tmp_path: Path, clock: FakeClock) -> Iterator[str]:
    with running(_build_app_on(tmp_path, clock)) as url:
        yield url


def _interview(page, url: str, *, first_weak: bool) -> None:  # type: ignore[no-untyped-def]
    """Two questions on TOPICS, answered until the interview ends."""
    _start(page, url, n=2, language="en", topics=TOPICS)
    asked = 0
    for _ in range(8):
        if page.locator("#finished-bar:not([hidden])").count():
            break
        try:
            item = _item_id_of(_last_question(page))
        except AssertionError:  # a follow-up
            _answer(page, "I am not sure.")
            continue
        asked += 1
        _answer(page, weak(item) if first_weak and asked == 1 else strong(item))
    page.wait_for_selector("#finished-bar:not([hidden])")


def _open_progress(page) -> None:  # type: ignore[no-untyped-def]
    page.click("#show-progress")
    page.wait_for_selector("#progress-view:not([hidden]) #progress-body[aria-busy='false']")


def test_progress_view_topics_history_and_review(browser, app_url: str, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 900, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch(page, app_url)
    try:
        # Before any interview: the view says there is nothing yet, and no profile is made just by looking.
        page.goto(app_url + "/")
        page.click("#show-progress")
        page.wait_for_selector("#progress-empty")
        assert page.evaluate("localStorage.getItem('interviewer.candidate.v1')") is None
        page.click("#progress-back")
        page.wait_for_selector("#setup-view:not([hidden])")

        # The first interview makes the profile and keeps its token; the second reuses it.
        _interview(page, app_url, first_weak=True)
        candidate = page.evaluate("JSON.parse(localStorage.getItem('interviewer.candidate.v1'))")
        assert candidate["id"] and candidate["token"]
        _open_progress(page)
        assert page.inner_text("#stat-sessions") == "1"
        assert "Nothing is due" in page.inner_text("#due-count")  # a card missed today is due tomorrow
        assert page.locator(".topic-card").count() == 2
        # The weak answer's topic comes first (weakest first), its missed points under its questions.
        assert "missing" in page.locator(".topic-card").first.inner_text() or \
            "miss" in page.locator(".topic-card").first.inner_text()
        page.locator(".topic-items").evaluate_all("els => els.forEach(d => d.open = true)")
        assert page.locator(".topic-card").first.locator(".points.missing li").count() >= 1

        clock.advance(2 * DAY)
        page.click("#new-interview")
        _interview(page, app_url, first_weak=False)
        again = page.evaluate("JSON.parse(localStorage.getItem('interviewer.candidate.v1'))")
        assert again == candidate
        clock.advance(30 * DAY)  # every card is due again

        _open_progress(page)
        assert page.inner_text("#stat-sessions") == "2"
        assert page.inner_text("#stat-due") == "2"
        assert "2 question(s) are due" in page.inner_text("#due-count")
        cards = page.locator(".topic-card")
        assert cards.count() == 2
        names = cards.locator("h4").all_inner_texts()
        assert sorted(names) == sorted(TOPICS)
        # A chart per topic: one point per interview, described for a screen reader.
        charts = page.locator(".topic-card svg.trend")
        assert charts.count() == 2
        for i in range(2):
            assert charts.nth(i).locator("circle").count() == 2
            assert charts.nth(i).get_attribute("role") == "img"
            assert "mean score per interview" in charts.nth(i).get_attribute("aria-label")
        # History: newest first, each with a report link that has a name of its own.
        entries = page.locator("#history-list > li")
        assert entries.count() == 2
        assert all("finished" in text for text in entries.all_inner_texts())
        labels = page.locator("#history-list a.report-link").evaluate_all("els => els.map(a => a.getAttribute('aria-label'))")
        assert len(set(labels)) == 2
        _screenshot(page, "web-progress.png")

        # A report from the history opens in the page; back returns to the progress view, to that link.
        page.locator("#history-list a.report-link").last.focus()
        page.keyboard.press("Enter")  # the oldest interview, by keyboard
        page.wait_for_selector("#report-view:not([hidden]) #report svg.bars")
        assert page.inner_text("#back-to-chat") == "Back to progress"
        page.click("#back-to-chat")
        page.wait_for_selector("#progress-view:not([hidden]) #history-list")
        assert page.evaluate("document.activeElement.classList.contains('report-link')")

        # The Chinese interface.
        page.select_option("#ui-lang", "zh")
        assert "我的进度" in page.inner_text("#progress-title")
        assert "待复习" in page.inner_text("#progress-body")
        assert "有 2 道题到期" in page.inner_text("#due-count")
        assert page.inner_text("#start-review") == "开始复习"
        page.select_option("#ui-lang", "en")

        # At a phone's width nothing scrolls sideways.
        page.set_viewport_size({"width": 375, "height": 800})
        page.wait_for_timeout(300)  # the charts redraw on resize
        _no_horizontal_scroll(page)
        _screenshot(page, "web-progress-phone.png")
        page.set_viewport_size({"width": 900, "height": 900})

        # Start review: a review interview on the due items, recorded in the history as one.
        page.click("#start-review")
        page.wait_for_selector("#chat-view:not([hidden]) #transcript .msg-interviewer")
        assert _item_id_of(_last_question(page)) in ("lora", "kv")
        _open_progress(page)
        assert page.locator("#history-list > li").count() == 3
        newest = page.locator("#history-list > li").first
        assert "review" in newest.inner_text() and "in progress" in newest.inner_text()
        newest.get_by_role("button", name=re.compile("Continue")).click()
        page.wait_for_selector("#chat-view:not([hidden]) #composer:not([hidden])")

        assert watch.errors == [], watch.errors
        assert watch.outside == []
    finally:
        context.close()


def test_a_stale_candidate_token_is_replaced(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(app_url + "/")
        page.evaluate("localStorage.setItem('interviewer.candidate.v1', JSON.stringify({id: 'gone', token: 'gone'}))")
        _start(page, app_url, n=1)  # the server answers 401 to the old token: a new profile is made
        stored = page.evaluate("JSON.parse(localStorage.getItem('interviewer.candidate.v1'))")
        assert stored["token"] != "gone"
        assert page.locator("#error:not([hidden])").count() == 0
        _open_progress(page)
        assert "还没有记录" in page.inner_text("#progress-body") or page.locator("#history-list > li").count() == 1
        _no_horizontal_scroll(page)
    finally:
        context.close()
