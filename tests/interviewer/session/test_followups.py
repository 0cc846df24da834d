"""Follow-ups and hints: aimed at the most needed missing point, real questions, no quote of the reference."""

from __future__ import annotations

import re

import pytest

from interviewer.grading.models import Grade
from interviewer.session.followups import candidate_quote, choose_follow_up, hint_steps, next_hint
from interviewer.session.targets import ItemTexts, concept, item_texts, point_kind, targets
from knowledge.models import KeyPoint, QAItem, Reference
from knowledge.textclean import LOST

CJK = re.compile(r"[\u4e00-\u9fff]")


def ask(item: QAItem, grade: Grade, language: str = "zh", said: str = "", here=(), session=(), seed: str = "s"):
    return choose_follow_up(item, grade, item_texts(item, language), said, list(here), list(session), seed)  # type: ignore[arg-type]


def points(item: QAItem) -> list[str]:
    return [kp.text for kp in item.key_points]


def test_the_banks_own_follow_up_for_the_missing_point_comes_first(kit) -> None:
    item = kit.make_item("att-self")
    g = kit.make_grade(3, covered=points(item)[:1], missing=points(item)[1:2], item=item)
    chosen = ask(item, g)
    assert chosen.text == "为什么要除以根号 d_k？" and chosen.target == points(item)[1]


def test_without_a_fitting_seed_the_question_is_built_from_the_points_concept(kit) -> None:
    item = kit.make_item("rag-hybrid")  # no seed follow-ups
    g = kit.make_grade(3, missing=points(item), item=item)
    first = ask(item, g)
    assert "「稠密检索」" in first.text and first.target == points(item)[0]
    assert not any(p in first.text for p in points(item)) and "…" not in first.text
    assert first.text.endswith("？") and "你提到了" not in first.text  # the candidate said nothing of it
    second = ask(item, g, here=[first.target], session=[first.text])
    assert "「稀疏检索」" in second.text and second.target == points(item)[1]
    shape = lambda text: re.sub(r"「[^」]*」", "「」", text)  # noqa: E731
    assert shape(first.text) != shape(second.text)  # a different opening


def test_a_point_the_answer_touched_on_is_asked_about_before_untouched_ones(kit) -> None:
    item = kit.make_item("rag-hybrid")
    g = kit.make_grade(3, missing=points(item), item=item)
    g.points[2].partly = True
    assert [t.text for t in targets(item, g, item_texts(item, "zh"))][0] == points(item)[2]
    assert "「结果融合」" in ask(item, g).text


@pytest.mark.parametrize(
    ("said", "mentioned"),
    [
        ("我会先用稠密检索找语义相近的文档。", "稠密检索"),
        ("I would use dense retrieval first.", None),  # the label is not what they said
        ("", None),
    ],
)
def test_you_mentioned_quotes_only_the_candidates_own_words(kit, said: str, mentioned: str | None) -> None:
    item = kit.make_item("rag-hybrid")
    g = kit.make_grade(4, covered=points(item)[:1], missing=points(item)[1:], item=item)
    text = ask(item, g, said=said).text
    if mentioned:
        assert text.startswith(f"你提到了「{mentioned}」，") and mentioned in said
    else:
        assert "你提到了" not in text


def test_a_latin_term_the_candidate_wrote_is_quoted_as_they_wrote_it() -> None:
    covered = ["稀疏检索：基于 BM25 做关键词检索"]
    assert candidate_quote("先用 bm25 召回一批", covered, "什么是混合检索？", "zh") == "bm25"
    assert candidate_quote("先用 bm25 召回一批", covered, "BM25 是什么？", "zh") is None  # the question named it


def test_english_without_english_texts_quotes_no_chinese(kit) -> None:
    item = kit.make_item("rag-hybrid")
    g = kit.make_grade(3, missing=points(item), item=item)
    asked: list[str] = []
    here: list[str] = []
    for n in range(3):
        chosen = ask(item, g, "en", here=here, session=asked, seed=f"s{n}")
        asked.append(chosen.text)
        here.append(chosen.target)
    assert all(not CJK.search(text) for text in asked), asked
    assert any("“BM25”" in text for text in asked)  # a Latin term of a point may be named
    assert len(set(asked)) == 3


def test_english_texts_when_given_are_used(kit) -> None:
    item = kit.make_item("rag-hybrid")
    g = kit.make_grade(3, missing=points(item), item=item)
    texts = ItemTexts("en", "What is hybrid retrieval?",
                      ("Dense retrieval: semantic search by vector similarity", "Sparse retrieval: BM25 keywords",
                       "Fusion: merge both lists with RRF"), ())
    chosen = choose_follow_up(item, g, texts, "", [], [], "s")
    assert "“Dense retrieval”" in chosen.text and not CJK.search(chosen.text)


