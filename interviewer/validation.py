"""Checks on user text shared by the CLI and the API: a bad input is refused whole, with a clear reason."""

from __future__ import annotations

import re
import unicodedata

from interviewer.errors import InvalidInput

# C0/C1 control characters other than tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: object, field: str, max_chars: int, required: bool = True) -> str:
    """Return `text` NFC-normalised and stripped, or raise InvalidInput saying what is wrong."""
    if text is None:
        if required:
            raise InvalidInput(f"{field} is required")
        return ""
    if not isinstance(text, str):
        raise InvalidInput(f"{field} must be a string, not {type(text).__name__}")
    if "\ufffd" in text:
        raise InvalidInput(f"{field} contains invalid UTF-8 (replacement characters)")
    match = _CONTROL.search(text)
    if match:
        raise InvalidInput(f"{field} contains a control character (U+{ord(match.group()):04X}) at position {match.start()}")
    if len(text) > max_chars:
        raise InvalidInput(f"{field} is too long: {len(text)} characters, at most {max_chars}")
    cleaned = unicodedata.normalize("NFC", text).strip()
    if required and not cleaned:
        raise InvalidInput(f"{field} is empty")
    return cleaned


def detect_language(text: str) -> str:
    """'zh' when the text has a fair share of CJK characters, else 'en'."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if cjk * 3 >= latin else "en"
