"""The server decides what happens after an answer; the model (if any) only phrases it.

Rule, in order, on the question's merged grade (a follow-up answer is graded together with the earlier
answers; the merge keeps the best score and the union of covered points, and the latest turn's flags):
1. a non-answer / empty / off-topic answer -> move on, no follow-up;
2. the grader judged the answer complete (`Grade.complete`, the offline grader's learned threshold) -> move
   on; or, for a grader that makes no such judgement (an LLM's grade), score >= EXCELLENT, or score >=
   GOOD_ENOUGH with few key points missing (at most one, or at most a third) -> move on;
3. the grader judged it incomplete -> no move on by score;
4. a follow-up was asked and nothing is missing any more -> move on (the follow-ups did their job);
5. follow-ups left (fewer than max_follow_ups asked for this question) -> follow up on what is missing;
6. otherwise -> move on.
"Move on" after the last question is "end".
"""

from __future__ import annotations

from typing import Literal

from interviewer.grading.models import Grade
from interviewer.session.models import Language
from interviewer.session.text import keyword, norm, overlap, terms
from knowledge.models import QAItem

Decision = Literal["follow_up", "next", "end"]

GOOD_ENOUGH = 7.0
EXCELLENT = 9.0
MAX_MISSING_SHARE = 1 / 3
MOVE_ON_FLAGS = frozenset({"non_answer", "off_topic", "empty"})
SEED_RELATED = 0.25  # share of a seed follow-up's tokens found in a missing point (or a shared term)


def few_missing(grade: Grade) -> bool:
    total = len(grade.covered) + len(grade.missing)
    return len(grade.missing) <= 1 or (total > 0 and len(grade.missing) / total <= MAX_MISSING_SHARE)


def decide(
    grade: Grade, follow_ups_used: int, max_follow_ups: int = 2, is_last_question: bool = False
) -> Decision:
    move_on: Decision = "end" if is_last_question else "next"
    if MOVE_ON_FLAGS.intersection(grade.flags):
        return move_on
    if grade.complete is not None:
        if grade.complete:
            return move_on
    elif grade.score >= EXCELLENT or (grade.score >= GOOD_ENOUGH and few_missing(grade)):
        return move_on
    if follow_ups_used > 0 and not grade.missing and grade.covered:
        return move_on
    if follow_ups_used < max_follow_ups:
        return "follow_up"
    return move_on


_TEMPLATES = {
    "zh": {
        "mentioned": "你提到了「{covered}」，那么关于「{missing}」你怎么看？能展开讲讲吗？",
        "missing": "你的回答还没有谈到「{missing}」这方面，能具体说说吗？",
        "deeper": "能结合一个具体的例子或你做过的项目，把这个问题讲得更深入一些吗？",
        "more": "关于这个问题，还有什么重要的方面你想补充吗？",
    },
    "en": {
        "mentioned": "You mentioned “{covered}”. What about “{missing}” — could you expand on that?",
        "missing": "Your answer has not touched on “{missing}” yet. Could you say more about it?",
        "deeper": "Could you go deeper, ideally with a concrete example from a project you worked on?",
        "more": "Is there anything important about this question you would like to add?",
    },
}


def _relatedness(seed: str, point: str) -> float:
    """How much a seed follow-up is about a key point: shared technical terms count fully."""
    if terms(seed) & terms(point):
        return 1.0
    return overlap(point, seed)


def choose_follow_up(item: QAItem, grade: Grade, asked: list[str], language: Language = "zh") -> str:
    """The next follow-up for this question, never one already asked and never the reference text.

    Preference: a seed follow-up from the notes that relates to a missing point; else a template
    aimed at the first missing point not yet asked about; else the first unused seed; else a
    generic "go deeper" question.
    """
    asked_keys = [norm(a) for a in asked if norm(a)]

    def used(text: str) -> bool:
        key = norm(text)
        return any(key in a or a in key for a in asked_keys)

    seeds = [s for s in item.follow_ups if s.strip() and not used(s)]
    missing = list(grade.missing)
    related = [
        (max(_relatedness(seed, point) for point in missing), -i, seed)
        for i, seed in enumerate(seeds)
        if missing
    ]
    if related:
        score, _, seed = max(related)
        if score >= SEED_RELATED:
            return seed

    templates = _TEMPLATES[language]
    for point in missing:
        topic = keyword(point)
        if used(topic):
            continue
        said = keyword(grade.covered[0]) if grade.covered else ""
        # "you mentioned X" once, and only when X is a whole label (not a cut-off sentence)
        if said and not said.endswith("…") and not used(said):
            return templates["mentioned"].format(covered=said, missing=topic)
        return templates["missing"].format(missing=topic)

    if seeds:
        return seeds[0]
    return templates["deeper"] if not used(templates["deeper"]) else templates["more"]
