"""The one error hierarchy, imported from here by every layer (knowledge, interviewer, evals); the CLI maps it
to exit code 2, the API to 4xx."""


class InterviewerError(Exception):
    """Base error: its message is shown to the user as is."""


class InvalidInput(InterviewerError):
    """The user's input cannot be used (empty, too long, malformed)."""


class AnswerTooLong(InvalidInput):
    """An answer longer than max_answer_chars (measured after stripping surrounding whitespace)."""


class EmptyAnswer(InvalidInput):
    """An answer that shows nothing (empty, whitespace or invisible characters only) where one is needed."""


class BatchTooLarge(InvalidInput):
    """More items in one batch than max_batch_items."""


class NotFound(InterviewerError):
    """An id (session, item) that does not exist."""


class Conflict(InterviewerError):
    """The request does not fit the current state (e.g. a finished session)."""


class SessionFinished(Conflict):
    """An answer (or an end) for an interview that has already ended."""


class IndexNotReady(InterviewerError):
    """The knowledge index has not been built yet."""


class LLMError(InterviewerError):
    """The LLM failed after retries (timeout, 429/5xx, invalid output)."""
