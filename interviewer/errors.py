"""Errors of the service; the hierarchy is defined in the knowledge layer so both layers share it."""

from knowledge.errors import (
    Conflict,
    IndexNotReady,
    InterviewerError,
    InvalidInput,
    LLMError,
    NotFound,
)

__all__ = ["Conflict", "IndexNotReady", "InterviewerError", "InvalidInput", "LLMError", "NotFound"]
