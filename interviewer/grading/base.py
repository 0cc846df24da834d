"""The Grader protocol: every grader (offline, LLM) takes a GradeRequest and returns a Grade."""

from __future__ import annotations

from typing import Protocol

from interviewer.grading.models import Grade, GradeRequest


class Grader(Protocol):
    def grade(self, request: GradeRequest) -> Grade: ...
