"""My notes in a real browser: a knowledge base made from the page, a note uploaded from a file input (its
question count shown), an interview started on it whose first question comes from that note, a refused
file with the server's reason, a document and the knowledge base deleted.

Named knowledge bases are real (parser, index, Chroma, offline grader) over a hashing embedder, as in the
API tests. The screenshot lands in test-artifacts/web-notes.png (docs/ keeps a copy).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.api.deps import Services
from interviewer.session.interview import Interview
from interviewer.settings import Settings
from interviewer.wiring import build_knowledge_bases
from tests.fakes.embedder import HashingEmbedder
from tests.fakes.interview import KeywordIndex
from tests.fakes.live_server import running
from tests.fakes.notes import NOTES
from tests.web.test_browser import (  # noqa: F401 (browser is a fixture)
    MAX_ANSWER_CHARS,
    TIMEOUT_MS,
    KeywordGrader,
    Watch,
    _bank,
    _last_question,
    _no_horizontal_scroll,
    _screenshot,
    browser,
)

KB = "db-notes"
NOTE = "db.md"
OTHER = "cache.txt"


def _build_app_with_kbs(tmp_path: Path):  # type: ignore[no-untyped-def]
    """tests.web.test_browser's app, with named knowledge bases beside its tiny default bank."""
    from interviewer.api.app import create_app
    from interviewer.store.sqlite import SQLiteSessionStore
    from interviewer.web import mount_web

    settings = Settings(data_dir=tmp_path, max_answer_chars=MAX_ANSWER_CHARS, rate_limit_per_minute=0)
    bank = _bank()
    grader = KeywordGrader()
    interview = Interview(bank, grader, max_follow_ups=1, max_answer_chars=MAX_ANSWER_CHARS)
    index = KeywordIndex(bank)
    kbs = build_knowledge_bases(settings, index, interview, None, HashingEmbedder())
    services = Services(settings=settings, index=index, bank=bank, grader=grader, interview=interview,  # type: ignore[arg-type]
                        store=SQLiteSessionStore(tmp_path / "sessions.db"), grading=None, knowledge_bases=kbs)
    app = create_app(services)
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        mount_web(app)
    return app


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    with running(_build_app_with_kbs(tmp_path)) as url:
        yield url


