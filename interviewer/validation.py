"""Checks on user text shared by the CLI and the API: a bad input is refused whole, with a clear reason."""

from __future__ import annotations

import re
import unicodedata

from knowledge.errors import AnswerTooLong, BatchTooLarge, EmptyAnswer, InvalidInput

# C0/C1 control characters other than tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters that show nothing besides whitespace and the format characters (category Cf: U+200B-U+200F,
# U+2060-U+2064, U+FEFF, U+00AD …): the combining grapheme joiner, the Hangul and Khmer fillers, the
# blank braille pattern and the variation selectors.
_FILLERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")
_VARIATION_SELECTORS = ("\ufe00", "\ufe0f")


def _invisible(ch: str) -> bool:
    return (
        ch.isspace()
        or unicodedata.category(ch) == "Cf"
        or ch in _FILLERS
        or _VARIATION_SELECTORS[0] <= ch <= _VARIATION_SELECTORS[1]
    )


def is_blank(text: str) -> bool:
    """True when `text` shows nothing: empty, whitespace, or zero-width / invisible characters only."""
    return all(_invisible(ch) for ch in text)


def _check_characters(text: str, field: str, allow_lost: bool = False) -> None:
    """Refuse U+FFFD (unless `allow_lost`) and C0/C1 control characters other than tab, newline and CR."""
    if "\ufffd" in text and not allow_lost:
        raise InvalidInput(f"{field} contains invalid UTF-8 (replacement characters)")
    match = _CONTROL.search(text)
    if match:
        raise InvalidInput(f"{field} contains a control character (U+{ord(match.group()):04X}) at position {match.start()}")


def _check_type(text: object, field: str) -> str | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise InvalidInput(f"{field} must be a string, not {type(text).__name__}")
    return text


def clean_text(
    text: object, field: str, max_chars: int, required: bool = True, allow_blank: bool = False,
    allow_lost: bool = False,
) -> str:
    """Return `text` NFC-normalised and stripped, or raise InvalidInput saying what is wrong.

    For fields other than answers (questions, references, names); answers go through `validate_answer`.
    `required`: a missing value (None) is an error; `allow_blank`: a value that shows nothing is returned
    as "" instead of being refused; `allow_lost`: U+FFFD is accepted (the bank marks characters its notes
    lost with it, so a question copied from /v1/questions may carry one); elsewhere it means text that was
    decoded wrongly and is refused.
    """
    checked = _check_type(text, field)
    if checked is None:
        if required:
            raise InvalidInput(f"{field} is required")
        return ""
    _check_characters(checked, field, allow_lost)
    if len(checked) > max_chars:
        raise InvalidInput(f"{field} is too long: {len(checked)} characters, at most {max_chars}")
    cleaned = unicodedata.normalize("NFC", checked).strip()
    if is_blank(cleaned):
        if required and not allow_blank:
            raise InvalidInput(f"{field} is empty")
        return ""
    return cleaned


def validate_answer(text: object, max_chars: int, *, allow_blank: bool = False) -> str:
    """The one check on a candidate's answer, wherever it comes from: POST /v1/sessions/{id}/messages and
    the terminal chat (through `Interview.answer`), POST /v1/grade[/batch] and `interviewer grade`
    (through `GradingService.grade`). Returns the answer stripped and NFC-normalised, or raises:

    - InvalidInput: missing (None), not a string, U+FFFD, or a control character other than tab/newline/CR;
    - AnswerTooLong: more than `max_chars` characters once surrounding whitespace is stripped;
    - EmptyAnswer: nothing visible (whitespace or invisible characters only), unless `allow_blank`, when
      "" is returned instead (a blank written answer is graded 0, not refused).

    The checks run in that order after the type check: length, blank, characters.
    """
    checked = _check_type(text, "answer")
    if checked is None:
        raise InvalidInput("answer is required")
    stripped = checked.strip()
    if len(stripped) > max_chars:
        raise AnswerTooLong(f"the answer is too long: {len(stripped)} characters, at most {max_chars}")
    if is_blank(stripped):  # zero-width / invisible characters only: as empty as no text
        if allow_blank:
            return ""
        raise EmptyAnswer("the answer is empty")
    _check_characters(stripped, "answer")
    return unicodedata.normalize("NFC", stripped).strip()


def check_batch_size(count: int, max_items: int) -> None:
    """The one batch cap (the max_batch_items setting): BatchTooLarge beyond it."""
    if count > max_items:
        raise BatchTooLarge(f"{count} items, at most {max_items} per request")


def detect_language(text: str) -> str:
    """'zh' when the text has a fair share of CJK characters, else 'en'."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if cjk * 3 >= latin else "en"
