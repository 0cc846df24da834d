"""evals/variants.py: deterministic synthetic training variants that never touch the frozen test split."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from evals import variants
from evals.variants import MIX, generate, rewrite

ITEMS = [
    {"id": "lora", "question": "什么是 LoRA？", "topics": ["fine-tuning"], "flags": [], "key_points": [
        "低秩分解：在旁路加入低秩矩阵 A 和 B，参数量只增加很少（通常不到 1%）。",
        "冻结权重：冻结预训练权重，只训练低秩矩阵，因此显存需要得更少。",
        "推理合并：推理时把增量合并回原权重，不增加推理延迟。"]},
    {"id": "kv", "question": "什么是 KV Cache？", "topics": ["inference"], "flags": [], "key_points": [
        "缓存历史：缓存历史 token 的 Key 和 Value，避免重复计算。",
        "显存增长：显存随序列长度线性增长，是长上下文推理的主要瓶颈之一。"]},
    {"id": "bert", "question": "BERT 和 GPT 有什么区别？", "topics": ["transformer"], "flags": [], "key_points": [
        "结构不同：BERT 是双向的 encoder，GPT 是单向的 decoder。",
        "训练目标：BERT 用掩码语言模型预训练，GPT 用自回归的下一个词预测。",
        "用途：BERT 适合理解类任务，GPT 适合生成类任务，它可以直接生成文本。"]},
    {"id": "rag", "question": "什么是 RAG？", "topics": ["rag"], "flags": [], "key_points": [
        "先检索：先从知识库检索相关文档，再把它们拼进提示词。",
        "减少幻觉：回答有据可查，能降低幻觉。", "知识更新：知识更新不需要重新训练模型。"]},
    {"id": "held", "question": "被冻结的测试题是什么？", "topics": ["evaluation"], "flags": [], "key_points": [
        "测试要点一：这是只在测试集里出现的独特说法甲乙丙。", "测试要点二：另一个只属于测试题的说法丁戊己。"]},
    {"id": "noans", "question": "没有答案的题？", "topics": ["basics"], "flags": ["no_answer"],
     "key_points": ["要点一很长很长。", "要点二也很长。"]},
    {"id": "one", "question": "只有一个要点的题？", "topics": ["basics"], "flags": [], "key_points": ["唯一的要点。"]},
]


@pytest.fixture()
def split(tmp_path: Path) -> Path:
    path = tmp_path / "split.json"
    path.write_text(json.dumps({"dev": [], "test": ["被冻结的测试题是什么？"]}, ensure_ascii=False), encoding="utf-8")
    return path


def test_same_seed_same_output_and_other_seed_differs(split: Path) -> None:
    first = generate(ITEMS, seed=3, per_item=8, split=split)
    assert first == generate(ITEMS, seed=3, per_item=8, split=split)
    assert first != generate(ITEMS, seed=4, per_item=8, split=split)


def test_skips_test_split_no_answer_and_single_point_items(split: Path) -> None:
    lines = generate(ITEMS, seed=0, per_item=10, split=split)
    assert {x["question"] for x in lines} == {"什么是 LoRA？", "什么是 KV Cache？", "BERT 和 GPT 有什么区别？", "什么是 RAG？"}
    # the held-out item's reference never leaks in, not even as another item's off-topic answer
    assert not any("甲乙丙" in x["answer"] or "丁戊己" in x["answer"] for x in lines)


def test_every_family_yields_valid_lines_with_scores_in_range(split: Path) -> None:
    lines = generate(ITEMS, seed=1, per_item=40, split=split)
    ranges = {"drop-k": (0, 10), "wrong": (1, 3.5), "other-item": (0, 0), "padded": (1, 3),
              "keyword-list": (2, 3.5), "injection": (0, 10), "non-answer": (0, 0)}
    assert {x["kind"] for x in lines} == set(MIX) == set(ranges)
    assert len({x["id"] for x in lines}) == len(lines)
    for x in lines:
        assert set(x) == {"id", "question", "answer", "score", "kind", "rationale", "source"}
        assert x["source"] == "synthetic" and x["rationale"]
        low, high = ranges[x["kind"]]
        assert low <= x["score"] <= high, x
    injected = [x for x in lines if x["kind"] == "injection"]
    assert all(any(a in x["answer"] for a in variants.T.INJECTIONS) for x in injected)
    assert all(x["answer"].strip() for x in lines if x["kind"] not in {"non-answer"})


def test_family_mix_roughly_follows_the_targets(split: Path) -> None:
    lines = generate(ITEMS, seed=0, per_item=50, split=split)
    for family, share in MIX.items():
        got = sum(x["kind"] == family for x in lines) / len(lines)
        assert abs(got - share) < 0.05, (family, got)


def test_drop_k_full_answer_scores_high_and_is_not_verbatim(split: Path) -> None:
    lines = generate(ITEMS, seed=2, per_item=40, split=split)
    references = {"".join(item["key_points"]) for item in ITEMS}
    drop = [x for x in lines if x["kind"] == "drop-k"]
    assert any(x["score"] >= 9 for x in drop) and any(x["score"] <= 1 for x in drop)
    assert not any(x["answer"].replace("\n", "") in references for x in drop)


def test_rewrite_never_returns_the_point_verbatim() -> None:
    rng = random.Random(0)
    for item in ITEMS:
        for point in item["key_points"]:
            for _ in range(5):
                assert rewrite(point, rng) != point


def test_wrong_variants_really_differ_from_their_source(split: Path) -> None:
    rng = random.Random(0)
    for text, op in [("参数量只增加很少", "antonym"), ("采用双向注意力", "antonym"),
                     ("通常不到 1%，共 12 层", "number"), ("它可以直接生成文本", "negation")]:
        new, applied = variants._corrupt(text, rng, text)
        assert new != text and applied == op
    assert variants._corrupt("一二三四五六", rng, "一二三四五六") == ("一二三四五六", "")
    # swapping two entities the answer names; a bare list of them is left alone
    new, op = variants._corrupt("先算 Q 和 K 的点积，再用权重加权求和得到输出里的 V", random.Random(1), "Q K V")
    assert new != "先算 Q 和 K 的点积，再用权重加权求和得到输出里的 V" and op
    wrong = [x for x in generate(ITEMS, seed=5, per_item=40, split=split) if x["kind"] == "wrong"]
    assert wrong
    clean = {rewrite(p, random.Random(s), trim=False) for item in ITEMS for p in item["key_points"] for s in range(3)}
    for x in wrong:
        assert x["answer"] not in clean
        assert any(op in x["rationale"] for op in ("antonym", "negation", "number", "entity-swap"))


def test_committed_file_is_synthetic_and_skips_the_real_test_split() -> None:
    out = Path(variants.__file__).resolve().parent / "training" / "variants.jsonl"
    if not out.exists():
        pytest.skip("no committed variants")
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert 800 <= len(lines) <= 1200
    assert all(x["source"] == "synthetic" and x["kind"] in MIX for x in lines)
    assert not {x["question"].strip() for x in lines} & variants.blocked_questions()


def test_a_test_question_is_skipped_whatever_its_punctuation(tmp_path: Path) -> None:
    """The split file and the bank spell some questions differently ("?" for "？", a lost U+FFFD): matched
    exactly, 12 of the 33 test questions fed synthetic training lines until 2026-12-01."""
    path = tmp_path / "split.json"
    path.write_text(json.dumps({"dev": [], "test": ["被冻结的测试题是什么?"]}, ensure_ascii=False), encoding="utf-8")
    lines = generate(ITEMS, seed=0, per_item=10, split=path)
    assert "被冻结的测试题是什么？" not in {x["question"] for x in lines}
    assert not any("甲乙丙" in x["answer"] or "丁戊己" in x["answer"] for x in lines)
