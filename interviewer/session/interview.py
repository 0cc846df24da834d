"""The interview service object: pure state transitions, `SessionState` in, new `SessionState` out.

It owns no state of its own (the bank, grader, phraser and clock are injected), so a session stored
as JSON after any turn resumes exactly: same questions, same follow-ups, same report.

Scoring across follow-ups: an answer to a follow-up is graded together with the candidate's earlier
answers to the same question (joined in order, non-answers left out), so each grade is the grade of
the question so far; the question's score is the best of those grades (see `scoring.py`). The policy
(`policy.py`) decides on that merged grade. What a turn records besides its text (grades, the grade
as shown, the summary, cited titles) is in `turns.py`; the phraser's words are checked in `phrasing.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from interviewer.grading.base import Grader
from interviewer.grading.models import Grade, request_for_item
from interviewer.session.feedback import closing, feedback, review
from interviewer.session.followups import choose_follow_up, next_hint
from interviewer.session.intents import Intent, classify
from interviewer.session.models import (
    Action,
    QuestionRecord,
    Reply,
    Report,
    SessionPlan,
    SessionState,
    SessionSummary,
    Turn,
    TurnKind,
)
from interviewer.session.phrasing import (
    Phraser,
    TemplatePhraser,
    greeting,
    header,
    join,
    phrase_follow_up,
    phrase_question,
    t,
)
from interviewer.session.planner import plan_questions, primary_topic
from interviewer.session.policy import decide
from interviewer.session.report import build_report, render_report_text
from interviewer.session.scoring import answer_to_grade, merge_grades, partly_covered, zero_grade
from interviewer.session.targets import item_texts
from interviewer.session.turns import record_grade, shown_grade, source_titles, summarise, utc_now
from interviewer.validation import validate_answer
from knowledge.bank import QuestionBank
from knowledge.errors import InvalidInput, SessionFinished


class Interview:
    def __init__(
        self,
        bank: QuestionBank,
        grader: Grader,
        phraser: Phraser | None = None,
        clock: Callable[[], str] | None = None,
        max_follow_ups: int = 2,
        max_answer_chars: int = 20_000,
    ) -> None:
        self.bank = bank
        self.grader = grader
        self.phraser: Phraser = phraser or TemplatePhraser()
        self.clock = clock or utc_now
        self.max_follow_ups = max_follow_ups
        self.max_answer_chars = max_answer_chars

    # ---- public API -------------------------------------------------------------------------

    def start(
        self, plan: SessionPlan, session_id: str, question_ids: list[str] | None = None
    ) -> tuple[SessionState, Reply]:
        """Plan the questions (or take the given bank ids, e.g. a replayed transcript), greet, ask the first."""
        if question_ids is not None:
            for item_id in question_ids:
                self.bank.get(item_id)  # NotFound for an unknown id
            if len(set(question_ids)) != len(question_ids) or not question_ids:
                raise InvalidInput("question_ids must be distinct and non-empty")
        ids = list(question_ids) if question_ids is not None else plan_questions(self.bank, plan, seed=session_id)
        now = self.clock()
        state = SessionState(id=session_id, plan=plan, question_ids=ids, created_at=now, updated_at=now)
        opening = greeting(plan, len(ids))
        self._say(state, "notice", opening)
        question = self._open_question(state)
        return state, self._reply(state, f"{opening}\n\n{question}", "next")

    def answer(self, state: SessionState, text: str) -> tuple[SessionState, Reply]:
        """One candidate message; returns the new state (the given one is left untouched)."""
        self._open_record(state)
        text = validate_answer(text, self.max_answer_chars)  # EmptyAnswer, AnswerTooLong, InvalidInput
        state = state.model_copy(deep=True)
        record = state.records[state.current]
        intent = classify(text)
        state.turns.append(
            Turn(
                role="candidate",
                kind="answer",
                content=text,
                item_id=record.item_id,
                action=intent,
                created_at=self.clock(),
            )
        )
        state.updated_at = self.clock()
        if intent == "repeat":
            return state, self._repeat(state, record)
        if intent == "hint":
            return state, self._hint(state, record)
        if intent == "end":
            return state, self._finish(state, [], ended_early=True)
        if intent in ("skip", "dont_know"):
            return state, self._non_answer(state, record, intent)
        return state, self._graded(state, record, text)

    def end(self, state: SessionState) -> tuple[SessionState, Reply]:
        """End the interview now (Ctrl-D in the terminal, a "finish" button in a UI)."""
        self._open_record(state)
        state = state.model_copy(deep=True)
        state.updated_at = self.clock()
        return state, self._finish(state, [], ended_early=True)

    def report(self, state: SessionState) -> Report:
        return build_report(state, self.bank)

    def summary(self, state: SessionState) -> SessionSummary:
        return summarise(state)

    # ---- intents ------------------------------------------------------------------------------

    def _repeat(self, state: SessionState, record: QuestionRecord) -> Reply:
        last = next(
            (turn.content for turn in reversed(state.turns) if turn.kind in ("question", "follow_up")),
            record.last_prompt,
        )
        message = t(state.plan.language, "repeat") + last
        self._say(state, "repeat", message, record.item_id, action="repeat")
        return self._reply(state, message, "repeat")

    def _hint(self, state: SessionState, record: QuestionRecord) -> Reply:
        lang = state.plan.language
        if state.plan.mode == "exam":
            message = t(lang, "exam_hint")
            self._say(state, "notice", message, record.item_id, action="clarify")
            return self._reply(state, message, "clarify")
        item = self.bank.get(record.item_id)
        merged = merge_grades(item, record.grades) if record.grades else None
        given = next_hint(item, merged, item_texts(item, lang), record.hints)
        if given is not None:
            record.hints.append(given)
        message = given or t(lang, "no_hint")
        self._say(state, "hint", message, record.item_id, action="hint")
        return self._reply(state, message, "hint")

    def _non_answer(self, state: SessionState, record: QuestionRecord, intent: Intent) -> Reply:
        lang = state.plan.language
        item = self.bank.get(record.item_id)
        reason = "skipped by the candidate" if intent == "skip" else "the candidate said they do not know"
        grade = zero_grade(item, reason)
        if not record.grades:
            record.status = "skipped"
        record_grade(state, record, grade)
        lead = [t(lang, "skip" if intent == "skip" else "dont_know")]
        if state.plan.mode == "practice":
            lead.append(review(lang, item, merge_grades(item, record.grades)))
        return self._move_on(state, record, [join(lang, lead)], grade)

    # ---- grading and the policy ---------------------------------------------------------------

    def _graded(self, state: SessionState, record: QuestionRecord, text: str) -> Reply:
        lang = state.plan.language
        item = self.bank.get(record.item_id)
        request = request_for_item(item, answer_to_grade(state.turns, record, text), lang)
        grade = self.grader.grade(request)
        record.status = "answered"
        record_grade(state, record, grade)
        merged = merge_grades(item, record.grades)
        is_last = state.current >= len(state.question_ids) - 1
        decision = decide(merged, len(record.follow_ups_asked), self.max_follow_ups, is_last)
        practice = state.plan.mode == "practice"
        total = len(item.key_points) or len(merged.covered) + len(merged.missing)
        partly = len(partly_covered(record.grades, merged.missing))
        said = feedback(lang, grade, len(merged.covered), total, partly, merged.score) if practice else ""
        if decision != "follow_up":
            lead = join(lang, [said, review(lang, item, merged)]) if practice else ""
            return self._move_on(state, record, [lead], grade)
        chosen = choose_follow_up(
            item,
            merged,
            item_texts(item, lang),
            said=request.answer,
            asked_here=record.follow_up_seeds,
            asked_in_session=[q for r in state.records for q in r.follow_ups_asked],
            seed=f"{state.id}|{item.id}|{len(record.follow_ups_asked)}",
        )
        question = phrase_follow_up(self.phraser, item, merged.missing, chosen.text, lang)
        record.follow_up_seeds.append(chosen.target or chosen.text)
        record.follow_ups_asked.append(question)
        if said:
            self._say(state, "feedback", said, record.item_id, grade=grade)
        shown = t(lang, "follow_up") + question
        self._say(state, "follow_up", shown, record.item_id, action="follow_up")
        return self._reply(state, "\n\n".join(p for p in (said, shown) if p), "follow_up", grade)

    def _move_on(self, state: SessionState, record: QuestionRecord, lead: list[str], grade: Grade) -> Reply:
        """Close the question; ask the next one, or end after the last."""
        record.final_score = max(g.score for g in record.grades) if record.grades else None
        lead = [p for p in lead if p]
        evaluation = grade if state.plan.mode == "practice" else None
        for text in lead:
            self._say(state, "feedback", text, record.item_id, grade=evaluation)
        if state.current + 1 >= len(state.question_ids):
            return self._finish(state, lead, ended_early=False, evaluation=evaluation)
        state.current += 1
        question = self._open_question(state)
        return self._reply(state, "\n\n".join([*lead, question]), "next", evaluation)

    def _finish(
        self, state: SessionState, lead: list[str], ended_early: bool, evaluation: Grade | None = None
    ) -> Reply:
        record = state.record
        if record is not None:
            if record.grades:
                record.final_score = max(g.score for g in record.grades)
            else:
                record.status = "unanswered"
        state.status = "finished"
        state.ended_early = ended_early
        report = build_report(state, self.bank)
        lang = state.plan.language
        farewell = closing(lang, report)
        self._say(state, "notice", farewell, action="end")
        self._say(state, "report", render_report_text(report, lang), action="end")
        return self._reply(state, "\n\n".join([*lead, farewell]), "end", evaluation, report=report)

    # ---- asking -------------------------------------------------------------------------------

    def _open_question(self, state: SessionState) -> str:
        """Add the record of question `state.current`, ask it, return the text shown."""
        item = self.bank.get(state.question_ids[state.current])
        lang = state.plan.language
        topic = primary_topic(item, state.plan.topics)
        body = phrase_question(self.phraser, item, topic, lang)
        state.records.append(QuestionRecord(item_id=item.id, question=body, topic=topic))
        shown = header(lang, state.current + 1, len(state.question_ids), topic) + body
        self._say(state, "question", shown, item.id, action="next")
        return shown

    # ---- bookkeeping --------------------------------------------------------------------------

    def _open_record(self, state: SessionState) -> QuestionRecord:
        if state.status == "finished" or state.record is None:
            raise SessionFinished("the interview has ended; its report is available")
        return state.record

    def _say(
        self,
        state: SessionState,
        kind: TurnKind,
        content: str,
        item_id: str | None = None,
        action: str | None = None,
        grade: Grade | None = None,
    ) -> None:
        turn = Turn(
            role="interviewer",
            kind=kind,
            content=content,
            item_id=item_id,
            action=action,
            grade=shown_grade(self.bank, state, grade),
            created_at=self.clock(),
        )
        state.turns.append(turn)

    def _reply(
        self,
        state: SessionState,
        message: str,
        action: Action,
        evaluation: Grade | None = None,
        report: Report | None = None,
    ) -> Reply:
        if state.plan.mode == "exam":
            evaluation = None
        return Reply(
            message=message,
            evaluation=shown_grade(self.bank, state, evaluation),
            state=self.summary(state),
            done=state.status == "finished",
            action=action,
            report=report,
            sources=source_titles(self.bank, state),
        )
