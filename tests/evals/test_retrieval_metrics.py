"""The retrieval benchmark: its metric functions, and the integrity of its labelled queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.retrieval.metrics import first_rank, hit_at, mrr
from evals.retrieval.run import DEFAULT_QUERIES, LabelError, load_queries, resolve_labels
from knowledge.bank import QuestionBank, normalise_question

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "knowledge" / "docs"


@pytest.mark.parametrize(
    ("results", "expected", "rank"),
    [
        (["a", "b", "c"], ["a"], 1),
        (["a", "b", "c"], ["c"], 3),
        (["a", "b", "c"], ["c", "b"], 2),  # the first acceptable item counts
        (["a", "b", "c"], ["z"], None),
        ([], ["a"], None),
        (["a", "b"], [], None),
    ],
)
def test_first_rank(results, expected, rank):
    assert first_rank(results, expected) == rank


@pytest.mark.parametrize(
    ("ranks", "k", "value"),
    [
        ([1, 2, 3, None], 1, 0.25),
        ([1, 2, 3, None], 3, 0.75),
        ([1, 2, 3, None], 10, 0.75),
        ([4, 5], 3, 0.0),
        ([1, 1], 1, 1.0),
        ([], 3, 0.0),
    ],
)
def test_hit_at(ranks, k, value):
    assert hit_at(ranks, k) == pytest.approx(value)


@pytest.mark.parametrize(
    ("ranks", "cutoff", "value"),
    [
        ([1], 10, 1.0),
        ([2], 10, 0.5),
        ([1, 2, 4, None], 10, (1 + 0.5 + 0.25 + 0) / 4),
        ([11], 10, 0.0),  # beyond the cutoff counts as a miss
        ([10], 10, 0.1),
        ([3, 3], 2, 0.0),
        ([], 10, 0.0),
    ],
)
def test_mrr(ranks, cutoff, value):
    assert mrr(ranks, cutoff) == pytest.approx(value)


@pytest.mark.parametrize("bad", [0, -1])
def test_metrics_reject_nonpositive_k(bad):
    with pytest.raises(ValueError):
        hit_at([1], bad)
    with pytest.raises(ValueError):
        mrr([1], bad)


# -- the query file -------------------------------------------------------------


@pytest.fixture(scope="module")
def queries():
    return load_queries(DEFAULT_QUERIES)


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    from knowledge.parsing import parse_corpus  # the parser only, no embeddings

    return QuestionBank(parse_corpus(DOCS).items)


def test_enough_queries_in_both_languages(queries):
    assert len(queries) >= 80
    assert sum(1 for q in queries if q.lang == "en") >= 15
    assert {q.lang for q in queries} == {"zh", "en"}
    assert len({q.id for q in queries}) == len(queries)


def test_every_label_resolves_to_a_bank_item(queries, bank):
    resolve_labels(queries, bank)  # raises LabelError listing every unknown label
    for q in queries:
        assert q.expected_ids, q.id
        assert len(q.expected_ids) == len(q.expected), f"{q.id}: two labels name the same item"


def test_unknown_label_fails_loudly(bank, tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(
        json.dumps(
            {"id": "x1", "query": "随便问问", "lang": "zh", "expected": ["并不存在的问题"]},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    with pytest.raises(LabelError, match="x1"):
        resolve_labels(load_queries(path), bank)


def test_queries_paraphrase_rather_than_copy(queries):
    for q in queries:
        for text in q.expected:
            assert normalise_question(q.query) != normalise_question(text), q.id
