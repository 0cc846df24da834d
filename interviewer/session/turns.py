"""What a turn leaves in the session besides its text: the grade recorded on the question, the grade
as the candidate sees it, the session's summary and the titles of the notes it cites.

Functions over `SessionState` for `Interview` (which works on a copy of the state, so recording in
place is safe); the bank is passed in where an item is needed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from interviewer.grading.models import Grade
from interviewer.session.bilingual import localise_grade, shown_title
from interviewer.session.models import QuestionRecord, SessionState, SessionSummary
from knowledge.bank import QuestionBank
from knowledge.errors import InterviewerError, NotFound


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def record_grade(state: SessionState, record: QuestionRecord, grade: Grade) -> None:
    record.grades.append(grade)
    record.flags.extend(f for f in grade.flags if f not in record.flags)
    if grade.grader not in state.graders:
        state.graders.append(grade.grader)
    if grade.prompt_version and grade.prompt_version not in state.prompt_versions:
        state.prompt_versions.append(grade.prompt_version)


def shown_grade(bank: QuestionBank, state: SessionState, grade: Grade | None) -> Grade | None:
    """The grade as the candidate sees it: key points in the interview's language."""
    if grade is None or state.plan.language == "zh":
        return grade
    item_id = next((r.item_id for r in state.records if grade in r.grades), grade.item_id)
    try:
        item = bank.get(item_id) if item_id else None
    except NotFound:
        item = None
    return localise_grade(grade, item, state.plan.language)


def summarise(state: SessionState) -> SessionSummary:
    record = state.record
    total = len(state.question_ids)
    return SessionSummary(
        id=state.id,
        status=state.status,
        mode=state.plan.mode,
        language=state.plan.language,
        question_number=min(state.current + 1, total),
        num_questions=total,
        follow_ups_used=len(record.follow_ups_asked) if record else 0,
        hints_used=sum(len(r.hints) for r in state.records),
        answered=sum(1 for r in state.records if r.grades),
        item_id=record.item_id if record else None,
    )


def source_titles(bank: QuestionBank, state: SessionState) -> dict[str, str]:
    """The titles of the notes the questions so far cite: a client shows them instead of file names."""
    titles: dict[str, str] = {}
    for record in state.records:
        try:
            item = bank.get(record.item_id)
        except InterviewerError:  # re-ingested since: the file name will do
            continue
        titles.update({ref.source: shown for ref in item.references
                       if (shown := shown_title(ref.source, ref.title, state.plan.language))})
    return titles
