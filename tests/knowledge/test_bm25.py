"""BM25 on a sparse matrix: a hand-computed example, the scores of the dict-of-postings scorer it replaced
(on the seeds), persistence, and the old JSON format still loading."""

from __future__ import annotations

import json
import logging
import math
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from knowledge.bank import QuestionBank
from knowledge.bm25 import BM25Index, tokenize
from knowledge.index import item_document
from knowledge.overlays import BUNDLED_DIR, BUNDLED_DOCS
from knowledge.parsing import parse_corpus

TINY = {"d1": "apple banana apple", "d2": "banana cherry", "d3": "cherry cherry cherry date"}


class Reference:
    """The scorer before the sparse matrix (commit 97934b9): JSON-style postings and a Python loop."""

    def __init__(self, docs: dict[str, str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.doc_ids = list(docs)
        self.doc_len: list[int] = []
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for doc_no, text in enumerate(docs.values()):
            counts = Counter(tokenize(text))
            self.doc_len.append(sum(counts.values()))
            for term, tf in counts.items():
                self.postings[term].append((doc_no, tf))

    def search(self, query: str, k: int = 50, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        n_docs = len(self.doc_ids)
        avg_len = sum(self.doc_len) / n_docs or 1.0
        scores: dict[int, float] = defaultdict(float)
        for term in set(tokenize(query)):
            plist = self.postings.get(term)
            if not plist:
                continue
            idf = math.log(1 + (n_docs - len(plist) + 0.5) / (len(plist) + 0.5))
            for doc_no, tf in plist:
                norm = tf + self.k1 * (1 - self.b + self.b * self.doc_len[doc_no] / avg_len)
                scores[doc_no] += idf * tf * (self.k1 + 1) / norm
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        out = [(self.doc_ids[d], s) for d, s in ranked if allowed is None or self.doc_ids[d] in allowed]
        return out[:k]


@pytest.fixture(scope="module")
def seed_docs() -> dict[str, str]:
    return {item.id: item_document(item) for item in QuestionBank(parse_corpus(BUNDLED_DOCS).items).items}


def _queries(docs: dict[str, str]) -> list[str]:
    path = BUNDLED_DIR.parent / "evals" / "retrieval" / "queries.jsonl"
    paraphrases = [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return paraphrases + [text.splitlines()[0] for text in docs.values()] + ["LoRA", "the", "未登录词汇xyz"]


def test_a_hand_computed_example() -> None:
    # N = 3 docs of 3, 2 and 4 tokens (avg 3); k1 = 1.2, b = 0.75.
    # "apple": df 1, idf = ln(1 + 2.5 / 1.5); d1 has tf 2 and length 3 -> norm = 2 + 1.2 * 1.
    # "cherry": df 2, idf = ln(1 + 1.5 / 2.5); d2: tf 1, len 2 -> norm = 1 + 1.2 * (0.25 + 0.5);
    #                                          d3: tf 3, len 4 -> norm = 3 + 1.2 * (0.25 + 1.0).
    index = BM25Index.build(TINY)
    apple, cherry = math.log(1 + 2.5 / 1.5), math.log(1 + 1.5 / 2.5)
    assert index.search("apple") == [("d1", pytest.approx(apple * 2 * 2.2 / 3.2, abs=1e-12))]
    assert index.search("apple cherry") == [
        ("d1", pytest.approx(apple * 4.4 / 3.2, abs=1e-12)),  # 1.34864
        ("d3", pytest.approx(cherry * 3 * 2.2 / 4.5, abs=1e-12)),  # 0.68921
        ("d2", pytest.approx(cherry * 2.2 / 1.9, abs=1e-12)),  # 0.54420
    ]
    assert round(index.search("apple")[0][1], 5) == 1.34864
    assert index.search("apple cherry", k=1, allowed={"d2", "d3"})[0][0] == "d3"
    assert index.search("kiwi") == [] and index.search("banana", k=0) == []


def test_ties_break_by_document_order_even_at_the_cut() -> None:
    docs = {f"d{n}": "same words here" for n in range(6)}
    assert [d for d, _ in BM25Index.build(docs).search("words", k=3)] == ["d0", "d1", "d2"]
    assert BM25Index.build({}).search("words") == []


def test_scores_and_rankings_match_the_scorer_it_replaced_on_the_seeds(seed_docs: dict[str, str]) -> None:
    old, new = Reference(seed_docs), BM25Index.build(seed_docs)
    some = set(list(seed_docs)[::3])
    for query in _queries(seed_docs):
        for k, allowed in ((50, None), (1000, None), (5, some)):
            before, after = old.search(query, k, allowed), new.search(query, k, allowed)
            assert [d for d, _ in after] == [d for d, _ in before], query
            assert all(abs(a - b) <= 1e-6 for (_, a), (_, b) in zip(after, before, strict=True)), query


def test_saved_as_npz_and_loaded_back(tmp_path: Path, seed_docs: dict[str, str]) -> None:
    index = BM25Index.build(seed_docs)
    index.save(tmp_path / "bm25.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bm25.json", "bm25.npz"]
    loaded = BM25Index.load(tmp_path / "bm25.json")
    for query in _queries(seed_docs)[:40]:
        assert loaded.search(query) == index.search(query)


def test_an_index_in_the_old_json_postings_format_still_loads(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old = Reference(TINY)
    path = tmp_path / "bm25.json"
    path.write_text(json.dumps({"k1": old.k1, "b": old.b, "doc_ids": old.doc_ids, "doc_len": old.doc_len,
                                "postings": old.postings}), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="knowledge.bm25"):
        loaded = BM25Index.load(path)
    assert "old format" in caplog.text
    for query in ("apple cherry", "banana", "date apple"):
        after, before = loaded.search(query), old.search(query)
        assert [d for d, _ in after] == [d for d, _ in before]
        assert [s for _, s in after] == pytest.approx([s for _, s in before], abs=1e-12)
