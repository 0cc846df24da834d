"""The server decides what happens after an answer; the model (if any) only phrases it.

Rule, in order, on the question's merged grade (a follow-up answer is graded together with the earlier
answers; the merge keeps the best score and the union of covered points, and the latest turn's flags):
1. a non-answer / empty / off-topic answer -> move on, no follow-up (off topic only while nothing the candidate
   said on the question was on topic: `scoring.question_flags`);
2. the grader judged the answer complete (`Grade.complete`: the offline grader's learned move-on decision,
   evals/training/move_on.py) -> move on; or, for a grader that makes no such judgement (an LLM's grade),
   score >= EXCELLENT, or score >= GOOD_ENOUGH with few key points missing (at most one, or at most a third)
   -> move on;
3. the grader judged it incomplete -> no move on by score;
4. a follow-up was asked and nothing is missing any more -> move on (the follow-ups did their job);
5. follow-ups left (fewer than max_follow_ups asked for this question) -> follow up on what is missing
   (what to ask: `followups.py`);
6. otherwise -> move on.
"Move on" after the last question is "end".
"""

from __future__ import annotations

from typing import Literal

from interviewer.grading.models import Grade

Decision = Literal["follow_up", "next", "end"]

GOOD_ENOUGH = 7.0
EXCELLENT = 9.0
MAX_MISSING_SHARE = 1 / 3
MOVE_ON_FLAGS = frozenset({"non_answer", "off_topic", "empty"})


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
