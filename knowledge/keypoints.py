"""A reference answer's lines -> rendered answer text and gradeable key points with line spans.

A key point is one self-contained claim of about 12-150 characters: a list item (with its bold
lead-in and indented explanation), a short paragraph, or one sentence of a long paragraph.
Labels such as "优点：" or "RoPE 在长上下文外推时的挑战：" are carried into the items they introduce
when those items would not stand alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.formats import TERMINAL, Line
from knowledge.models import KeyPoint
from knowledge.textclean import join_text, normalize

MIN_CHARS = 12  # shorter fragments ("缺点：", "原理") carry no claim on their own
MAX_CHARS = 150
SHORT_ITEM = 25  # list items this short are packed together under their label
LEAD_CHARS = 30  # a label ("xxx：") is at most this long
LIST_LABEL_CHARS = 50  # a line without colon that heads a list ("PPO（Proximal Policy Optimization）")
# Sentence ends; an ASCII '?' only before a space (glued to a word it is usually a lost character).
_SENTENCE = re.compile(r"(?<=[。！？])(?![”」』）)])|(?<=[!?])(?=\s)")
_DENSE = re.compile(r"(?<=[；;])")
# Labels that only announce a list ("核心点包括：") add nothing when repeated in front of each item.
_GENERIC_LABEL = re.compile(
    r"包括|如下|以下|下面|几点|总结|概括|要点|关键|核心|特点|特征|步骤|流程|方法|方式|策略|措施|原因|作用"
    r"|好处|重要性|应用|场景|方案|建议|注意|理由|思想|机制|原理|过程|例如|比如|主要有|分为|具体|回答|解答"
    r"|因为|可以|，"
)
_OWN_LEAD = re.compile(r"^([^：:，,。]{1,6})[：:]")
# Leads that say nothing without the label they sit under ("优点：" under "Batch Normalization:").
_GENERIC_LEAD = re.compile(
    r"^(?:优点|缺点|优势|劣势|不足|功能|结构|输入|输出|原理|作用|例子|示例|任务|场景|上下文|表示|特点|挑战|局限"
    r"|应用|代价|成本|效果|泛化能力)\s*[：:]"
)
Piece = tuple[str, tuple[int, int]]


@dataclass
class Unit:
    """A run of lines read as one piece: a list item with its continuation, a paragraph, a code block."""

    segments: list[tuple[int, int, str]] = field(default_factory=list)  # (line_start, line_end, text)
    kind: str = "para"  # "para" | "item" | "code" | "row"
    indent: int = 0
    leads: set[int] = field(default_factory=set)  # segments that are a lead-in to the next one

    @property
    def text(self) -> str:
        return self._joined()[0]

    @property
    def span(self) -> tuple[int, int]:
        return self.segments[0][0], self.segments[-1][1]

    def span_of(self, start: int, end: int) -> tuple[int, int]:
        """The source lines that characters [start, end) of `text` came from."""
        hit = [(a, b) for lo, hi, a, b in self._joined()[1] if lo < end and hi > start] or [self.span]
        return min(a for a, _ in hit), max(b for _, b in hit)

    def _joined(self) -> tuple[str, list[tuple[int, int, int, int]]]:
        out, offsets = "", []
        for n, (first, last, piece) in enumerate(self.segments):
            lead_in = n - 1 in self.leads and out[-1] not in TERMINAL + "：:，,、"
            joined = join_text(out, piece, "：" if lead_in else "")
            offsets.append((len(joined) - len(piece), len(joined), first, last))
            out = joined
        return out, offsets


def render_answer(lines: list[Line]) -> str:
    """The reference text: cleaned lines, paragraphs separated by one blank line."""
    out: list[str] = []
    for line in lines:
        if line.kind == "blank":
            if out and out[-1] != "":
                out.append("")
        elif line.kind in ("text", "code"):
            out.append(line.rendered())
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def units_of(lines: list[Line]) -> list[Unit]:
    units: list[Unit] = []
    current: Unit | None = None
    previous: Line | None = None  # the last text line, while no blank line intervened
    for line in lines:
        if line.kind == "blank":
            previous = None
            continue
        seg = (line.no, line.end, line.text)
        if line.kind == "code":
            if current is None or current.kind != "code":
                current = Unit(kind="code")
                units.append(current)
            current.segments.append(seg)
        elif line.cells is not None:
            current = Unit([seg], "row", line.indent)
            units.append(current)
        elif line.marker:
            current = Unit([seg], "item", line.indent)
            units.append(current)
        elif current is not None and previous is not None and current.kind in ("para", "item"):
            # A line right under a list item explains it; consecutive paragraph lines are one paragraph.
            if _is_lead(current, previous, line):
                current.leads.add(len(current.segments) - 1)
            current.segments.append(seg)
        else:
            current = Unit([seg], "para", line.indent)
            units.append(current)
        previous = line if line.kind == "text" else None
    return units


def _is_lead(unit: Unit, previous: Line, line: Line) -> bool:
    """A bold line, or a short list-item title with its explanation indented below it."""
    if previous.bold:
        return True
    return (
        unit.kind == "item"
        and len(unit.segments) == 1
        and line.indent > unit.indent
        and len(previous.text) <= LEAD_CHARS
    )


def key_points(lines: list[Line], source: str, section: str, dense: bool = False) -> list[KeyPoint]:
    """Split an answer into claims; `dense` (an 答案要点 line) also splits at '；'."""
    units = units_of(lines)
    pieces: list[Piece] = []
    carry: list[Piece] = []  # a group that is only a fragment ("一句话总结：") leads into the next
    for label, members in _groups(units):
        group = carry + _group_points(label, members, dense)
        carry = group if all(len(text) < MIN_CHARS for text, _ in group) else []
        if not carry:
            pieces.extend(_merge_tiny(group))
    pieces.extend(_merge_tiny(carry))
    points: list[KeyPoint] = []
    seen: set[str] = set()
    for text, (start, end) in pieces:
        key = normalize(text)
        if key and key not in seen:
            seen.add(key)
            points.append(KeyPoint(source=source, section=section, line_start=start, line_end=end, text=text))
    return points


def _is_label(unit: Unit, following: Unit | None) -> bool:
    text = unit.text
    if unit.kind not in ("para", "item") or len(text) > LIST_LABEL_CHARS:
        return False
    if text.endswith(("：", ":")) and len(text) <= LEAD_CHARS:
        return True
    # "(a) 直接用通用 BERT 微调" / "缺点?" / a long "xxx (English)：" heading a list below it.
    return (
        following is not None
        and following.kind == "item"
        and not text.endswith("。")
        and (unit.kind == "para" or following.indent > unit.indent)
    )


def _groups(units: list[Unit]) -> list[tuple[Unit | None, list[Unit]]]:
    groups: list[tuple[Unit | None, list[Unit]]] = [(None, [])]
    for i, unit in enumerate(units):
        following = units[i + 1] if i + 1 < len(units) else None
        label, members = groups[-1]
        if _is_label(unit, following):
            groups.append((unit, []))
        elif _leaves(label, members, unit):
            groups.append((None, [unit]))
        else:
            members.append(unit)
    return [g for g in groups if g[0] is not None or g[1]]


def _leaves(label: Unit | None, members: list[Unit], unit: Unit) -> bool:
    """Whether `unit` is no longer under `label`: a sibling of a list-item label, or prose after a list."""
    if label is not None and label.kind == "item" and unit.kind == "item" and unit.indent <= label.indent:
        return True
    return unit.kind == "para" and unit.indent == 0 and bool(members) and members[-1].kind == "item"


def _group_points(label: Unit | None, members: list[Unit], dense: bool) -> list[Piece]:
    if label is None:
        return [p for m in members for p in _split(m, "", dense)]
    if not members:  # a lone label is a tiny fragment; let merging decide
        return [(label.text, label.span)]
    texts = [m.text for m in members]
    head = label.text if label.text[-1] in "：:" else label.text + "："
    packed = head + "".join(t if t[-1] in TERMINAL else t + "；" for t in texts[:-1]) + texts[-1]
    # Short items, or plain paragraphs explaining the label, read as one claim with the label.
    explains = all(m.kind == "para" and not _OWN_LEAD.match(m.text) for m in members)
    if len(packed) <= MAX_CHARS and (all(len(t) <= SHORT_ITEM for t in texts) or explains):
        return [(packed, (label.span[0], members[-1].span[1]))]
    specific = not _GENERIC_LABEL.search(label.text)
    out: list[Piece] = []
    for n, member in enumerate(members):
        prefixed = specific and (n == 0 or bool(_GENERIC_LEAD.match(member.text)))
        out.extend(_split(member, head if prefixed else "", dense))
    return out


def _split(unit: Unit, prefix: str, dense: bool) -> list[Piece]:
    """A long unit becomes its sentences (an 答案要点 line: also its '；' parts), each with its lines."""
    text = unit.text
    if (len(prefix) + len(text) <= MAX_CHARS and not dense) or unit.kind == "code":
        return [(join_text(prefix, text), unit.span)]
    ends = [m.start() for m in _SENTENCE.finditer(text)]
    if dense:
        ends += [m.start() for m in _DENSE.finditer(text)]
    bounds = sorted({0, len(text), *ends})
    bounds = sorted(
        {b for start, end in zip(bounds, bounds[1:], strict=False) for b in _soft_cuts(text, start, end)}
    )
    out: list[Piece] = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        part = text[start:end].strip()
        if part:
            out.append((join_text(prefix, part), unit.span_of(start, end)))
    return out


def _soft_cuts(text: str, start: int, end: int) -> list[int]:
    """Boundaries within one over-long sentence: greedy cuts after '；' or '，' keep pieces <= MAX_CHARS."""
    cuts = [start]
    while end - cuts[-1] > MAX_CHARS:
        window = text[cuts[-1] : cuts[-1] + MAX_CHARS]
        at = max(window.rfind(ch) for ch in "；;，,")
        if at < MIN_CHARS:
            break  # no soft break in reach: an over-long claim beats a cut mid-word
        cuts.append(cuts[-1] + at + 1)
    return [*cuts, end]


def _merge_tiny(pieces: list[Piece]) -> list[Piece]:
    """Fragments under MIN_CHARS join the next piece (the last one joins the previous)."""
    out: list[Piece] = []
    carry: Piece | None = None
    for text, span in pieces:
        if carry:
            sep = "" if carry[0][-1] in TERMINAL + "：:" else "："
            text, span = join_text(carry[0], text, sep), (carry[1][0], span[1])
            carry = None
        if len(text) < MIN_CHARS:
            carry = (text, span)
        else:
            out.append((text, span))
    if carry:
        if out:
            prev_text, prev_span = out[-1]
            out[-1] = (
                join_text(prev_text, carry[0], "" if prev_text[-1] in TERMINAL else "；"),
                (prev_span[0], carry[1][1]),
            )
        else:
            out.append(carry)
    return out
