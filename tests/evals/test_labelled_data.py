"""The committed labelled data keeps the frozen split: every answer on its side of it, no training line on a
test question. Questions are compared as the bank matches them (knowledge.bank.normalise_question): the split
file, the labelled files and the bank spell some questions differently ("?" / "？", a lost U+FFFD)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from evals.labelled import read_jsonl
from knowledge.bank import normalise_question

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "evals" / "labelled"
SPLIT = json.loads((LABELLED / "split.json").read_text(encoding="utf-8"))
DEV, TEST = read_jsonl(LABELLED / "dev.jsonl"), read_jsonl(LABELLED / "test.jsonl")
DEV_EN = ROOT / "evals" / "training" / "translated" / "dev-en.jsonl"  # their English translations
KINDS = {"excellent", "good", "partial", "wrong-but-fluent", "padded", "injection", "different-question", "off-topic",
         "non-answer", "english", "about-injection", "confused-term", "keyword-list", "thin"}


def keys(questions: Iterable[str]) -> set[str]:
    return {normalise_question(q) for q in questions}


def test_the_split_sides_are_disjoint_and_each_answer_is_on_its_side() -> None:
    dev, test = keys(SPLIT["dev"]), keys(SPLIT["test"])
    assert not dev & test
    assert keys(r["question"] for r in DEV) <= dev
    assert keys(r["question"] for r in TEST) <= test


def test_answers_are_well_formed() -> None:
    ids = [r["id"] for r in DEV + TEST]
    assert len(ids) == len(set(ids))
    for r in DEV + TEST:
        assert r["kind"] in KINDS, r["id"]
        assert 0 <= r["score"] <= 10 and str(r.get("rationale", "")).strip(), r["id"]


def test_no_training_line_is_on_a_test_question() -> None:
    test = keys(SPLIT["test"])
    training = [ROOT / "evals" / "training" / "variants.jsonl", DEV_EN,
                *sorted((ROOT / "evals" / "training" / "misses").glob("*.jsonl"))]
    for path in training:
        assert not [r["id"] for r in read_jsonl(path) if normalise_question(r["question"]) in test], path.name


def test_each_translation_carries_its_originals_question_score_and_kind() -> None:
    originals = {r["id"]: r for r in DEV}
    for r in read_jsonl(DEV_EN):
        original = originals[r["source_id"]]
        assert (r["question"], r["score"], r["kind"]) == (original["question"], original["score"], original["kind"])


def test_the_classifier_only_rounds_are_well_formed_dev_answers() -> None:
    from evals.training.off_topic import OFF_TOPIC_KINDS

    dev = keys(SPLIT["dev"])
    rows = [r for path in sorted((ROOT / "evals" / "training" / "misses").glob("*.jsonl")) for r in read_jsonl(path)]
    assert rows, "no classifier-only round found"
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) and not set(ids) & {r["id"] for r in DEV + TEST}
    for r in rows:
        assert normalise_question(r["question"]) in dev, r["id"]
        assert r["kind"] in KINDS and str(r.get("rationale", "")).strip(), r["id"]
        # an answer that misses the question scores near 0; the good ones are what the classifier must not flag
        assert (r["score"] <= 1) if r["kind"] in OFF_TOPIC_KINDS else (r["score"] >= 6), r["id"]
        if "answer_en" in r:
            assert r["answer_en"].strip() and not any("\u4e00" <= c <= "\u9fff" for c in r["answer_en"]), r["id"]


def test_the_two_turn_round_is_written_as_the_interview_grades_a_follow_up() -> None:
    """Round h10: a first answer and the answer to its follow-up, joined as session.scoring.answer_so_far joins them
    (so the scorer learns from the very text it grades in a follow-up turn), each kind with its English translation
    except the native English one."""
    from interviewer.session.scoring import answer_so_far

    rows = [r for r in DEV if r["id"].startswith("h10-")]
    translated = {r["source_id"]: r["answer"] for r in read_jsonl(DEV_EN)}
    assert len(rows) == 225
    for r in rows:
        first, follow_up = r["answer"].split("\n")
        assert first.strip() and follow_up.strip() and r["answer"] == answer_so_far([first], follow_up), r["id"]
        assert (r["id"] in translated) == (not r["id"].endswith("-fu-en-completes")), r["id"]
