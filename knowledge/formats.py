"""Note text -> cleaned lines -> sections (heading paths).

The format is recognised per block, never per file name: markdown headings, bare short lines used
as headings in plain-text notes, list markers, tables and code fences. What a section *says*
(Q-blocks, 问题/解答 pairs, glossaries, ...) is read by `knowledge.blocks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.textclean import is_noise_line, is_table_separator, join_text, strip_inline

_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+|(?=[\u4e00-\u9fff]))(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_QUOTE = re.compile(r"^\s*>\s?")
# One list marker: "-", "*", "+", "•", "1.", "1、", "1)", "(1)", "①", "一、". "3.5" is not a marker.
_MARKER = re.compile(
    r"^(?:[-*+•·](?=\s)|\d{1,3}(?:[.．](?!\d)|[、)）])|[(（]\d{1,3}[)）]|[①-⑳]|[一二三四五六七八九十]{1,3}、)\s*"
)
_BOLD_LINE = re.compile(r"^(\*\*|__)[^*_].*(\*\*|__)\s*[：:]?$")
TERMINAL = "。！？!?；;…"
_NO_HEADING_END = "。，,；;：:、.!！"
# Sections that are navigation or chatter, not knowledge: skipped with everything under them.
SKIP_HEADING = re.compile(
    r"目录|导览|下一步|^sources?$|^references?$|参考(?:资料|文献|链接)|学习资源|实践建议|总结与展望"
    r"|写在最后|文档特色|更新日志|免责声明|table of contents",
    re.I,
)
QBLOCK = re.compile(r"^Q\s*(\d{1,3})\s*[：:.、．]\s*(.+)$", re.I)
FIELD_Q = re.compile(r"^(?:面试题|问题|题目|问|Question|Q)\s*\d{0,3}\s*[：:]\s*(.+)$", re.I)
FIELD_A = re.compile(r"^(?:解答|答案要点|参考答案|答案|回答|答|要点|Answer|A)\s*[：:]\s*(.*)$", re.I)
FIELD_F = re.compile(r"^(?:可能的?追问|追问|延伸问题|相关追问|Follow[- ]?ups?)\s*[：:]\s*(.*)$", re.I)
INTERROGATIVE = re.compile(
    r"什么|如何|为什么|为何|怎么|怎样|哪些|哪种|哪个|是否|有何|何时|多少|区别|异同|优缺点|是啥|吗\s*$"
    r"|[？?]\s*$|\b(?:what|how|why|when|which|explain)\b",
    re.I,
)
_NUMBERING = re.compile(r"^(?:第\s*\d+\s*[题问]|Q\s*\d+|\d{1,3})\s*[、.．:：)）]\s*", re.I)


@dataclass
class Line:
    """One logical line: cleaned text, its 1-based source span, and what it is."""

    no: int
    end: int
    kind: str  # "blank" | "heading" | "text" | "code"
    text: str = ""
    indent: int = 0
    marker: str = ""  # the list marker as written, "" when none
    level: int = 0  # heading level
    cells: list[str] | None = None  # table row
    bold: bool = False  # the whole line was emphasised: a lead-in ("**基于已有模型继续训练**")

    def rendered(self) -> str:
        """The line as it is shown in a reference answer."""
        if self.cells is not None:
            return "| " + " | ".join(self.cells) + " |"
        if self.kind == "code":
            return self.text
        pad = " " * min(self.indent, 8)
        return f"{pad}{self.marker} {self.text}" if self.marker else pad + self.text


@dataclass
class Section:
    path: list[str]
    heading: Line | None = None
    level: int = 0
    lines: list[Line] = field(default_factory=list)
    has_children: bool = False
    has_qblocks: bool = False

    @property
    def title(self) -> str:
        return self.path[-1] if self.path else ""


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text.strip()).strip()


def is_question_text(text: str) -> bool:
    return bool(INTERROGATIVE.search(text))


def read_lines(text: str) -> list[Line]:
    """Classify every source line; noise (adverts, rules, images, bare URLs) becomes blank."""
    lines: list[Line] = []
    in_fence = False
    for no, raw in enumerate(text.splitlines(), start=1):
        raw = raw.replace("\t", "    ").rstrip()
        if _FENCE.match(raw):
            in_fence = not in_fence
            lines.append(Line(no, no, "blank"))
            continue
        if in_fence:
            lines.append(Line(no, no, "code", raw))
        elif is_table_separator(raw):
            continue  # the header row and the body stay one block
        elif not raw.strip() or is_noise_line(raw):
            lines.append(Line(no, no, "blank"))
        else:
            lines.append(_classify(no, raw))
    return lines


def _classify(no: int, raw: str) -> Line:
    while _QUOTE.match(raw):
        raw = _QUOTE.sub("", raw, count=1)
    heading = _HEADING.match(raw)
    if heading:
        text = strip_inline(heading.group(2))
        return Line(no, no, "heading", text, level=len(heading.group(1))) if text else Line(no, no, "blank")
    indent = len(raw) - len(raw.lstrip(" "))
    body = raw.strip()
    if body.startswith("|") and body.count("|") >= 2:
        cells = [strip_inline(c) for c in body.strip("|").split("|")]
        cells = [c for c in cells if c]
        return Line(no, no, "text", _row_text(cells), indent=indent, marker="|", cells=cells)
    marker = ""
    while m := _MARKER.match(body):  # "- - item" is a nested item
        indent += 2 if marker else 0
        marker = m.group(0).strip()
        body = body[m.end() :]
    text = strip_inline(body)
    if not text:
        return Line(no, no, "blank")
    bold = bool(_BOLD_LINE.match(body))
    return Line(no, no, "text", text, indent=indent, marker=marker, bold=bold)


def _row_text(cells: list[str]) -> str:
    if len(cells) < 2:
        return "".join(cells)
    return f"{cells[0]}：" + "；".join(cells[1:])


def join_wrapped(lines: list[Line]) -> list[Line]:
    """Re-join paragraphs that a copy from PDF/web broke mid-sentence (a long line, a blank, the rest)."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        while (
            _is_wrapped(line)
            and i + 2 < len(lines)
            and lines[i + 1].kind == "blank"
            and _continues(lines[i + 2])
        ):
            tail = lines[i + 2]
            line = Line(line.no, tail.end, "text", join_text(line.text, tail.text), line.indent, line.marker)
            i += 2
        out.append(line)
        i += 1
    return out


