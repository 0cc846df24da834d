"""The simulated candidates: each runs one practice interview through the HTTP API, timing every request."""

from __future__ import annotations

import asyncio
import collections
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from knowledge.textclean import LOST

MAX_TURNS = 40  # per interview: more means the server never ends it (an error)
MAX_BANK = 400  # questions whose reference text is fetched before the run
NON_ANSWERS = ("不知道", "这个我不太清楚，跳过吧", "不会")
OFF_TOPIC = "RAID 1 把数据镜像到两块磁盘上，一块坏了另一块还能继续工作。"
SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


@dataclass
class Stats:
    turns: list[float] = field(default_factory=list)  # seconds per POST .../messages
    overhead: list[float] = field(default_factory=list)  # turn minus its LLM calls x delay
    starts: list[float] = field(default_factory=list)
    reports: list[float] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    actions: collections.Counter[str] = field(default_factory=collections.Counter)
    graders: collections.Counter[str] = field(default_factory=collections.Counter)
    llm_calls: int = 0  # inferred from the replies
    finished: int = 0

    def error(self, phase: str, status: int | str, detail: str) -> None:
        self.errors.append({"phase": phase, "status": status, "detail": detail[:300]})


@dataclass
class Run:
    client: httpx.AsyncClient
    bank: dict[str, list[str]]  # item id -> reference sentences
    questions: int
    think_ms: float
    llm_delay: float  # seconds; 0 offline
    stats: Stats = field(default_factory=Stats)
    unique: bool = False  # tag every sentence of every answer, so no two answers share a sentence


async def request(run: Run, phase: str, method: str, url: str, **kwargs: Any) -> tuple[dict[str, Any] | None, float]:
    started = time.perf_counter()
    try:
        response = await run.client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        run.stats.error(phase, type(exc).__name__, str(exc))
        return None, time.perf_counter() - started
    elapsed = time.perf_counter() - started
    if not response.is_success:
        run.stats.error(phase, response.status_code, response.text)
        return None, elapsed
    return response.json(), elapsed


def compose_answer(rng: random.Random, run: Run, item_id: str | None, follow_ups: int) -> str:
    """Sentences of the reference (later ones for a follow-up), sometimes off topic or a non-answer."""
    draw = rng.random()
    if draw < 0.10:
        return rng.choice(NON_ANSWERS)
    sentences = run.bank.get(item_id or "") or [OFF_TOPIC]
    if draw < 0.18:
        return OFF_TOPIC
    first = min(follow_ups * 2 + rng.randint(0, 1), len(sentences) - 1)
    text = "".join(sentences[first : first + rng.randint(1, 3)]).replace(LOST, "")  # the bank's lost-character mark
    return ("我的理解是：" + text)[:400]


def unique_sentences(text: str, tag: str) -> str:
    """The tag before every sentence (so it opens every unit the grader embeds): the simulated answers are reference sentences, which repeat across
    candidates; real answers rarely do, and an embedding cache should not be credited for the difference."""
    return "".join(tag + part for part in SENTENCE_END.split(text) if part)


def llm_calls_of(reply_body: dict[str, Any]) -> int:
    grade = reply_body.get("evaluation") or {}
    graded = grade.get("grader") in ("llm", "offline-fallback")
    phrased = reply_body.get("action") in ("next", "follow_up") and not reply_body.get("done")
    return int(graded) + int(phrased)


async def candidate(run: Run, n: int, seed: int) -> None:
    rng = random.Random(seed * 100_003 + n)
    stats = run.stats
    body, elapsed = await request(run, "start", "POST", "/v1/sessions",
                                  json={"num_questions": run.questions, "mode": "practice"})
    stats.starts.append(elapsed)
    if body is None:
        return
    stats.llm_calls += int(run.llm_delay > 0)  # the first question is phrased
    sid, state, follow_ups = body["id"], body["state"], 0
    auth = {"Authorization": f"Bearer {body['token']}"}
    for turn in range(MAX_TURNS):
        if run.think_ms:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * run.think_ms / 1000)
        content = compose_answer(rng, run, state.get("item_id"), follow_ups)
        if run.unique:
            content = unique_sentences(content, f"（c{n}t{turn}）")
        body, elapsed = await request(run, "turn", "POST", f"/v1/sessions/{sid}/messages",
                                      json={"content": content}, headers=auth)
        if body is None:
            return
        calls = llm_calls_of(body) if run.llm_delay else 0
        stats.turns.append(elapsed)
        stats.overhead.append(elapsed - calls * run.llm_delay)
        stats.llm_calls += calls
        stats.actions[body["action"]] += 1
        if body.get("evaluation"):
            stats.graders[body["evaluation"]["grader"]] += 1
        if body["done"]:
            break
        follow_ups = follow_ups + 1 if body["action"] == "follow_up" else 0
        state = body["state"]
    else:
        stats.error("turn", "no_end", f"session {sid} still open after {MAX_TURNS} turns")
        return
    report, elapsed = await request(run, "report", "GET", f"/v1/sessions/{sid}/report", headers=auth)
    stats.reports.append(elapsed)
    if report is not None:
        if report.get("status") not in (None, "finished"):
            stats.error("report", "not_final", f"report status {report.get('status')!r}")
        else:
            stats.finished += 1


async def learn_bank(client: httpx.AsyncClient) -> dict[str, list[str]]:
    """item id -> sentences of its reference passages, through the public API (questions carry no answers)."""
    items: list[dict[str, Any]] = []
    while len(items) < MAX_BANK:
        page = (await client.get("/v1/questions", params={"limit": 100, "offset": len(items)})).raise_for_status()
        batch = page.json()["items"]
        items += batch
        if not batch or len(items) >= page.json()["total"]:
            break
    gate = asyncio.Semaphore(4)

    async def fetch(item: dict[str, Any]) -> tuple[str, list[str]]:
        async with gate:
            response = await client.get("/v1/search", params={"q": item["question"][:2000], "k": 5})
        hits = response.raise_for_status().json()["hits"]
        own = [h["text"] for h in hits if h["item_id"] == item["id"]] or [item["question"]]
        sentences = [s.strip() for s in SENTENCE_END.split("\n".join(own)) if len(s.strip()) >= 4]
        return item["id"], sentences or [item["question"]]

    return dict(await asyncio.gather(*(fetch(i) for i in items[:MAX_BANK])))
