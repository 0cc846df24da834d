"""A mock interview in the terminal, on top of the `Interview` service object.

Input: an answer may span several lines and is submitted by an empty line (press Enter twice), so
pasted code or lists stay one answer. A request typed alone on the first line ("提示", "skip",
"结束面试" …) is submitted at once. EOF (Ctrl-D) or Ctrl-C ends the interview gracefully: any text
already typed is submitted first, then the report is printed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from interviewer.session.intents import classify
from interviewer.session.interview import Interview
from interviewer.session.models import Language, Report, SessionPlan, SessionState
from interviewer.session.report import render_report_text
from interviewer.validation import is_blank
from knowledge.errors import InterviewerError

PROMPT = "> "
CONTINUATION = "  "
USAGE = {
    "zh": "（可以多行作答，输入空行提交；「提示」「重复问题」「跳过」「结束面试」单独一行即可；Ctrl-D 结束面试）",
    "en": "(Answers may span several lines; an empty line submits. Type “hint”, “repeat”, “skip” or "
    "“end” on a line of its own; Ctrl-D ends the interview.)",
}


class _Reader:
    """Reads one answer at a time; remembers an EOF that arrived in the middle of an answer."""

    def __init__(self, input_fn: Callable[[str], str]) -> None:
        self.input_fn = input_fn
        self.eof = False

    def _line(self, prompt: str) -> str | None:
        if self.eof:
            return None
        try:
            return self.input_fn(prompt)
        except (EOFError, KeyboardInterrupt):
            self.eof = True
            return None

    def read(self) -> str | None:
        """The next answer, or None at EOF with nothing typed."""
        lines: list[str] = []
        while True:
            line = self._line(PROMPT if not lines else CONTINUATION)
            if line is None:
                return "\n".join(lines) if lines else None
            if not lines:
                if is_blank(line):
                    continue  # stray Enter (or invisible characters) before answering
                if classify(line) != "answer":
                    return line
            elif is_blank(line):
                return "\n".join(lines)
            lines.append(line)


def run_chat(
    interview: Interview,
    plan: SessionPlan,
    input_fn: Callable[[str], str] = input,
    print_fn: Callable[[str], object] = print,
    session_id: str | None = None,
    question_ids: list[str] | None = None,
    on_change: Callable[[SessionState], None] | None = None,
) -> Report:
    """Run one interview to its end and return the report (also printed).

    `question_ids`: ask these (a review plan) instead of planning; `on_change`: called with every new
    state (the recorded chat commits it) before the reply is shown.
    """
    commit = on_change or (lambda _state: None)
    state, reply = interview.start(plan, session_id or uuid.uuid4().hex[:12], question_ids)
    commit(state)
    lang: Language = plan.language
    print_fn(reply.message)
    print_fn(USAGE[lang])
    reader = _Reader(input_fn)
    while not reply.done:
        text = reader.read()
        if text is None:
            state, reply = interview.end(state)
        else:
            try:
                # Interview.answer runs validate_answer: the same cleaning (NFC, stripped) and the same
                # refusals (too long, control characters, U+FFFD) as an answer sent over HTTP.
                state, reply = interview.answer(state, text)
            except InterviewerError as exc:
                print_fn(str(exc))
                continue
        commit(state)
        print_fn("")
        print_fn(reply.message)
    report = reply.report or interview.report(state)
    print_fn("")
    print_fn(render_report_text(report, lang))
    return report
