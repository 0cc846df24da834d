"""/v1/knowledge-bases: a candidate's notes as a knowledge base to search and be interviewed on.

The default bank is the tests' keyword bank; named knowledge bases are real (parser, index, Chroma, the
configured offline grader) over a hashing embedder, so no model is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import knowledge.parsing as parsing
from interviewer.api.deps import Services
from tests.fakes.embedder import HashingEmbedder
from tests.fakes.notes import MD_HEADINGS, NOTES, PLAIN_NOTES, Q_BLOCKS

QUESTIONS = {q for _text, questions in NOTES.values() for q in questions}
KB = "my-notes"


def candidate(client: TestClient) -> dict[str, str]:
    response = client.post("/v1/candidates", json={})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def owner(client: TestClient) -> dict[str, str]:
    auth = candidate(client)
    response = client.post("/v1/knowledge-bases", json={"name": KB}, headers=auth)
    assert response.status_code == 201, response.text
    assert response.json() | {"created_at": 0} == {"name": KB, "created_at": 0, "mine": True, "read_only": False}
    return auth


def upload(client: TestClient, auth: dict[str, str], name: str, content: str | bytes, raw: bool = False,
           kb: str = KB) -> Any:
    url = f"/v1/knowledge-bases/{kb}/documents"
    if raw:
        data = content.encode() if isinstance(content, str) else content
        return client.post(url, params={"name": name}, content=data,
                           headers={**auth, "Content-Type": "text/markdown"})
    return client.post(url, json={"name": name, "content": content}, headers=auth)


def observe(client: TestClient, auth: dict[str, str], kb: str = KB) -> tuple[Any, Any]:
    docs = client.get(f"/v1/knowledge-bases/{kb}/documents", headers=auth)
    search = client.get("/v1/search", params={"q": "什么是 B+ 树", "k": 10, "knowledge_base": kb}, headers=auth)
    return docs.json(), search.json() if search.status_code == 200 else search.status_code


def play(client: TestClient, auth: dict[str, str], **plan: Any) -> tuple[list[str], dict[str, Any]]:
    """Start an interview and answer until it ends; the questions asked and the report."""
    started = client.post("/v1/sessions", json=plan, headers=auth)
    assert started.status_code == 201, started.text
    sid, token = started.json()["id"], {"Authorization": f"Bearer {started.json()['token']}"}
    asked, sources = [], set()
    for _ in range(60):
        state = client.get(f"/v1/sessions/{sid}", headers=token).json()
        asked.append(state["state"]["item_id"])
        reply = client.post(f"/v1/sessions/{sid}/messages", headers=token,
                            json={"content": "它把数据放在叶子节点，读取快照，节点请求投票获得多数票。"})
        assert reply.status_code == 200, reply.text
        sources |= {r["source"] for r in (reply.json()["evaluation"] or {}).get("references", [])}
        if reply.json()["done"]:
            break
    report = client.get(f"/v1/sessions/{sid}/report", headers=token).json()
    report["sources_seen"] = sources
    return asked, report


def test_notes_in_the_five_formats_give_an_interview_drawn_only_from_them(client: TestClient,
                                                                          owner: dict[str, str]) -> None:
    for number, (name, (text, _questions)) in enumerate(NOTES.items()):
        response = upload(client, owner, name, text, raw=number % 2 == 1)  # JSON and raw bodies both
        assert response.status_code == 201, response.text
        assert response.json()["questions"] == 2
    listed = client.get(f"/v1/knowledge-bases/{KB}/documents", headers=owner).json()["documents"]
    assert {d["name"]: d["questions"] for d in listed} == {name: 2 for name in NOTES}

    _asked, report = play(client, owner, knowledge_base=KB, num_questions=10)
    questions = [q["question"] for q in report["questions"]]
    assert len(questions) == 10 and set(questions) == QUESTIONS
    cited = report["sources_seen"] | {ref["source"] for q in report["questions"] for ref in q.get("references", [])}
    assert cited and cited <= set(NOTES)

    hits = client.get("/v1/search", params={"q": "缓存穿透 布隆过滤器", "knowledge_base": KB}, headers=owner).json()
    assert hits["hits"][0]["source"] == "cache.txt" and {h["source"] for h in hits["hits"]} <= set(NOTES)
    default = client.get("/v1/search", params={"q": "缓存穿透 布隆过滤器"}).json()
    assert not {h["source"] for h in default["hits"]} & set(NOTES)  # the default bank is untouched


def _gbk() -> bytes:
    return MD_HEADINGS.replace("B+ 树", "红黑树").replace("MVCC", "WAL").encode("gb18030")


BAD: list[tuple[str, str, bytes | str, bool, int, str, str]] = [
    # id, name, content, raw body, status, code, in the message
    ("binary", "blob.md", b"# x\n\x00\x01", True, 400, "invalid_document", "binary file"),
    ("not utf-8", "latin.md", b"## caf\xe9 cr\xe8me", True, 400, "invalid_document", "nor GB18030"),
    ("empty", "empty.md", "   \n", False, 400, "invalid_document", "empty file"),
    ("no questions", "prose.md", "今天天气很好。\n", False, 400, "no_questions", "five seed formats"),
    ("too large", "big.md", b"# x\n" + b"a" * (parsing.MAX_FILE_BYTES + 1), True, 413, "document_too_large",
     "the limit is 5,000,000"),
    ("wrong type", "notes.docx", MD_HEADINGS, False, 400, "invalid_document", "only .md, .markdown, .txt"),
    ("parent path", "../x.md", MD_HEADINGS, False, 400, "invalid_name", "not a path"),
    ("sub path", "a/b.md", MD_HEADINGS, False, 400, "invalid_name", "not a path"),
    ("absolute", "/tmp/x.md", MD_HEADINGS, False, 400, "invalid_name", "not a path"),
    ("nul", "x\x00.md", MD_HEADINGS, False, 400, "invalid_name", "control characters"),
    ("raw parent path", "../x.md", MD_HEADINGS, True, 400, "invalid_name", "not a path"),
    ("duplicate", "db.md", Q_BLOCKS, False, 409, "already_exists", "already has a document named 'db.md'"),
]


@pytest.mark.parametrize(("name", "content", "raw", "status", "code", "message"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_a_bad_note_gets_its_4xx_and_changes_nothing(client: TestClient, owner: dict[str, str], name: str,
                                                     content: bytes | str, raw: bool, status: int, code: str,
                                                     message: str) -> None:
    assert upload(client, owner, "db.md", MD_HEADINGS).status_code == 201
    before = observe(client, owner)
    response = upload(client, owner, name, content, raw=raw)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code), response.text
    assert message in response.json()["error"]["message"]
    assert observe(client, owner) == before


def test_a_gb18030_note_is_converted(client: TestClient, owner: dict[str, str]) -> None:
    response = upload(client, owner, "gbk.md", _gbk(), raw=True)
    assert response.status_code == 201, response.text
    hits = client.get("/v1/search", params={"q": "红黑树", "knowledge_base": KB}, headers=owner).json()["hits"]
    assert hits[0]["question"] == "什么是 红黑树？"


@pytest.mark.parametrize("settings_overrides", [{"kb_max_documents": 1}])
def test_the_document_cap(client: TestClient, owner: dict[str, str]) -> None:
    assert upload(client, owner, "db.md", MD_HEADINGS).status_code == 201
    before = observe(client, owner)
    response = upload(client, owner, "cache.txt", PLAIN_NOTES)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "too_many_documents")
    assert observe(client, owner) == before


def test_deleting_a_document_removes_its_questions(client: TestClient, owner: dict[str, str]) -> None:
    for name in ("db.md", "cache.txt"):
        assert upload(client, owner, name, NOTES[name][0]).status_code == 201
    assert client.delete(f"/v1/knowledge-bases/{KB}/documents/db.md", headers=owner).status_code == 204
    hits = client.get("/v1/search", params={"q": "什么是 B+ 树", "k": 10, "knowledge_base": KB}, headers=owner)
    assert {h["source"] for h in hits.json()["hits"]} == {"cache.txt"}
    again = client.delete(f"/v1/knowledge-bases/{KB}/documents/db.md", headers=owner)
    assert again.status_code == 404
    _asked, report = play(client, owner, knowledge_base=KB, num_questions=5)
    assert {q["question"] for q in report["questions"]} == set(NOTES["cache.txt"][1])
    progress = client.get("/v1/candidates/me/progress", headers=owner)
    assert progress.status_code == 200
    assert {item["question"] for item in progress.json()["items"]} == set(NOTES["cache.txt"][1])

    assert client.delete(f"/v1/knowledge-bases/{KB}/documents/cache.txt", headers=owner).status_code == 204
    empty = client.post("/v1/sessions", json={"knowledge_base": KB}, headers=owner)
    assert (empty.status_code, empty.json()["error"]["code"]) == (409, "empty_knowledge_base")


def test_another_candidates_token_can_do_nothing_with_it(client: TestClient, owner: dict[str, str]) -> None:
    assert upload(client, owner, "db.md", MD_HEADINGS).status_code == 201
    before = observe(client, owner)
    other = candidate(client)
    attempts = [
        client.get(f"/v1/knowledge-bases/{KB}/documents", headers=other),
        upload(client, other, "cache.txt", PLAIN_NOTES),
        upload(client, other, "cache.txt", PLAIN_NOTES, raw=True),
        client.delete(f"/v1/knowledge-bases/{KB}/documents/db.md", headers=other),
        client.delete(f"/v1/knowledge-bases/{KB}", headers=other),
        client.post("/v1/sessions", json={"knowledge_base": KB}, headers=other),
        client.post("/v1/sessions", json={"knowledge_base": KB}),  # anonymous
        client.get("/v1/search", params={"q": "B+ 树", "knowledge_base": KB}, headers=other),
        client.get("/v1/search", params={"q": "B+ 树", "knowledge_base": KB}),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts), [r.text for r in attempts]
    assert all(r.json()["error"]["code"] == "forbidden" for r in attempts)
    names = [kb["name"] for kb in client.get("/v1/knowledge-bases", headers=other).json()["knowledge_bases"]]
    assert names == ["default"]
    assert [kb["name"] for kb in client.get("/v1/knowledge-bases", headers=owner).json()["knowledge_bases"]] == [
        "default", KB]
    assert observe(client, owner) == before


def test_writes_need_a_candidate_token(client: TestClient, owner: dict[str, str]) -> None:
    unauthenticated = [
        client.post("/v1/knowledge-bases", json={"name": "x"}),
        client.post(f"/v1/knowledge-bases/{KB}/documents", json={"name": "a.md", "content": MD_HEADINGS}),
        client.delete(f"/v1/knowledge-bases/{KB}"),
        client.post("/v1/knowledge-bases", json={"name": "x"}, headers={"Authorization": "Bearer nope"}),
    ]
    assert [r.status_code for r in unauthenticated] == [401, 401, 401, 401]
    raw = client.post(f"/v1/knowledge-bases/{KB}/documents", params={"name": "a.md"}, content=MD_HEADINGS.encode(),
                      headers={"Content-Type": "text/plain"})  # a cross-site form's request: no bearer
    assert raw.status_code == 415
    default = upload(client, owner, "a.md", MD_HEADINGS, kb="default")
    assert (default.status_code, default.json()["error"]["code"]) == (403, "forbidden")


def test_knowledge_base_names_and_lifecycle(client: TestClient, owner: dict[str, str]) -> None:
    cases = [
        (client.post("/v1/knowledge-bases", json={"name": "Bad Name"}, headers=owner), 400, "invalid_name"),
        (client.post("/v1/knowledge-bases", json={"name": "../x"}, headers=owner), 400, "invalid_name"),
        (client.post("/v1/knowledge-bases", json={"name": KB}, headers=owner), 409, "already_exists"),
        (client.post("/v1/knowledge-bases", json={"name": "default"}, headers=owner), 409, "already_exists"),
        (client.get("/v1/knowledge-bases/nope/documents", headers=owner), 404, "not_found"),
        (upload(client, owner, "a.md", MD_HEADINGS, kb="nope"), 404, "not_found"),
        (client.post("/v1/sessions", json={"knowledge_base": "nope"}, headers=owner), 404, "not_found"),
        (client.get("/v1/search", params={"q": "x", "knowledge_base": "nope"}), 404, "not_found"),
        (client.post("/v1/sessions", json={"knowledge_base": KB}, headers=owner), 409, "empty_knowledge_base"),
    ]
    assert [(r.status_code, r.json()["error"]["code"]) for r, *_ in cases] == [(s, c) for _r, s, c in cases]
    assert upload(client, owner, "db.md", MD_HEADINGS).status_code == 201
    assert client.delete(f"/v1/knowledge-bases/{KB}", headers=owner).status_code == 204
    assert client.get(f"/v1/knowledge-bases/{KB}/documents", headers=owner).status_code == 404
    assert client.post("/v1/knowledge-bases", json={"name": KB}, headers=owner).status_code == 201
    assert client.get(f"/v1/knowledge-bases/{KB}/documents", headers=owner).json()["documents"] == []


def test_a_session_on_a_knowledge_base_keeps_working_with_its_session_token(client: TestClient,
                                                                            owner: dict[str, str]) -> None:
    assert upload(client, owner, "db.md", MD_HEADINGS).status_code == 201
    started = client.post("/v1/sessions", json={"knowledge_base": KB, "num_questions": 1}, headers=owner).json()
    assert started["state"]["item_id"] and started["message"]
    token = {"Authorization": f"Bearer {started['token']}"}
    transcript = client.get(f"/v1/sessions/{started['id']}", headers=token).json()
    assert transcript["plan"]["knowledge_base"] == KB
    history = client.get("/v1/candidates/me/sessions", headers=owner).json()["sessions"]
    assert [h["id"] for h in history] == [started["id"]]


def test_interviewer_ingest_kb_makes_a_read_only_knowledge_base_every_caller_reads(
    client: TestClient, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import interviewer.wiring as wiring
    from interviewer.cli import main

    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(services.settings.data_dir))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr(wiring, "load_embedder", lambda _name: HashingEmbedder())
    notes = tmp_path / "mine"
    notes.mkdir()
    for name, (text, _questions) in NOTES.items():
        (notes / name).write_text(text, encoding="utf-8")
    (notes / "empty.md").write_text("", encoding="utf-8")

    assert main(["ingest", "--docs", str(notes), "--kb", "team", "--json"]) == 0
    out, err = capsys.readouterr()
    stats = json.loads(out.strip().splitlines()[-1])
    assert (stats["documents"], stats["items"]) == (5, 10) and stats["embedded"] == stats["chunks"]
    assert "skipped empty.md: empty.md: empty file" in err
    assert main(["ingest", "--kb", "team", "--json"]) == 0  # its own notes again: nothing to embed
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["embedded"] == 0
    assert not (services.settings.index_dir).exists()  # default untouched

    assert main(["ingest", "--docs", str(tmp_path / "missing"), "--kb", "other"]) == 2
    assert main(["ingest", "--kb", "Bad/Name"]) == 2
    assert "invalid knowledge base name" in capsys.readouterr().err
    assert main(["ingest", "--kb", "nope"]) == 2

    anyone = candidate(client)
    for auth in ({}, anyone):
        listed = client.get("/v1/knowledge-bases", headers=auth).json()["knowledge_bases"]
        assert [(kb["name"], kb["read_only"]) for kb in listed] == [("default", True), ("team", True)]
        hits = client.get("/v1/search", params={"q": "倒排索引", "knowledge_base": "team"}, headers=auth).json()
        assert hits["hits"][0]["source"] == "search.markdown"
    _asked, report = play(client, {}, knowledge_base="team", num_questions=3)
    assert {q["question"] for q in report["questions"]} <= QUESTIONS
    refused = upload(client, anyone, "x.md", MD_HEADINGS, kb="team")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    assert "managed from the command line" in refused.json()["error"]["message"]


def test_a_deleted_knowledge_base_leaves_its_sessions_readable(client: TestClient, owner: dict[str, str]) -> None:
    assert upload(client, owner, "db.md", MD_HEADINGS).status_code == 201
    started = client.post("/v1/sessions", json={"knowledge_base": KB, "num_questions": 2}, headers=owner).json()
    token = {"Authorization": f"Bearer {started['token']}"}
    assert client.delete(f"/v1/knowledge-bases/{KB}", headers=owner).status_code == 204
    answer = client.post(f"/v1/sessions/{started['id']}/messages", json={"content": "叶子节点"}, headers=token)
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "not_found")
    assert client.get(f"/v1/sessions/{started['id']}/report", headers=token).status_code == 200
    assert client.get(f"/v1/sessions/{started['id']}", headers=token).status_code == 200


def test_a_second_worker_serves_what_the_first_uploaded(client: TestClient, owner: dict[str, str],
                                                        services: Services, store: Any) -> None:
    from interviewer.api.app import create_app
    from tests.fakes.interview import make_services

    other_worker = make_services(store, services.settings, clock=services.clock)
    with TestClient(create_app(other_worker), raise_server_exceptions=False) as second:
        assert upload(client, owner, "db.md", MD_HEADINGS).status_code == 201
        found = second.get("/v1/search", params={"q": "B+ 树", "knowledge_base": KB}, headers=owner).json()
        assert {h["source"] for h in found["hits"]} == {"db.md"}
        assert upload(client, owner, "cache.txt", PLAIN_NOTES).status_code == 201
        found = second.get("/v1/search", params={"q": "缓存穿透", "knowledge_base": KB}, headers=owner).json()
        assert found["hits"][0]["source"] == "cache.txt"
        assert client.delete(f"/v1/knowledge-bases/{KB}", headers=owner).status_code == 204
        gone = second.get("/v1/search", params={"q": "缓存穿透", "knowledge_base": KB}, headers=owner)
        assert gone.status_code == 404
        assert client.post("/v1/knowledge-bases", json={"name": KB}, headers=owner).status_code == 201
        assert upload(client, owner, "db.md", MD_HEADINGS).status_code == 201  # the same name made anew
        assert upload(second, owner, "cache.txt", PLAIN_NOTES).status_code == 201  # by the other worker
        found = client.get("/v1/search", params={"q": "缓存穿透", "knowledge_base": KB}, headers=owner).json()
        assert found["hits"][0]["source"] == "cache.txt"