def _is_wrapped(line: Line) -> bool:
    # Cut mid-word or after a comma: a long line whose last character is not an end of anything.
    last = line.text[-1:] if line.kind == "text" else ""
    cut = last != "" and (last.isalnum() or last in "，,、")
    return cut and line.cells is None and len(line.text) >= 40 and not QBLOCK.match(line.text)


def _continues(line: Line) -> bool:
    if line.kind != "text" or line.marker or line.cells is not None:
        return False
    text = line.text
    if text.endswith(("：", ":")) and len(text) <= 30:
        return False  # a label line starts something new
    return not (QBLOCK.match(text) or FIELD_Q.match(text) or FIELD_A.match(text) or FIELD_F.match(text))


def promote_plain_headings(lines: list[Line]) -> list[Line]:
    """In notes without markdown headings, a short standalone line is a heading (the first one: title)."""
    if any(line.kind == "heading" for line in lines):
        return lines
    seen_text = False
    for i, line in enumerate(lines):
        if _is_plain_heading(lines, i):
            line.kind, line.level = "heading", 2 if seen_text else 1
            seen_text = True
        elif line.kind != "blank":
            seen_text = True
    return lines


def _is_plain_heading(lines: list[Line], i: int) -> bool:
    line = lines[i]
    text = line.text
    if line.kind != "text" or line.marker or line.cells is not None or not 1 <= len(text) <= 50:
        return False
    if text[-1] in _NO_HEADING_END or "。" in text or "，" in text:
        return False
    if QBLOCK.match(text) or FIELD_Q.match(text) or FIELD_A.match(text) or FIELD_F.match(text):
        return False
    before_blank = i == 0 or lines[i - 1].kind in ("blank", "heading")
    after_blank = i + 1 < len(lines) and lines[i + 1].kind == "blank"
    has_body = any(other.kind == "text" for other in lines[i + 1 : i + 4])
    return before_blank and after_blank and has_body


def build_sections(lines: list[Line]) -> list[Section]:
    """Group lines under their heading path; navigation/chatter sections are dropped."""
    root = Section(path=[])
    sections = [root]
    stack: list[Section] = []
    current = root
    skip_level: int | None = None
    for line in lines:
        if line.kind == "heading":
            if skip_level is not None and line.level > skip_level:
                continue
            skip_level = None
            if current.has_qblocks and line.level > current.level and is_question_text(line.text):
                # A sub-question heading inside a Q-block's answer ("### 如何限制词汇范围？") is part of it.
                current.lines.append(Line(line.no, line.end, "text", line.text))
                continue
            while stack and stack[-1].level >= line.level:
                stack.pop()
            if SKIP_HEADING.search(line.text):
                skip_level = line.level
                continue
            parent = stack[-1] if stack else None
            if parent:
                parent.has_children = True
            current = Section(
                path=[*(parent.path if parent else []), line.text], heading=line, level=line.level
            )
            stack.append(current)
            sections.append(current)
        elif skip_level is None:
            current.lines.append(line)
            if line.kind == "text" and QBLOCK.match(line.text):
                current.has_qblocks = True
    return sections


def parse_structure(text: str) -> tuple[list[Section], bool]:
    """Sections of a note, and whether it has any heading at all."""
    lines = promote_plain_headings(join_wrapped(read_lines(text)))
    return build_sections(lines), any(line.kind == "heading" for line in lines)
