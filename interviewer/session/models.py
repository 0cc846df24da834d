"""The interview's data: plan, turns, per-question records, the whole session state, replies, report.

Everything is pydantic and JSON-serialisable: a store persists `SessionState.model_dump_json()`
after every turn and `SessionState.model_validate_json()` resumes it exactly.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from interviewer.grading.models import Grade

Language = Literal["zh", "en"]
Difficulty = Literal["easy", "medium", "hard"]
Mode = Literal["practice", "exam"]
Action = Literal["follow_up", "next", "end", "repeat", "hint", "clarify"]
TurnKind = Literal["question", "follow_up", "answer", "feedback", "hint", "repeat", "notice", "report"]
# asked: waiting for the first answer; answered: graded at least once; skipped: skip / "不知道";
# unanswered: the interview ended while this question was open.
QuestionStatus = Literal["asked", "answered", "skipped", "unanswered"]


class SessionPlan(BaseModel):
    topics: list[str] | None = None
    num_questions: int = Field(default=5, ge=1, le=20)
    difficulty: Difficulty | None = None
    language: Language = "zh"
    mode: Mode = "practice"
    review: bool = False  # planned from the candidate's review queue (due items, then weak topics)
    knowledge_base: str = "default"  # the named knowledge base the questions come from (knowledge.bases)


class Turn(BaseModel):
    role: Literal["interviewer", "candidate"]
    kind: TurnKind
    content: str
    grade: Grade | None = None
    action: str | None = None  # interviewer: the action taken; candidate: the intent recognised
    item_id: str | None = None
    created_at: str = ""  # from the injected clock


class QuestionRecord(BaseModel):
    """One planned question as it went: what was asked, every grade, the final result."""

    item_id: str
    question: str  # the text shown to the candidate (phrased)
    topic: str = ""
    follow_ups_asked: list[str] = Field(default_factory=list)  # as shown to the candidate
    follow_up_seeds: list[str] = Field(default_factory=list)  # the key point each was about (no re-asking)
    # One per graded turn, in order: a follow-up answer's grade is of everything said on the question so far
    grades: list[Grade] = Field(default_factory=list)
    final_score: float | None = None  # max over grades, set when the question is closed
    status: QuestionStatus = "asked"
    hints: list[str] = Field(default_factory=list)  # hint texts given (help, noted in the report)
    flags: list[str] = Field(default_factory=list)  # union of the grades' flags

    @property
    def awaiting_follow_up(self) -> bool:
        """True when the last thing asked is a follow-up that has no answer yet."""
        return bool(self.grades) and len(self.follow_ups_asked) >= len(self.grades)

    @property
    def last_prompt(self) -> str:
        return self.follow_ups_asked[-1] if self.awaiting_follow_up else self.question


class SessionState(BaseModel):
    id: str
    plan: SessionPlan
    status: Literal["active", "finished"] = "active"
    question_ids: list[str]  # planned, in order
    current: int = 0  # index into question_ids (and records)
    records: list[QuestionRecord] = Field(default_factory=list)  # one per question asked so far
    turns: list[Turn] = Field(default_factory=list)
    prompt_versions: list[str] = Field(default_factory=list)
    graders: list[str] = Field(default_factory=list)
    ended_early: bool = False
    created_at: str = ""
    updated_at: str = ""

    @property
    def record(self) -> QuestionRecord | None:
        """The record of the open question, if any."""
        if self.status != "active" or self.current >= len(self.records):
            return None
        return self.records[self.current]


class SessionSummary(BaseModel):
    """What a client needs to render progress; never carries scores (exam mode hides them)."""

    id: str
    status: Literal["active", "finished"]
    mode: Mode
    language: Language
    question_number: int  # 1-based number of the open question (or the last one when finished)
    num_questions: int
    follow_ups_used: int = 0
    hints_used: int = 0
    answered: int = 0
    item_id: str | None = None


class PointReport(BaseModel):
    text: str
    source: str = ""  # the file (a detail, a tooltip)
    section: str = ""
    title: str = ""  # the note's title: what a citation shows ("" -> the file name)
    partly: bool = False  # missed, but some answer touched on it


class QuestionReport(BaseModel):
    item_id: str
    question: str
    topic: str = ""
    status: QuestionStatus
    score: float | None = None  # None: never answered (excluded from the mean)
    rubric: dict[str, float] = Field(default_factory=dict)
    covered: list[PointReport] = Field(default_factory=list)
    missed: list[PointReport] = Field(default_factory=list)
    follow_ups: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    hints_used: int = 0
    graders: list[str] = Field(default_factory=list)


class StudySection(BaseModel):
    source: str
    section: str = ""
    title: str = ""
    missed: int = 0  # missed key points that point here


class StudyTopic(BaseModel):
    topic: str
    missed: int
    mean_score: float | None = None
    sections: list[StudySection] = Field(default_factory=list)


class Report(BaseModel):
    session_id: str
    language: Language
    mode: Mode
    status: Literal["active", "finished"]
    planned: int
    answered: int
    ended_early: bool = False
    score: float | None = None  # mean over answered questions (skips count as 0)
    criteria: dict[str, float] = Field(default_factory=dict)
    level: str = ""  # strong | solid | developing | needs_work
    level_label: str = ""  # in the session's language
    hints_used: int = 0
    questions: list[QuestionReport] = Field(default_factory=list)
    study_next: list[StudyTopic] = Field(default_factory=list)
    graders: list[str] = Field(default_factory=list)
    prompt_versions: list[str] = Field(default_factory=list)
    note: str = ""


class Reply(BaseModel):
    message: str
    evaluation: Grade | None = None  # None in exam mode and for non-graded turns
    state: SessionSummary
    done: bool = False
    action: Action
    report: Report | None = None  # set when done
    sources: dict[str, str] = Field(default_factory=dict)  # file -> the note's title, for the questions so far