def _upload(page, *files: tuple[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    """Pick files; done when the notes are rendered again (a new results list, a line per file)."""
    page.eval_on_selector("#kb-results", "ul => ul.dataset.old = '1'")
    page.set_input_files("#kb-files", files=[{"name": n, "mimeType": "text/markdown", "buffer": b} for n, b in files])
    page.wait_for_selector("#kb-results:not([data-old]) li")


def test_notes_knowledge_base_upload_interview_and_delete(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 900, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch(page, app_url)
    dialogs: list[str] = []
    try:
        page.goto(app_url + "/")
        page.wait_for_selector("#topics .chip")
        # The start form offers only the default knowledge base before any notes exist.
        assert page.locator("#knowledge-base option").all_inner_texts() == ["Default (LLM / ML interview notes)"]

        # My notes, by keyboard: nothing yet, and looking makes no profile.
        page.focus("#show-notes")
        page.keyboard.press("Enter")
        page.wait_for_selector("#notes-view:not([hidden]) #notes-empty")
        assert page.evaluate("localStorage.getItem('interviewer.candidate.v1')") is None

        # A name the server's rule refuses is refused inline, before any request.
        page.fill("#kb-name", "My Notes")
        page.press("#kb-name", "Enter")
        assert "not allowed" in page.inner_text("#kb-name-error")
        assert page.get_attribute("#kb-name", "aria-invalid") == "true"
        # Creating it (the first one makes this browser's profile).
        page.fill("#kb-name", KB)
        assert page.locator("#kb-name-error").is_hidden()
        page.press("#kb-name", "Enter")
        page.wait_for_selector("#kb-files")
        page.wait_for_function("document.activeElement && document.activeElement.id === 'kb-files'", timeout=5000)
        assert page.evaluate("JSON.parse(localStorage.getItem('interviewer.candidate.v1')).token")
        # The same name again: the server's 409 message shows under the field.
        page.fill("#kb-name", KB)
        page.click("#kb-create")
        page.wait_for_selector("#kb-name-error:not([hidden])")
        assert KB in page.inner_text("#kb-name-error")
        page.fill("#kb-name", "")

        # A note in the "## 1、问题？" format: two questions found.
        text, questions = NOTES[NOTE]
        _upload(page, (NOTE, text.encode("utf-8")))
        result = page.locator("#kb-results li")
        assert result.count() == 1 and result.first.get_attribute("class") == "ok"
        assert result.first.inner_text() == f"{NOTE}: added, 2 question(s) found."
        docs = page.locator("#kb-docs li")
        assert docs.count() == 1 and NOTE in docs.first.inner_text() and "2 question(s)" in docs.first.inner_text()

        # Two at once, one of them binary: a line each, the server's reason for the refused one.
        other, other_questions = NOTES[OTHER]
        _upload(page, (OTHER, other.encode("utf-8")), ("blob.md", b"# x\n\x00\x01"))
        lines = page.locator("#kb-results li")
        assert lines.all_inner_texts()[0] == f"{OTHER}: added, 2 question(s) found."
        assert lines.nth(1).get_attribute("class") == "refused"
        assert lines.nth(1).inner_text().startswith("blob.md: not added.") and "binary" in lines.nth(1).inner_text()
        assert page.inner_text("#notes-status") == "Upload finished: 1 added, 1 refused."
        assert page.locator("#kb-docs li").count() == 2
        _screenshot(page, "web-notes.png")
        # An empty file is refused too.
        _upload(page, ("empty.md", b""))
        assert "empty" in page.locator("#kb-results li").first.inner_text()
        assert page.locator("#kb-docs li").count() == 2

        # At a phone's width nothing scrolls sideways.
        page.set_viewport_size({"width": 375, "height": 800})
        _no_horizontal_scroll(page)
        page.set_viewport_size({"width": 900, "height": 900})

        # The Chinese interface.
        page.select_option("#ui-lang", "zh")
        assert page.inner_text("#notes-title") == "我的笔记"
        assert "已导入" not in page.inner_text("#kb-results") and "未导入" in page.inner_text("#kb-results")
        assert "笔记（2 篇）" in page.inner_text("#kb-docs-title")
        assert page.inner_text("#notes-status") == "上传完成：导入 0 个，拒绝 1 个。"
        page.select_option("#ui-lang", "en")

        # Start an interview on it: the start form has it selected; the first question is from the note.
        page.click("#kb-practise")
        page.wait_for_selector("#setup-view:not([hidden])")
        assert page.input_value("#knowledge-base") == KB
        assert page.eval_on_selector("#topics-field", "f => f.disabled")  # topics name the default bank's
        assert page.locator("#topics-default-only").is_visible()
        page.fill("#num-questions", "2")
        page.click("#start")
        page.wait_for_selector("#chat-view:not([hidden]) #transcript .msg-interviewer")
        first = _last_question(page)
        assert any(q in first for q in questions + other_questions), first

        # Back in My notes: delete the document, then the knowledge base (after a confirm).
        page.click("#show-notes")
        page.wait_for_selector("#notes-view:not([hidden]) #kb-docs li")
        page.get_by_role("button", name=f"Delete the note {NOTE}").click()
        page.wait_for_selector("#kb-docs-title:has-text('Notes (1)')")
        page.wait_for_function("document.activeElement && document.activeElement.id === 'kb-docs-title'", timeout=5000)
        assert f"Deleted {NOTE}." in page.inner_text("#notes-status")

        def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
            dialogs.append(dialog.message)
            dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

        page.on("dialog", on_dialog)
        page.click("#kb-delete")  # dismissed: nothing happens
        assert page.locator("#kb-current").count() == 1
        page.click("#kb-delete")
        page.wait_for_selector("#notes-empty")
        assert len(dialogs) == 2 and KB in dialogs[0]
        assert f"Deleted the knowledge base {KB}." in page.inner_text("#notes-status")
        page.click("#notes-back")
        page.wait_for_selector("#chat-view:not([hidden])")
        page.click("#new-interview")
        page.wait_for_selector("#setup-view:not([hidden])")
        page.wait_for_function("document.querySelectorAll('#knowledge-base option').length === 1")
        assert page.input_value("#knowledge-base") == "default"

        # The browser logs each refused request (the taken name, the binary and the empty file): nothing else.
        refused = [e for e in watch.errors if e.startswith("Failed to load resource")]
        assert sorted(e.split("status of ")[1] for e in refused) == ["400 (Bad Request)"] * 2 + ["409 (Conflict)"]
        assert [e for e in watch.errors if e not in refused] == []
        assert watch.outside == []
    finally:
        context.close()


def test_a_service_with_only_default_lists_it(tmp_path: Path) -> None:
    """The page asks every service for its knowledge bases; one without named ones answers `default`, not 404."""
    from fastapi.testclient import TestClient

    from tests.web.test_browser import _build_app

    with TestClient(_build_app(tmp_path)) as client:
        listed = client.get("/v1/knowledge-bases")
        assert listed.status_code == 200
        assert [kb["name"] for kb in listed.json()["knowledge_bases"]] == ["default"]
        assert listed.json()["knowledge_bases"][0]["read_only"] is True
