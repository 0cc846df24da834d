"""The web page in a real browser (Playwright + Debian's Chromium) against the real app on loopback.

The app gets injected services: a tiny bank and a keyword grader, so no embeddings are needed.
Screenshots land in test-artifacts/ (gitignored). The browser tests skip, saying why, without
Playwright or /usr/bin/chromium; the checks of the served files need neither.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from interviewer.grading.models import CRITERIA, Grade, GradeReference, GradeRequest, PointResult, RubricScore
from interviewer.session.interview import Interview
from interviewer.settings import Settings
from interviewer.web import STATIC_DIR
from knowledge.bank import QuestionBank
from knowledge.models import ItemTranslation, KeyPoint, QAItem, Reference
from tests.fakes.live_server import running

CHROMIUM = os.environ.get("INTERVIEWER_TEST_CHROMIUM", "/usr/bin/chromium")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run",
               # Anything that is not loopback fails to resolve: the page must need nothing from outside.
               "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
TIMEOUT_MS = 15_000
MAX_ANSWER_CHARS = 2_000

# topic, source, section, question, key points ("label：text"; an answer naming the label covers it)
_ITEMS = {
    "lora": ("微调", "finetune.md", "LoRA", "什么是 LoRA？它为什么省显存？",
             ["低秩分解：把权重更新分解为两个低秩矩阵的乘积",
              "冻结原模型：只训练新增的低秩矩阵，可训练参数量很小",
              "推理合并：训练后把低秩矩阵合并回原权重，推理没有额外延迟"],
             ["LoRA 的秩 r 如何选择？"]),
    "kv": ("注意力", "attention.md", "KV Cache", "什么是 KV Cache，它解决了什么问题？",
           ["缓存键值：推理时缓存已生成 token 的 K 和 V 向量",
            "避免重复计算：新 token 只需计算自己的 Q、K、V",
            "显存开销：缓存随序列长度线性增长，占用大量显存"],
           ["如何减少 KV Cache 的显存占用？"]),
    "rag": ("RAG", "rag.md", "RAG 流程", "RAG 的基本流程是什么？",
            ["文档切分：把文档切成大小合适、语义完整的块",
             "向量检索：用嵌入模型检索与问题最相关的块",
             "生成回答：把检索到的内容放进提示词让模型生成答案"],
            ["块的大小如何选择？"]),
}

# The reviewed English version of each item (knowledge/translations/en.jsonl does this for the seeds).
_EN = {
    "lora": ItemTranslation(question="What is LoRA, and why does it save GPU memory?", key_points=[
        "Low-rank decomposition: the weight update is the product of two low-rank matrices",
        "Frozen base model: only the new low-rank matrices are trained, very few parameters",
        "Merging for inference: the low-rank product is merged back, with no extra latency"],
        follow_ups=["How do you choose LoRA's rank r?"]),
    "kv": ItemTranslation(question="What is the KV cache, and what problem does it solve?", key_points=[
        "Caching keys and values: K and V of generated tokens are kept during inference",
        "No recomputation: a new token only computes its own Q, K and V",
        "Memory cost: the cache grows linearly with the sequence and takes a lot of memory"],
        follow_ups=["How do you reduce the KV cache's memory?"]),
    "rag": ItemTranslation(question="What is the basic RAG pipeline?", key_points=[
        "Chunking: split documents into well-sized, self-contained chunks",
        "Vector retrieval: an embedding model finds the chunks most relevant to the question",
        "Answer generation: the retrieved content goes into the prompt for the model to answer"],
        follow_ups=["How do you choose the chunk size?"]),
}


def _label(point: str) -> str:
    return point.split("：")[0]


def _bank() -> QuestionBank:
    items = []
    for item_id, (topic, source, section, question, points, follow_ups) in _ITEMS.items():
        answer = "\n".join(points)
        items.append(QAItem(
            id=item_id, question=question, answer=answer, follow_ups=follow_ups, topics=[topic],
            key_points=[KeyPoint(source=source, section=section, text=p, line_start=i + 1) for i, p in enumerate(points)],
            references=[Reference(source=source, section=section, text=answer, line_start=1, line_end=len(points))],
            en=_EN[item_id],
        ))
    return QuestionBank(items)


class KeywordGrader:
    """Covers a key point when the answer names its label; the score is the covered share."""

    def grade(self, request: GradeRequest) -> Grade:
        points = [PointResult(text=kp.text, source=kp.source, section=kp.section, covered=_label(kp.text) in request.answer)
                  for kp in request.key_points]
        covered = [p.text for p in points if p.covered]
        score = round(10 * len(covered) / max(1, len(points)), 1)
        return Grade(
            score=score,
            rubric=[RubricScore(criterion=c, score=min(10.0, score + (1.0 if c == "clarity" else 0.0)), comment="")
                    for c in CRITERIA],
            covered=covered,
            missing=[p.text for p in points if not p.covered],
            references=[GradeReference(source=r.source, section=r.section, text=r.text) for r in request.references],
            grader="offline",
            points=points,
            # Like a real grader's, the summary names what is missing: the page must not show it early.
            summary=_summary(request.language, covered, points),
            note="offline coverage estimate",
            item_id=request.item_id,
        )


def _summary(language: str, covered: list[str], points: list[PointResult]) -> str:
    if language == "en":  # a real grader words its summary in the requested language
        return "Some key points are covered." if covered else "No key point is covered."
    return (("覆盖了部分要点。" if covered else "没有覆盖要点。")
            + "".join(f"可以补充：{p.text}" for p in points if not p.covered)[:200])


def strong(item_id: str) -> str:
    return "我的理解：" + "；".join(_label(p) for p in _ITEMS[item_id][4]) + "。"


def weak(item_id: str) -> str:
    return f"我只知道{_label(_ITEMS[item_id][4][0])}，别的不太确定。"


def _build_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    from interviewer.api.app import create_app
    from interviewer.api.deps import Services
    from interviewer.store.sqlite import SQLiteSessionStore

    settings = Settings(data_dir=tmp_path, max_answer_chars=MAX_ANSWER_CHARS)
    bank = _bank()
    grader = KeywordGrader()
    interview = Interview(bank, grader, max_follow_ups=1, max_answer_chars=MAX_ANSWER_CHARS)
    services = Services(settings=settings, index=None, bank=bank, grader=grader, interview=interview,
                        store=SQLiteSessionStore(tmp_path / "sessions.db"), grading=None)
    app = create_app(services)
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        from interviewer.web import mount_web  # until create_app mounts the page itself

        mount_web(app)
    return app


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """The real app on a free loopback port, in a background thread (one per test: fresh rate limits)."""
    with running(_build_app(tmp_path)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Watch:
    """What the page did that a test should fail on: console errors, requests leaving the origin."""

    def __init__(self, page, origin: str) -> None:  # type: ignore[no-untyped-def]
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.accepts: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))

        def on_request(request) -> None:  # type: ignore[no-untyped-def]
            url = urlparse(request.url)
            if url.scheme in ("http", "https", "ws", "wss") and f"{url.scheme}://{url.netloc}" != origin:
                self.outside.append(request.url)
            if request.url.endswith("/messages"):
                self.accepts.append(request.headers.get("accept", ""))

        page.on("request", on_request)


@pytest.fixture
def page(browser, base_url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.watch = Watch(pg, base_url)
    try:
        yield pg
    finally:
        context.close()


def _item_id_of(question_text: str) -> str:
    for item_id, spec in _ITEMS.items():
        if spec[3] in question_text or _EN[item_id].question in question_text:
            return item_id
    raise AssertionError(f"no bank question in {question_text!r}")


def _start(page, base_url: str, *, n: int = 2, mode: str = "practice", language: str = "zh",  # type: ignore[no-untyped-def]
           topics: tuple[str, ...] = ()) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector("#topics .chip")  # GET /v1/topics rendered
    for topic in topics:
        page.locator("#topics label.chip", has_text=topic).locator("input").check()
    page.fill("#num-questions", str(n))
    page.select_option("#language", language)
    page.check(f'input[name="mode"][value="{mode}"]')
    page.click("#start")
    page.wait_for_selector("#chat-view:not([hidden]) #transcript .msg-interviewer")


def _answer(page, text: str) -> None:  # type: ignore[no-untyped-def]
    before = page.locator("#transcript .msg").count()
    page.fill("#answer", text)
    page.press("#answer", "Enter")
    # The reply is complete when the busy state is over and both new messages are in.
    page.wait_for_function(
        "n => document.querySelectorAll('#transcript .msg').length >= n + 2"
        " && document.getElementById('transcript').getAttribute('aria-busy') === 'false'",
        arg=before,
    )


def _last_question(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("#transcript .msg-interviewer .bubble").last.inner_text()


def _screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    # A viewport as tall as the page, so the sticky bars sit where a reader expects them.
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("document.scrollingElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        page.screenshot(path=str(ARTIFACTS / name))
    finally:
        page.set_viewport_size(size)


def _transcript_text(page) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", "", "".join(page.locator("#transcript .msg .bubble").all_inner_texts()))


def _no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide at a 375px viewport"


# ---- the served files (no browser needed) --------------------------------------------------------


def test_page_and_assets_are_served_with_a_strict_policy(tmp_path: Path) -> None:
    with TestClient(_build_app(tmp_path)) as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        policy = page.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        for asset, kind in (("app.js", "javascript"), ("app.css", "text/css")):
            res = client.get(f"/static/{asset}")
            assert res.status_code == 200 and kind in res.headers["content-type"]
        assert client.get("/static/nope.js").status_code == 404
        assert client.get("/healthz").status_code == 200  # the API is still there


def test_assets_fetch_nothing_remote_and_never_parse_text_as_html() -> None:
    for path in STATIC_DIR.iterdir():
        text = path.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")  # a name, not a fetch
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I), f"{path.name} references a remote URL"
    script = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, f"app.js uses {sink}"


# ---- in the browser ------------------------------------------------------------------------------


def test_practice_interview_end_to_end(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    _start(page, base_url, n=2, topics=("微调", "注意力"))
    assert "第 1/2 题" in page.inner_text("#progress")
    first = _item_id_of(_last_question(page))

    # A thin answer: graded under the answer, with a follow-up, references folded in <details>.
    _answer(page, weak(first))
    card = page.locator("#transcript .msg-candidate .feedback").last
    assert "得分" in card.inner_text() and "/10" in card.inner_text()
    assert card.locator(".points.covered li").count() == 1
    refs = card.locator("details.refs")
    assert refs.count() == 1 and refs.get_attribute("open") is None
    refs.locator("summary").click()
    assert _ITEMS[first][1] in refs.inner_text() and _ITEMS[first][2] in refs.inner_text()
    assert "追问" in _last_question(page)
    missing = card.locator("details.spoiler")  # the missed points are what the follow-up asks about
    assert missing.count() == 1 and missing.get_attribute("open") is None
    # ...and so is the grader's summary, which names them
    assert card.locator(":scope > .fb-summary").count() == 0 and missing.locator(".fb-summary").count() == 1
    assert all("text/event-stream" in accept for accept in page.watch.accepts)  # the streaming path

    # Shift+Enter is a newline, not a send.
    page.fill("#answer", "第一行")
    page.press("#answer", "Shift+Enter")
    page.keyboard.type("第二行")
    assert page.input_value("#answer") == "第一行\n第二行"
    assert page.locator("#transcript .msg-candidate").count() == 1

    # A reload mid-interview restores the transcript and its feedback from the server.
    # (live replies arrive as one message; the stored transcript has one turn per part: compare the text)
    transcript = _transcript_text(page)
    page.reload()
    page.wait_for_selector("#chat-view:not([hidden]) #transcript .msg-candidate .feedback")
    assert _transcript_text(page) == transcript
    assert page.locator("#transcript details.spoiler").count() == 1  # the follow-up is still open
    assert "第 1/2 题" in page.inner_text("#progress")

    # A full answer to the follow-up moves on; the second question gets two thin answers.
    _answer(page, strong(first))
    assert page.locator("#transcript .msg-candidate .feedback").count() == 2
    assert page.locator("#transcript details.spoiler").count() == 0  # question closed: missed points shown
    assert page.locator("#transcript .feedback").first.locator(":scope > .fb-summary").count() == 1
    second = _item_id_of(_last_question(page))
    assert second != first and "第 2/2 题" in page.inner_text("#progress")
    _answer(page, weak(second))
    _screenshot(page, "web-interview.png")
    _answer(page, weak(second))

    page.wait_for_selector("#finished-bar:not([hidden])")
    assert page.locator("#composer").is_hidden()
    page.click("#show-report")
    page.wait_for_selector("#report svg.radar")
    report = page.locator("#report")
    assert report.locator("svg.radar polygon.area").count() == 1
    assert report.locator("svg.radar text.label").count() == len(CRITERIA)
    assert report.locator("svg.bars rect.bar").count() == 2  # one bar per question
    assert report.locator("article.rq").count() == 2
    assert report.locator("article.rq .points.covered li").count() >= 4
    assert "finetune.md" in report.inner_text()  # points and study sections cite their file + heading
    assert "接下来复习" in report.inner_text()
    assert report.locator("article.rq .points.missing li").count() == 2
    assert _ITEMS[second][1] in report.locator("section.study").inner_text()
    _screenshot(page, "web-report.png")

    # A reload on the report comes back to the report; "new interview" forgets the session.
    page.reload()
    page.wait_for_selector("#report-view:not([hidden]) #report svg.bars")
    page.click("#new-interview")
    page.wait_for_selector("#setup-view:not([hidden])")
    assert page.evaluate("localStorage.getItem('interviewer.session.v1')") is None
    page.reload()
    page.wait_for_selector("#setup-view:not([hidden]) #topics .chip")
    assert page.watch.errors == [] and page.watch.outside == []


def test_phone_width_exam_in_english(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="en-US", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch(page, base_url)
    try:
        _start(page, base_url, n=2, mode="exam", language="en")
        _no_horizontal_scroll(page)
        assert page.inner_text("#send") == "Send" and page.get_attribute("html", "lang") == "en"
        item = _item_id_of(_last_question(page))
        # A long unbroken answer must wrap, not widen the page; exam mode shows no grade.
        _answer(page, "x" * 300 + " " + weak(item))
        assert page.locator("#transcript .feedback").count() == 0
        _no_horizontal_scroll(page)
        _screenshot(page, "web-mobile-chat.png")
        page.click("button[data-quick='end']")
        page.wait_for_selector("#finished-bar:not([hidden])")
        page.click("#show-report")
        page.wait_for_selector("#report svg.bars")
        assert "Study next" in page.inner_text("#report")
        _no_horizontal_scroll(page)
        _screenshot(page, "web-mobile-report.png")
        assert watch.errors == [] and watch.outside == []
    finally:
        context.close()


CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def test_practice_interview_in_english_shows_no_chinese(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    _start(page, base_url, n=2, language="en")
    first = _item_id_of(_last_question(page))
    assert _EN[first].question in _last_question(page)
    _answer(page, "hint")
    # Every point covered (the fake grader's cue is the Chinese label), so no follow-up: follow-ups are
    # worded by the phrasing layer, checked in tests/interviewer/session/test_bilingual.py.
    _answer(page, strong(first))
    page.locator("#transcript details").evaluate_all("els => els.forEach(d => d.open = true)")
    _answer(page, "skip")  # the last question: the interview ends
    page.wait_for_selector("#finished-bar:not([hidden])")
    shown = page.locator("#transcript .msg-interviewer, #transcript .feedback").all_inner_texts()
    page.click("#show-report")
    page.wait_for_selector("#report svg.bars")
    shown += [page.inner_text("#report"), page.inner_text("h1.brand"), page.inner_text("#progress")]
    _screenshot(page, "web-english-report.png")
    # The fake bank's topic tags are Chinese words (the seed bank's are English ids): not under test here.
    text = re.sub("|".join(spec[0] for spec in _ITEMS.values() if CJK.search(spec[0])), "", "\n".join(shown))
    assert CJK.findall(text) == [], text


def test_api_errors_are_shown_and_nothing_is_lost(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    _start(page, base_url, n=2, language="en")
    too_long = "LoRA " * (MAX_ANSWER_CHARS // 5 + 10)
    page.fill("#answer", too_long)
    page.click("#send")
    page.wait_for_selector("#error:not([hidden])")
    assert "too long" in page.inner_text("#error-text").lower()
    assert page.input_value("#answer") == too_long  # kept for editing
    assert page.locator("#transcript .msg-candidate").count() == 0
    assert page.is_enabled("#send")

    # Candidate text is text, never markup.
    hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b>'
    _answer(page, hostile)
    assert page.locator("#transcript .msg-candidate .bubble").last.inner_text() == hostile
    assert page.locator("#transcript img, #transcript b").count() == 0
    assert page.evaluate("window.__pwned === undefined")

    # A session finished elsewhere (another tab): 409, shown, and the page re-syncs to the end.
    sid, token = page.evaluate(
        "(() => { const s = JSON.parse(localStorage.getItem('interviewer.session.v1')); return [s.id, s.token]; })()")
    status = page.evaluate(
        "([sid, token]) => fetch(`/v1/sessions/${sid}/end`, {method: 'POST', headers: {Authorization: `Bearer ${token}`}})"
        ".then(r => r.status)", [sid, token])
    assert status == 200
    page.fill("#answer", "an answer")
    page.click("#send")
    page.wait_for_selector("#finished-bar:not([hidden])")
    assert "over" in page.inner_text("#error-text")

    # A saved session the server no longer knows: back to the start form with a message.
    page.evaluate("localStorage.setItem('interviewer.session.v1', JSON.stringify({id: 'nope', token: 't'}))")
    page.reload()
    page.wait_for_selector("#setup-view:not([hidden])")
    assert "resume" in page.inner_text("#error-text").lower()
    assert page.watch.outside == []
