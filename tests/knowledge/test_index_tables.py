"""What a loaded index holds compactly: the chunk table and the question bank give back exactly what was
written, share repeated strings, and refuse malformed files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from knowledge.bank import QuestionBank
from knowledge.chunk_table import ChunkTable
from knowledge.chunking import corpus_chunks
from knowledge.errors import IndexNotReady, NotFound
from knowledge.models import KeyPoint, QAItem, Reference


def _items() -> list[QAItem]:
    def item(n: int, topics: list[str]) -> QAItem:
        ref = Reference(source=f"note{n % 2}.md", section="§ 训练", line_start=3 + n, line_end=9 + n, title="笔记",
                        text=f"答案 {n}")
        points = [KeyPoint(source=ref.source, section=ref.section, line_start=ref.line_start, line_end=ref.line_end,
                           title=ref.title, text=f"要点 {n}.{k}：LoRA 只训练低秩矩阵") for k in range(3)]
        return QAItem(id=f"q{n}", question=f"问题 {n}？", answer=f"答案 {n}", key_points=points, topics=topics,
                      references=[ref])

    return [item(n, ["fine-tuning", "training"] if n % 2 else ["rag"]) for n in range(6)]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


def test_table_returns_the_chunks_written(tmp_path: Path) -> None:
    chunks = corpus_chunks(_items())
    table = ChunkTable.load(_write(tmp_path / "chunks.json", [c.model_dump() for c in chunks]))
    assert len(table) == len(chunks) and list(table) == [c.id for c in chunks]
    for c in chunks:
        assert table[c.id] == c and table.get(c.id) == c and c.id in table
        assert (table.item_id(c.id), table.source(c.id), table.kind(c.id)) == (c.item_id, c.source, c.kind)
    assert table.get("nope") is None and table.item_id("nope") is None and "nope" not in table
    assert {cid for cid, chunk in table.items() if chunk.source == "note1.md"} == {
        c.id for c in chunks if c.source == "note1.md"}


def test_repeated_strings_are_stored_once(tmp_path: Path) -> None:
    chunks = corpus_chunks(_items())
    table = ChunkTable.load(_write(tmp_path / "chunks.json", [c.model_dump() for c in chunks]))
    rows = list(table._rows.values())
    assert len({id(r[4]) for r in rows}) == 2  # two source files, two string objects
    assert len({id(r[3]) for r in rows}) == 2  # two topic lists
    # a chunk handed out is its own copy: changing it changes nothing in the table
    first = chunks[0].id
    table[first].topics.append("changed")
    assert "changed" not in table[first].topics


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('[{"id": "a", "item_id": "q", "kind": "point"}]', ValidationError),  # no text
        ('[{"id": "a", "item_id": "q", "kind": "point", "text": "t", "source": "s"}', ValueError),  # not closed
        ('[["not", "an", "object"]]', ValueError),
        ("not json", ValueError),
    ],
)
def test_a_malformed_file_is_refused(tmp_path: Path, text: str, error: type[Exception]) -> None:
    path = tmp_path / "chunks.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error):
        ChunkTable.load(path)


def test_an_empty_table(tmp_path: Path) -> None:
    assert len(ChunkTable.load(_write(tmp_path / "chunks.json", []))) == 0


# --- the question bank ---------------------------------------------------------------------------------
def test_a_loaded_bank_gives_back_the_items_saved(tmp_path: Path) -> None:
    items = _items()
    eager = QuestionBank(items)
    eager.save(tmp_path / "bank.json")
    loaded = QuestionBank.load(tmp_path / "bank.json")
    for bank in (eager, loaded):
        assert len(bank) == 6 and bank.ids == [i.id for i in items] and bank.items == items
        assert bank.get("q3") == items[3] and bank.find_by_question("问题 3") == items[3]
        assert bank.find_by_question("问题 9") is None
        assert bank.topics() == {"fine-tuning": 3, "rag": 3, "training": 3}
        assert [s.id for s in bank.summaries(["rag"])] == ["q0", "q2", "q4"]
        assert bank.by_topics(["training"]) == [items[1], items[3], items[5]]
        s = bank.summary("q1")
        assert (s.question, s.topics, s.sources, s.key_points, s.has_answer) == (
            "问题 1？", ("fine-tuning", "training"), ("note1.md",), 3, True)
        with pytest.raises(NotFound):
            bank.get("nope")
        with pytest.raises(NotFound):
            bank.summary("nope")


def test_a_loaded_bank_shares_topic_lists_and_builds_items_on_demand(tmp_path: Path) -> None:
    QuestionBank(_items()).save(tmp_path / "bank.json")
    bank = QuestionBank.load(tmp_path / "bank.json")
    assert len({id(s.topics) for s in bank.summaries()}) == 2
    first = bank.get("q0")
    assert bank.get("q0") is first  # remembered
    first_again = QuestionBank.load(tmp_path / "bank.json").get("q0")
    assert first_again == first and first_again is not first


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('[{"id": "q1"}]', ValidationError),  # no question
        ('[{"id": "q1", "question": "问？"}', ValueError),
        ('{"id": "q1", "question": "问？"}', ValueError),
    ],
)
def test_a_malformed_bank_is_refused_when_loaded(tmp_path: Path, text: str, error: type[Exception]) -> None:
    path = tmp_path / "bank.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error):
        QuestionBank.load(path)


def test_a_missing_bank_says_to_ingest(tmp_path: Path) -> None:
    with pytest.raises(IndexNotReady, match="interviewer ingest"):
        QuestionBank.load(tmp_path / "bank.json")
