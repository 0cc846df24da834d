"""The interview as a pure state machine: pydantic in, pydantic out; no web, vector store or LLM imports."""

from interviewer.session.followups import choose_follow_up
from interviewer.session.intents import Intent, classify
from interviewer.session.interview import Interview
from interviewer.session.models import (
    QuestionRecord,
    Reply,
    Report,
    SessionPlan,
    SessionState,
    SessionSummary,
    Turn,
)
from interviewer.session.phrasing import Phraser, TemplatePhraser
from interviewer.session.policy import decide
from interviewer.session.report import build_report, render_report_text

__all__ = [
    "Intent",
    "Interview",
    "Phraser",
    "QuestionRecord",
    "Reply",
    "Report",
    "SessionPlan",
    "SessionState",
    "SessionSummary",
    "TemplatePhraser",
    "Turn",
    "build_report",
    "choose_follow_up",
    "classify",
    "decide",
    "render_report_text",
]
