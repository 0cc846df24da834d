"""Report export in a real browser: "Download Markdown" saves the report (fetched with the bearer token,
saved through a Blob), and the print stylesheet leaves the report alone, black on white."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.test_browser import (  # noqa: F401 (fixtures)
    _ITEMS,
    ARTIFACTS,
    CJK,
    _answer,
    _item_id_of,
    _last_question,
    _screenshot,
    _start,
    base_url,
    browser,
    page,
    strong,
)


def _finish_and_open_report(page, base_url: str, language: str = "zh") -> str:  # noqa: F811
    """One strong answer, then "end": returns the overall score as the page shows it."""
    _start(page, base_url, n=2, language=language)
    _answer(page, strong(_item_id_of(_last_question(page))))
    page.click("button[data-quick='end']")
    page.wait_for_selector("#finished-bar:not([hidden])")
    page.click("#show-report")
    page.wait_for_selector("#report svg.bars")
    page.wait_for_selector("#download-md:not([hidden])")
    return page.inner_text("#report .big-score .num")


def _download(page, tmp_path: Path) -> tuple[str, str]:  # noqa: F811
    with page.expect_download() as info:
        page.click("#download-md")
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target.read_text(encoding="utf-8")


def test_download_markdown_saves_the_report(page, base_url: str, tmp_path: Path) -> None:  # noqa: F811
    score = _finish_and_open_report(page, base_url)
    assert re.fullmatch(r"\d+\.\d", score)
    assert page.inner_text("#download-md") == "下载 Markdown" and page.inner_text("#print-report") == "打印"
    name, md = _download(page, tmp_path)
    assert re.fullmatch(r"interview-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.md", name), name
    assert md.startswith("# 面试报告\n")
    assert f"**{score}/10**" in md
    assert "## 逐题回顾" in md and "## 接下来复习" in md
    assert page.locator("#error").is_hidden()
    assert page.watch.errors == [] and page.watch.outside == []


def test_download_in_english_is_an_english_document(page, base_url: str, tmp_path: Path) -> None:  # noqa: F811
    score = _finish_and_open_report(page, base_url, language="en")
    assert page.inner_text("#download-md") == "Download Markdown"
    _name, md = _download(page, tmp_path)
    assert md.startswith("# Interview report\n") and f"**{score}/10**" in md
    # The fake bank's topic tags are Chinese words (the seed bank's are English ids): not under test here.
    text = re.sub("|".join(spec[0] for spec in _ITEMS.values() if CJK.search(spec[0])), "", md)
    assert CJK.findall(text) == [], text


def test_print_shows_the_report_alone_black_on_white(browser, base_url: str) -> None:  # noqa: F811
    from tests.web.test_browser import TIMEOUT_MS, Watch

    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="zh-CN", color_scheme="dark")
    page = context.new_page()  # noqa: F811
    page.set_default_timeout(TIMEOUT_MS)
    page.watch = Watch(page, base_url)
    try:
        _finish_and_open_report(page, base_url)
        assert page.locator(".topbar").is_visible() and page.locator("#download-md").is_visible()
        page.emulate_media(media="print")
        for hidden in (".topbar", "#download-md", "#print-report", "#back-to-chat", "#chat-view"):
            assert page.locator(hidden).is_hidden(), f"{hidden} shows in print"
        assert page.locator("#report svg.radar").is_visible() and page.locator("#report svg.bars").is_visible()
        assert page.locator("#report article.rq").first.is_visible()
        style = page.evaluate("""() => {
            const css = (sel, prop) => getComputedStyle(document.querySelector(sel)).getPropertyValue(prop);
            return {bg: css("body", "background-color"), text: css("body", "color"),
                    question: css("#report .rq-question", "color"), card: css("#report .rq", "background-color"),
                    breakInside: css("#report article.rq", "break-inside")};
        }""")
        assert style["bg"] == "rgb(255, 255, 255)" and style["text"] == "rgb(0, 0, 0)", style
        assert style["question"] == "rgb(0, 0, 0)" and style["card"] == "rgb(255, 255, 255)", style
        assert style["breakInside"] == "avoid", style
        ARTIFACTS.mkdir(exist_ok=True)
        _screenshot(page, "web-report-print.png")
        pdf = ARTIFACTS / "web-report-print.pdf"  # what "print to PDF" gives (same stylesheet)
        page.pdf(path=str(pdf), format="A4")
        assert pdf.read_bytes().startswith(b"%PDF")
        page.emulate_media(media="screen")
        assert page.locator(".topbar").is_visible() and page.locator("#download-md").is_visible()
        assert page.watch.errors == [] and page.watch.outside == []
    finally:
        context.close()