def damaged_item() -> QAItem:
    texts = [f"{LOST}CLIP 训练过程中，同时最大化匹配图文对的相似度", f"对齐语义空间：让图像和文本映射到统一语义空{LOST}",
             f"合法{LOST}JSON：用约束解码保证输出格式"]
    return QAItem(
        id="clip", question="CLIP 为什么要最大化匹配图文对的相似度？", answer="\n".join(texts),
        key_points=[KeyPoint(source="c.md", text=t) for t in texts],
        references=[Reference(source="c.md", text="\n".join(texts))], flags=["encoding_loss"],
    )


def test_text_that_lost_characters_is_never_quoted(kit) -> None:
    item = damaged_item()
    g = kit.make_grade(2, missing=points(item), item=item)
    asked: list[str] = []
    here: list[str] = []
    for n in range(3):
        chosen = ask(item, g, here=here, session=asked, seed=f"s{n}")
        asked.append(chosen.text)
        here.append(chosen.target)
    steps = hint_steps(item, g, item_texts(item, "zh"))
    for text in asked + steps:
        assert LOST not in text and "?" not in text and "JSON" not in text, text
    assert "「对齐语义空间」" in " ".join(asked)  # the whole label before the damage is still a name


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ("有监督学习：使用成对的数据", "有监督学习"),
        ("**基于已有模型继续训练**：避免从零训练", "基于已有模型继续训练"),
        ("优点：计算效率高，易于并行", None),  # a bare aspect word names nothing
        ("RoPE 通过旋转矩阵注入相对位置", "RoPE"),
        ("Transformer 的 token 会与其他 token 交互", None),  # vocabulary, not a concept
        ("模型幻觉是指大模型在生成内容时给出与事实不符的信息", None),  # a claim: nothing to quote whole
        (f"{LOST}CLIP 训练过程中，最大化相似度", None),
    ],
)
def test_concept_table(point: str, expected: str | None) -> None:
    assert concept(point) == expected


@pytest.mark.parametrize(
    ("point", "kind"),
    [
        ("LoRA 是一种参数高效微调方法", "definition"),
        ("相比全参微调，LoRA 显存更省", "comparison"),
        ("缺点：推理时多一次矩阵乘法", "tradeoff"),
        ("除以根号 d_k 是为了避免 softmax 饱和", "why"),
        ("例如客服对话、金融问答", "example"),
        ("通过旋转矩阵把位置信息注入注意力", "how"),
        ("Dense retrieval refers to search by embeddings", "definition"),
        ("It avoids recomputing keys because they are cached", "why"),
    ],
)
def test_point_kind(point: str, kind: str) -> None:
    assert point_kind(point) == kind


def test_follow_ups_never_repeat_and_fall_back_to_seeds_then_generic(kit) -> None:
    item = kit.make_item("rag-flow")
    g = kit.make_grade(5, covered=points(item), item=item)  # nothing missing
    asked: list[str] = []
    here: list[str] = []
    for n in range(6):
        chosen = ask(item, g, here=here, session=asked, seed=f"s{n}")
        asked.append(chosen.text)
        here.append(chosen.target or chosen.text)
    assert asked[:2] == ["块的大小如何选择？", "如何评估检索的质量？"]
    assert len(set(asked)) == 6, asked


def test_the_choice_is_deterministic_per_seed(kit) -> None:
    item = kit.make_item("rag-hybrid")
    g = kit.make_grade(3, missing=points(item), item=item)
    assert ask(item, g, seed="a") == ask(item, g, seed="a")
    assert len({ask(item, g, seed=str(n)).text for n in range(12)}) > 1  # openings vary across sessions


def test_hints_go_from_a_direction_to_a_pointer_and_never_show_a_point(kit) -> None:
    item = kit.make_item("rag-hybrid")
    texts = item_texts(item, "zh")
    given: list[str] = []
    while (step := next_hint(item, None, texts, given)) is not None:
        given.append(step)
    assert len(given) == 4
    assert "「" not in given[0] and "「稠密检索」" in given[1]  # a direction first, then the concept
    for step in given:
        assert not any(p in step for p in points(item))
        assert not any(p.split("：")[1] in step for p in points(item))


def test_english_hints_have_no_chinese(kit) -> None:
    item = kit.make_item("att-self")
    steps = hint_steps(item, None, item_texts(item, "en"))
    assert steps and all(s.startswith(("Hint:", "More specifically:")) and not CJK.search(s) for s in steps)
