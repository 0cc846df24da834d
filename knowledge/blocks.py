"""Sections -> raw QA items: Q-blocks, 问题/答案要点/可能追问 lists, 面试题/解答 pairs, glossaries,
question headings, bare question lists, and topic headings without a question (generated question)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.formats import (
    FIELD_A,
    FIELD_F,
    FIELD_Q,
    QBLOCK,
    Line,
    Section,
    is_question_text,
    strip_numbering,
)

_GLOSSARY_CUE = re.compile(r"术语|名词|概念|glossary|terms", re.I)
_TERM = re.compile(r"^(?P<term>[^：:。，,！？!?；;]{1,40}?)\s*[：:]\s*(?P<definition>\S.{4,})$")
_FOLLOW_UP_LABEL = re.compile(r"^[^：:？?]{1,10}[：:]\s*(?=\S)")
_BARE_QUESTION_END = re.compile(r"(？|(?<=[A-Za-z0-9)）])\?)\s*$")
MIN_SECTION_CHARS = 20  # less than this under a heading is an intro line, not a reference


@dataclass
class RawItem:
    """A question as found in one file, before cleaning into a QAItem."""

    question: str
    q_line: int
    section: str
    kind: str  # "heading" | "qblock" | "field" | "glossary" | "bare" | "generated"
    answer: list[Line] = field(default_factory=list)
    follow_ups: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    dense: bool = False  # an 答案要点 line: its '；' separate points
    inline: bool = False  # the answer began on the label line ("解答：…"): it is one paragraph
    end_line: int = 0  # the last line read into it (labels and follow-ups included)

    @property
    def has_answer(self) -> bool:
        return any(line.kind in ("text", "code") for line in self.answer)


def section_items(section: Section, doc_title: str, doc_has_headings: bool) -> list[RawItem]:
    """Every QA item a section holds, in reading order."""
    where = " > ".join(section.path)
    heading_question = section.heading is not None and is_question_text(section.title)
    items, leftover = _scan(section.lines, where, allow_bare=not heading_question)
    substantive = sum(len(line.text) for line in leftover if line.kind != "blank") >= MIN_SECTION_CHARS
    if section.heading is not None and heading_question:
        item = RawItem(strip_numbering(section.title), section.heading.no, where, "heading", answer=leftover)
        items.insert(0, item)
    elif not items and substantive and _generates(section, doc_has_headings):
        topic = strip_numbering(section.title or doc_title).rstrip("：:")
        line_no = section.heading.no if section.heading else _first_line(leftover)
        items.append(
            RawItem(f"请谈谈：{topic}", line_no, where, "generated", leftover, flags=["generated_question"])
        )
    for item in items:
        if item.kind == "bare" and not item.has_answer and substantive:
            item.answer, item.flags = leftover, [*item.flags, "section_answer"]
        if not item.has_answer:
            item.flags.append("no_answer")
    return items


def _generates(section: Section, doc_has_headings: bool) -> bool:
    # Only leaf topics: a heading with sub-headings introduces them; a preamble is not a topic
    # unless the whole note has no heading at all.
    if section.heading is None:
        return not doc_has_headings
    return not section.has_children


def _first_line(lines: list[Line]) -> int:
    return next((line.no for line in lines if line.kind != "blank"), 1)


def _scan(lines: list[Line], where: str, allow_bare: bool) -> tuple[list[RawItem], list[Line]]:
    items: list[RawItem] = []
    leftover: list[Line] = []
    current: RawItem | None = None
    mode = ""  # "q": question read, "a": in the answer, "f": in the follow-ups
    glossary = False
    blank_before = False
    for line in lines:
        if line.kind == "blank":
            blank_before = True
            if current and mode == "a":
                current.answer.append(line)
            elif not current:
                leftover.append(line)
            continue
        text = line.text if line.kind == "text" else ""
        after_blank, blank_before = blank_before, False

        if q := QBLOCK.match(text):
            current, mode = _start(items, q.group(2), line, where, "qblock"), "a"
            continue
        if (q := FIELD_Q.match(text)) and line.cells is None:
            current, mode = _start(items, q.group(1), line, where, "field"), "q"
            continue
        if glossary and (term := _TERM.match(text)) and not line.marker:
            question = f"请解释：{term.group('term').strip()}"
            items.append(RawItem(question, line.no, where, "glossary", [line], flags=["generated_question"]))
            current, mode = None, ""
            continue
        glossary = text.endswith(("：", ":")) and bool(_GLOSSARY_CUE.search(text))
        if (a := FIELD_A.match(text)) and (current is None or not current.has_answer):
            rest = a.group(1).strip()
            target = current.answer if current else leftover
            if rest:
                target.append(Line(line.no, line.end, "text", rest))
            if current:
                mode, current.inline, current.dense = "a", bool(rest), text.startswith("答案要点")
                current.end_line = line.end
            continue
        if current and (f := FIELD_F.match(text)):
            mode, current.end_line = "f", line.end
            if f.group(1).strip():
                current.follow_ups.append(_follow_up(f.group(1)))
            continue
        if allow_bare and _is_bare_question(line) and (current is None or current.kind == "bare"):
            current, mode = _start(items, line.text, line, where, "bare"), "q"
            continue

        if current and mode == "f" and line.marker:
            current.follow_ups.append(_follow_up(text))
            current.end_line = line.end
            continue
        if current and _ends(current, mode, line, after_blank):
            current, mode = None, ""
        if current:
            current.answer.append(line)
            mode = "a" if mode == "q" else mode
        else:
            leftover.append(line)
    return items, leftover


def _start(items: list[RawItem], question: str, line: Line, where: str, kind: str) -> RawItem:
    item = RawItem(question.strip(), line.no, where, kind)
    items.append(item)
    return item


def _ends(item: RawItem, mode: str, line: Line, after_blank: bool) -> bool:
    """Whether `line` is past the end of `item` (and belongs to the section instead)."""
    if mode == "f":
        return True  # follow-ups are a list; anything else after them is not the answer
    if item.kind == "bare":
        return after_blank and not line.marker
    if item.kind == "field" and item.inline and mode == "a" and after_blank:
        # "解答：…" answers are one paragraph; a later plain paragraph is the section's outro.
        last = next((x for x in reversed(item.answer) if x.kind == "text"), None)
        continues = last is not None and last.text.endswith(("：", ":"))
        return not (line.marker or continues)
    return False


def _is_bare_question(line: Line) -> bool:
    text = line.text
    # Only list items: a plain line ending in "？" is a heading or a rhetorical question in prose.
    return (
        line.kind == "text"
        and bool(line.marker)
        and line.cells is None
        and len(text) <= 150
        and bool(_BARE_QUESTION_END.search(text))
        and is_question_text(text[:-1])
    )


def _follow_up(text: str) -> str:
    """Drop a category label: "边界: 何时只做 SFT？" -> "何时只做 SFT？"."""
    return _FOLLOW_UP_LABEL.sub("", text.strip(), count=1).strip()
