"""What a key point is about and which missing one to ask about next, in the interview's language.

A point is asked about by its *concept* (its bold label or a technical term, quoted whole) and its
*kind* (definition, why, how, comparison, trade-off, example), never by its claim, a cut-off sentence,
or text that lost characters to bad encoding. Everything here takes the item's texts in the interview
language (`ItemTexts`): an English interview with no English texts names a point by its kind and its
Latin terms only, and never quotes Chinese reference text. Follow-ups and hints built on these
targets: `followups.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.grading.models import Grade
from interviewer.session.followup_phrases import Kind
from interviewer.session.models import Language
from interviewer.session.text import CJK, MARKUP, leaks, norm, overlap, terms
from knowledge.models import QAItem
from knowledge.textclean import LOST, has_encoding_loss

LABEL_CJK_CHARS = 12  # a label longer than this is a claim, not a name
LABEL_WORDS = 6

# ---- the item's texts in the interview language --------------------------------------------------


@dataclass(frozen=True)
class ItemTexts:
    """What may be quoted to the candidate, in the interview's language.

    `points` runs parallel to `item.key_points` ("" where no text in this language exists).
    """

    language: Language
    question: str
    points: tuple[str, ...]
    follow_ups: tuple[str, ...]


def item_texts(item: QAItem, language: Language) -> ItemTexts:
    """The bank's texts for `language`: the Chinese notes as written; in English the item's reviewed
    translation (`QAItem.en`), or nothing when it has none, so an English interview quotes no Chinese."""
    if language == "zh":
        return ItemTexts("zh", item.question, tuple(kp.text for kp in item.key_points), tuple(item.follow_ups))
    if item.en is not None and len(item.en.key_points) == len(item.key_points):
        return ItemTexts(language, item.en.question, tuple(item.en.key_points), tuple(item.en.follow_ups))
    return ItemTexts(language, "", tuple("" for _ in item.key_points), ())


# ---- what a key point is about ---------------------------------------------------------------------

_LABEL = re.compile(r"^\s*([^：:。，,；;！？!?]{2,40}?)\s*[：:]")
_GENERIC_LABEL = re.compile(
    r"^(?:优点|缺点|优势|劣势|不足|作用|功能|原理|例如|比如|例子|示例|总结|结论|注意|注|原因|目的|方法|步骤|特点|核心|关键"
    r"|区别|答|解答|要点|一句话总结|一句话概括|简单来说|场景|应用|挑战|局限|代价|效果|[a-z]|\d+|step\s*\d+"
    r"|.{0,2}(?:方式|方法|问题|情况)|advantages?|disadvantages?|pros|cons|example|note|summary|purpose|reason)$",
    re.IGNORECASE,
)
TERM = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-+./][A-Za-z0-9]+)*(?:\s+[A-Z][A-Za-z0-9]*(?:[-+][A-Za-z0-9]+)*)*")
# Latin words too common in these notes to name what one point is about.
COMMON_TERMS = frozenset({
    "token", "tokens", "query", "key", "value", "values", "model", "models", "llm", "llms", "transformer",
    "transformers", "gpu", "gpus", "cpu", "api", "data", "nlp", "the", "and", "for", "with", "input", "output",
    "prompt", "prompts", "training", "layer", "layers", "vector", "vectors",
})
# A label that already names an aspect ("RoPE的优势", "外推时的挑战") is asked about as it stands.
_ASPECT_LABEL = re.compile(r"(?:优势|优点|缺点|劣势|挑战|问题|区别|差异|作用|原理|步骤|流程|方法|策略|场景|应用|局限|影响|意义)$")
_KIND_CUES: list[tuple[Kind, re.Pattern[str]]] = [
    ("definition", re.compile(r"是指|指的是|是一种|定义为|本质上?是|\brefers? to\b|\bis defined as\b", re.I)),
    ("comparison", re.compile(r"区别|不同于|相比|对比|比较|而非|差异|优于|\bvs\.?\b|\bversus\b|\bcompared\b|"
                              r"\bdiffer|\bunlike\b|\bwhereas\b", re.I)),
    ("tradeoff", re.compile(r"优点|缺点|优势|劣势|代价|权衡|成本|开销|局限|不足|风险|牺牲|\btrade-?offs?\b|\bcosts?\b|"
                            r"\bdrawbacks?\b|\blimitations?\b|\bdownsides?\b", re.I)),
    ("why", re.compile(r"因为|由于|原因|为了|目的|避免|防止|导致|从而|使得|以便|\bbecause\b|\bso that\b|"
                       r"\bin order to\b|\bavoids?\b|\bprevents?\b", re.I)),
    ("example", re.compile(r"例如|比如|举例|场景|案例|\be\.g\.|\bfor example\b|\bsuch as\b|\buse cases?\b", re.I)),
    ("how", re.compile(r"通过|采用|使用|利用|步骤|流程|首先|然后|计算|实现|\bby\b|\busing\b|\bsteps?\b|\bcompute",
                       re.I)),
]


def point_kind(text: str) -> Kind:
    """What a key point explains, from its wording; a plain statement is a definition."""
    for kind, cue in _KIND_CUES:
        if cue.search(text):
            return kind
    return "definition"


def concept(point: str, question: str = "", language: Language = "zh", others: tuple[str, ...] = ()) -> str | None:
    """The name of what a key point is about, whole and safe to quote; None when it has none.

    The point's bold label ("**有监督学习**：…" -> "有监督学习") when short and specific, else a Latin
    technical term of it that the question does not already name and no sibling point (`others`) shares
    ("RoPE", "Layer Normalization"). Never a cut sentence, never text next to a lost character, and in
    English never Chinese.
    """
    clean = MARKUP.sub("", point).strip()
    label = _LABEL.match(clean)
    if label and _is_name(label.group(1).strip()):
        name = label.group(1).strip()
        if language == "zh" or not CJK.search(name):
            return name
    shared = terms(question) | {t for other in others for t in terms(other)}
    for match in TERM.finditer(clean):
        term = match.group(0).strip()
        low = term.lower()
        if len(term) < 3 or low in shared or low in COMMON_TERMS or _touches_loss(clean, match.start(), match.end()):
            continue
        if not set(low.split()) <= COMMON_TERMS:
            return term
    return None


def _is_name(text: str) -> bool:
    if has_encoding_loss(text) or _GENERIC_LABEL.match(text) or not norm(text):
        return False
    if CJK.search(text):
        return len(CJK.findall(text)) + len(TERM.findall(text)) <= LABEL_CJK_CHARS
    return len(text.split()) <= LABEL_WORDS


def _touches_loss(text: str, start: int, end: int) -> bool:
    """A term right next to a lost character may have lost a letter of its own."""
    around = text[max(0, start - 1) : start] + text[end : end + 1]
    return LOST in around or "?" in around


def quotable(text: str) -> bool:
    """Text that may be shown as a question as it is: nothing lost to bad encoding in it."""
    return bool(text.strip()) and not has_encoding_loss(text) and LOST not in text


# ---- which point to ask about -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    text: str  # the key point (as graded)
    index: int  # its position in the item's key points (-1: not among them)
    kind: Kind
    concept: str | None
    partly: bool


def targets(item: QAItem, grade: Grade | None, texts: ItemTexts) -> list[Target]:
    """The points still missing, most needed first: ones the answer touched on (partly covered; the offline
    grader also marks a point so when the answer states its opposite) before untouched ones, then those we can ask about by name,
    then those sharing terms with the question, then the reference's own order (notes lead with the core)."""
    positions = {norm(kp.text): i for i, kp in enumerate(item.key_points)}
    missing = list(grade.missing) if grade is not None else [kp.text for kp in item.key_points]
    partly = {norm(p.text) for p in grade.points if p.partly} if grade is not None else set()
    found: list[Target] = []
    every = [kp.text for kp in item.key_points] or missing
    for text in missing:
        index = positions.get(norm(text), -1)
        shown = texts.points[index] if 0 <= index < len(texts.points) else (text if texts.language == "zh" else "")
        others = tuple(p for p in (texts.points if shown else every) if p and norm(p) != norm(shown or text))
        if shown:
            name = concept(shown, texts.question, texts.language, others)
        else:
            name = _latin_concept(text, item.question, others)
        if name and leaks(name, item):
            name = None  # a label that is a whole line of the reference would say it for them
        found.append(Target(text, index, _kind(shown or text, name), name, norm(text) in partly))
    central = {t.text for t in found if terms(t.text) & terms(item.question) or overlap(t.text, item.question) >= 0.2}
    order = sorted(
        range(len(found)),
        key=lambda n: (not found[n].partly, found[n].concept is None, found[n].text not in central, n),
    )
    return [found[n] for n in order]


def _latin_concept(point: str, question: str, others: tuple[str, ...]) -> str | None:
    """For a language without texts: a Latin term of the point (no Chinese is quoted)."""
    name = concept(point, question, "en", others)
    return name if name and not CJK.search(name) else None


def _kind(point: str, name: str | None) -> Kind:
    if name and _ASPECT_LABEL.search(name):
        return "aspect"
    return point_kind(point)
