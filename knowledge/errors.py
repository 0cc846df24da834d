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


class InvalidName(InvalidInput):
    """A knowledge base or document name that cannot be used (pattern, path-like, reserved)."""


class InvalidDocument(InvalidInput):
    """A note that cannot be used: binary, not UTF-8 (nor GB18030), empty, or not .md/.markdown/.txt."""


class DocumentTooLarge(InvalidDocument):
    """A note over the ingest caps (bytes per file, passages per file)."""


class NoQuestionsFound(InvalidDocument):
    """A readable note in which the parser recognises no question."""


class NotFound(InterviewerError):
    """An id (session, item, knowledge base, document) that does not exist."""


class Forbidden(InterviewerError):
    """The caller may not see or change this (another candidate's knowledge base, a read-only one)."""


class Conflict(InterviewerError):
    """The request does not fit the current state (e.g. a finished session)."""


class SessionFinished(Conflict):
    """An answer (or an end) for an interview that has already ended."""


class AlreadyExists(Conflict):
    """A knowledge base or document of that name exists already."""


class TooManyDocuments(Conflict):
    """A knowledge base already holds its maximum number of documents."""


class EmptyKnowledgeBase(Conflict):
    """A knowledge base without documents: nothing to search or ask yet."""


class IndexNotReady(InterviewerError):
    """The knowledge index has not been built yet."""


class LLMError(InterviewerError):
    """The LLM failed after retries (timeout, 429/5xx, invalid output)."""
