"""How the answers of one question (main answer + follow-up answers) are graded and combined.

An answer to a follow-up is graded together with what the candidate said before on the question
(`answer_so_far`): a sharp follow-up answer that completes the picture lifts the question's grade.
Each grade in `QuestionRecord.grades` is therefore the grade of the question so far; the question's
score is the best of them (a weaker later turn never lowers it), its covered key points the union;
rubric and references come from the best grade so the per-criterion scores belong to one judgement.
"""

from __future__ import annotations

from interviewer.grading.guards import is_non_answer, without_injection
from interviewer.grading.models import CRITERIA, Grade, GradeReference, PointResult, RubricScore
from interviewer.session.models import QuestionRecord, Turn
from interviewer.session.text import norm
from knowledge.models import QAItem

GRADED_INTENTS = frozenset({"answer", "skip", "dont_know"})  # the candidate turns that get one grade each
LEFT_OUT_FLAGS = frozenset({"non_answer", "empty"})  # a turn graded so said nothing to build on


def earlier_answers(turns: list[Turn], record: QuestionRecord) -> list[str]:
    """What the candidate has said on this question so far that was an answer, in order.

    Graded candidate turns and `record.grades` correspond one to one, in order (a turn not graded yet,
    the one being answered, has no grade and is not included). Skips, "I don't know"s and turns
    graded as non-answers are left out; so is any injection, already flagged on its own turn.
    """
    graded = [
        t for t in turns
        if t.role == "candidate" and t.item_id == record.item_id and t.action in GRADED_INTENTS
    ]
    kept = []
    for turn, grade in zip(graded, record.grades, strict=False):
        if turn.action == "answer" and not LEFT_OUT_FLAGS.intersection(grade.flags):
            kept.append(without_injection(turn.content))
    return [text for text in kept if text.strip()]


def says_nothing(text: str) -> bool:
    """A turn with nothing to add once any injection is cut out ("嗯", "ok", a bare instruction to the grader)."""
    return is_non_answer(without_injection(text))


def answer_so_far(earlier: list[str], latest: str) -> str:
    """The text the grader reads for the latest turn: the earlier answers and it, joined in order."""
    return "\n".join([*earlier, latest])


def answer_to_grade(turns: list[Turn], record: QuestionRecord, text: str) -> str:
    """This turn with everything said before on the question; a turn that says nothing ("嗯", a bare
    instruction to the grader) alone, so it is graded as the non-answer it is and the question moves on."""
    earlier = earlier_answers(turns, record)
    if not earlier or says_nothing(text):
        return text
    return answer_so_far(earlier, text)


def covered_texts(grades: list[Grade]) -> list[str]:
    """Every key point text any of the grades marked as covered, first mention first."""
    seen: dict[str, str] = {}
    for grade in grades:
        for text in [*grade.covered, *(p.text for p in grade.points if p.covered)]:
            seen.setdefault(norm(text), text)
    return list(seen.values())


def partly_covered(grades: list[Grade], missing: list[str]) -> list[str]:
    """The missing points some answer touched on without covering them."""
    touched = {norm(p.text) for grade in grades for p in grade.points if p.partly}
    return [text for text in missing if norm(text) in touched]


def best_grade(grades: list[Grade]) -> Grade:
    return max(grades, key=lambda g: g.score)  # first of equals: the earlier answer


def merge_grades(item: QAItem, grades: list[Grade]) -> Grade:
    """One grade for the question so far: the best of its (combined) grades, covered points unioned;
    flags are the latest turn's (they drive the policy), but for `off_topic` once an earlier answer was on
    topic (`question_flags`)."""
    best = best_grade(grades)
    covered = covered_texts(grades)
    covered_keys = {norm(t) for t in covered}
    if item.key_points:
        missing = [kp.text for kp in item.key_points if norm(kp.text) not in covered_keys]
    else:
        missing = [t for t in grades[-1].missing if norm(t) not in covered_keys]
    return best.model_copy(
        update={
            "covered": covered,
            "missing": missing,
            "flags": question_flags(grades),
        }
    )


def question_flags(grades: list[Grade]) -> list[str]:
    """The latest grade's flags, less `off_topic` when an earlier answer to the question was on topic (an
    answer, not a skip): what the candidate has said on the question is not off topic as a whole because a
    follow-up reply drifted or hedged ("具体细节记不清了" after an on-topic first answer read as off topic,
    and the question moved on with follow-ups left). Such a reply draws the next follow-up, if any is left."""
    flags = list(grades[-1].flags)
    if "off_topic" in flags and any(
        not ({"off_topic"} | LEFT_OUT_FLAGS).intersection(g.flags) for g in grades[:-1]
    ):
        flags.remove("off_topic")
    return flags


def zero_grade(item: QAItem, reason: str, flags: list[str] | None = None) -> Grade:
    """The grade of a skipped question or an "I don't know": 0 on every criterion, nothing covered."""
    return Grade(
        score=0.0,
        rubric=[RubricScore(criterion=c, score=0.0, comment=reason) for c in CRITERIA],
        covered=[],
        missing=[kp.text for kp in item.key_points],
        references=[GradeReference(source=r.source, section=r.section, text=r.text) for r in item.references],
        flags=flags if flags is not None else ["non_answer"],
        grader="offline",
        points=[
            PointResult(text=kp.text, source=kp.source, section=kp.section, covered=False)
            for kp in item.key_points
        ],
        summary=reason,
        item_id=item.id,
    )
