"""Structural contradictions: two entities swapped across a relation, a number of the same unit that the
reference never states, a Q/K/V letter list that names other letters. Called by truth.find_contradictions."""

from __future__ import annotations

import re
from collections.abc import Callable

from interviewer.grading.truth_cues import (
    ANTONYM_SET,
    ARROW,
    ASKED_SHARE,
    BACKWARDS,
    CLAUSE,
    COMPARE_ZERO,
    CONDITION,
    CUE_WORDS,
    DOWN,
    HEAD,
    HEDGE,
    LETTER_LIST,
    MIN_ANCHOR_IDF,
    MIN_ATTRIBUTE_IDF,
    NEAR,
    NEGATOR,
    NUMBER,
    POLE_AFTER,
    POLE_BEFORE,
    POLE_WORD,
    POLES,
    POLES_EN,
    SENTENCE,
    SIZE_NAMED,
    STEP,
    UNITS,
    UP,
)
from interviewer.grading.truth_pairs import Pair, clauses, find_word, word_pattern

# ---- swapped entities --------------------------------------------------------------------------------------

def _owners(text: str, subjects: list[str], attrs: list[str], topic: str | None, fallback: bool) -> dict[str, str]:
    """Attribute -> the subject its clause names first, else (`fallback`) the last subject named before (or
    `topic`); without `fallback` only a clause opening with its subject ("encoder 使用…") counts."""
    out: dict[str, str] = {}
    for clause in clauses(text):
        if CONDITION.search(clause):
            continue  # "若 s2 满，s1 空，不能入队": a condition assigns nothing
        found = sorted((m.start(), e) for e in subjects if (m := find_word(e, clause)))
        start, subject = found[0] if found and (fallback or found[0][0] <= 2) else (0, topic if fallback else None)
        topic = subject
        for attr in attrs:
            if subject and find_word(attr, clause[start:]) and not NEGATOR.search(clause, 0, clause.find(attr)):
                out.setdefault(attr, subject)
    return out


def _crossed(said: dict[str, str], claimed: dict[str, str]) -> tuple[str, str, str, str] | None:
    """(x, y, a, b): the reference says a x and b y, the answer b x and a y; for antonyms x, y one of them
    given to the wrong side is enough ("RNN 串行" -> "自注意力串行")."""
    found = []
    for x, a in said.items():
        for y, b in said.items():
            antonyms = tuple(sorted((x, y))) in ANTONYM_SET
            if x == y or a >= b:
                continue
            if claimed.get(x) == b and claimed.get(y) == a:
                found.append((not antonyms, x, y, a, b))
            elif antonyms and ((claimed.get(x) == b != claimed.get(y)) or (claimed.get(y) == a != claimed.get(x))):
                found.append((True, x, y, a, b))
    return min(found)[1:] if found else None


def relation_swap(p: Pair) -> tuple[str, str] | None:
    """The point says "A x, B y" in clauses opening with A and B; the answer says A y (and B x)."""
    terms = [a for a in p.entities if not any(a != b and a in b for b in p.entities)]
    subjects = sorted({found[0][1] for c in clauses(p.point)
                       if (found := sorted((c.find(e), e) for e in terms if e in c)) and found[0][0] <= 2})
    if len(subjects) < 2:
        return None
    attrs = sorted(a for a in {*p.entities, *(w for w in CUE_WORDS if w in p.point)}
                   if a not in subjects and p.weights.get(a, MIN_ATTRIBUTE_IDF) >= MIN_ATTRIBUTE_IDF)
    said = _owners(p.point, subjects, attrs, None, fallback=False)
    said = {a: s for a, s in said.items()  # what the reference also gives the other side is no swap
            if all(_owners(r, subjects, [a], None, False).get(a, s) == s for r in p.reference)}
    hit = _crossed(said, _owners(p.claim, subjects, attrs, None, fallback=True))
    return ("swap", f"{hit[2]}/{hit[3]}: {hit[0]} ↔ {hit[1]}") if hit else None


def reference_swap(
    claims: list[str], reference: list[str], terms: set[str], anchors: dict[str, float]
) -> tuple[int, int, str] | None:
    """Points headed A and B ("自回归模型：如 GPT", "掩码模型：如 BERT"); the answer gives A's x to B (and B's y
    to A). Returns (point index, claim index, cue)."""
    heads = {i: m.group(1) for i, point in enumerate(reference) if (m := HEAD.match(point))}
    common = {t for t in anchors if sum(t in h for h in set(heads.values())) > 1}  # "模型" in "x模型：", "y模型："
    topics = {i: min((-anchors[t], t) for t in anchors if t in h and t not in common)[1]
              for i, h in heads.items() if any(t in h and t not in common for t in anchors)}
    subjects = sorted(set(topics.values()))
    answer = "\n".join(claims)
    attrs = sorted(a for a in (terms | set(CUE_WORDS)) if a in answer and a not in subjects)
    said: dict[str, tuple[str, int]] = {}
    claimed: dict[str, tuple[str, int]] = {}
    ambiguous: set[str] = set()  # given to both sides, by the reference or by the answer: no swap to speak of
    for owners, texts in ((said, {i: reference[i] for i in topics}), (claimed, dict(enumerate(claims)))):
        for i, text in texts.items() if len(subjects) > 1 else ():
            topic = topics.get(i) if owners is said else None
            for attr, subject in _owners(text, subjects, attrs, topic, fallback=True).items():
                if owners.get(attr, (subject, i))[0] != subject:
                    ambiguous.add(attr)
                owners.setdefault(attr, (subject, i))
    hit = _crossed({a: s for a, (s, _) in said.items() if a not in ambiguous},
                   {a: s for a, (s, _) in claimed.items() if a not in ambiguous})
    if not hit:
        return None
    x, y, a, b = hit
    return said[x][1], claimed[x if x in claimed else y][1], f"{a}/{b}: {x} ↔ {y}"


# ---- a direction paired with the other side's effect -------------------------------------------------------

Statement = tuple[str, str, str, frozenset[str]]  # quantity, pole (UP/DOWN), as written, the effect terms


def _poles(text: str, quantities: set[str]) -> list[tuple[int, int, str, str]]:
    """(start, end, quantity, pole) of each direction said of a quantity, in text order: "温度调高",
    "低温度", "特征值越大", "x > 0"."""
    found = []
    for q in quantities:
        for m in word_pattern(q).finditer(text) if len(q) > 1 else ():
            if after := POLE_AFTER.match(text, m.end()):
                found.append((m.start(), after.end(), q, _pole(after)))
            elif q not in SIZE_NAMED and (before := POLE_BEFORE.search(text[max(0, m.start() - 12):m.start()])):
                found.append((m.start() - len(before.group(0)), m.end(), q, _pole(before)))
    for m in COMPARE_ZERO.finditer(text):
        if m.group(1) in quantities:
            found.append((m.start(), m.end(), m.group(1), UP if m.group(2) in (">", ">=", "≥", "大于") else DOWN))
    return sorted(found)


def _pole(m: re.Match[str]) -> str:
    return POLES[m.group(1)] if m.group(1) else POLES_EN[m.group(2)]


def _is_pole_word(term: str) -> bool:
    return term in POLES_EN if term.isascii() else any(p in term for p in POLES)


def _turns(clause: str, pole: str) -> bool:
    """Whether the clause says the other direction on its own ("and a high one …", "调低则 …")."""
    for m in POLE_WORD.finditer(clause):
        word = m.group(1) or m.group(2) or m.group(3)
        if (POLES_EN.get(word) if m.group(3) else POLES.get(word)) not in (None, pole):
            return True
    return False


def _statements(text: str, quantities: set[str], effects: Callable[[str], frozenset[str]],
                whole: bool) -> list[Statement]:
    """Each direction with what is said of it: the terms from its clause's start to the next direction of the
    same quantity, or to the end of the sentence (`whole`: of the text, for a key point). A negated or hedged
    clause pairs nothing ("困惑度高，则不太可能是它生成的")."""
    out = []
    for sentence in [text] if whole else SENTENCE.split(text):
        found = _poles(sentence, quantities)
        for k, (start, end, q, pole) in enumerate(found):
            stop = next((s for s, _, q2, _ in found[k + 1:] if q2 == q), len(sentence))
            begin = max((m.end() for m in CLAUSE.finditer(sentence, 0, start)), default=0)
            begin = max([begin, *(e for _, e, q2, _ in found[:k] if q2 == q)])
            after = CLAUSE.split(sentence[end:stop])
            turn = next((n for n, c in enumerate(after) if n and _turns(c, pole)), len(after))  # "…, a high one …"
            span = [c for c in [*CLAUSE.split(sentence[begin:start]), *after[:turn]]
                    if c.strip() and not NEGATOR.search(c) and not HEDGE.search(c)]
            out.append((q, pole, sentence[start:end], frozenset().union(*map(effects, span)) - {q}))
    return out


def direction_swap(
    claims: list[str], reference: list[str], tokens: Callable[[str], frozenset[str]], weight: Callable[[str], float],
    min_weight: float, asked: frozenset[str] = frozenset(),
) -> tuple[int, int, str] | None:
    """The reference pairs an effect with one direction of a quantity and never with the other; the answer pairs
    it with the other ("低温度：分布更尖锐" vs "温度调高，分布会变得更尖锐"; "x > 0 时导数为 1" vs "x>0 时是 0").
    The moved effects must weigh `min_weight` (IDF; the question's own terms `asked` count ASKED_SHARE) or be a number.
    Returns (point index, claim index, cue)."""
    said_terms = {t for c in claims for t in tokens(c)}
    quantities = {t for r in reference for t in tokens(r) if t in said_terms and not t.isdigit() and (
        len(t) > 1 and weight(t) >= MIN_ANCHOR_IDF or len(t) == 1 and t.isascii() and t.isalpha())}
    quantities -= {t for t in quantities if _is_pole_word(t)}
    if not quantities:
        return None

    def effects(span: str) -> frozenset[str]:
        return frozenset(t for t in tokens(span) if (t.isdigit() or len(t) > 1 and weight(t) >= MIN_ANCHOR_IDF)
                         and not _is_pole_word(t))

    paired: dict[tuple[str, str], dict[str, tuple[int, str]]] = {}  # (quantity, pole) -> effect -> (point, as written)
    for i, point in enumerate(reference):
        for q, pole, written, said in _statements(point, quantities, effects, whole=True):
            for e in said:
                paired.setdefault((q, pole), {}).setdefault(e, (i, written))
    for j, claim in enumerate(claims):
        for q, pole, written, said in _statements(claim, quantities, effects, whole=False):
            other = paired.get((q, DOWN if pole == UP else UP), {})
            same = paired.get((q, pole), {})
            crossed = sorted((e for e in said if e in other and e not in same), key=lambda e: (-weight(e), e))
            if crossed and (any(e.isdigit() for e in crossed)
                            or sum(weight(e) * (ASKED_SHARE if e in asked else 1.0) for e in crossed) >= min_weight):
                i, theirs = other[crossed[0]]
                return i, j, f"{crossed[0]}: {theirs} ↔ {written}"
    return None


# ---- steps in another order ---------------------------------------------------------------------------------

def _steps(text: str, terms: set[str], split: re.Pattern[str], longest: int) -> dict[str, int]:
    """Term -> the step it is named in, for a text that orders at least two steps (`split` starts a step; a
    step of more than `longest` characters is no step of a list; a label before the first step and what follows
    the last one are cut: "流程（选择→…→版本管理）是加分项"); a term named in two steps or in a negated step has
    none."""
    parts = [p for p in split.split(text) if p.strip(" ，,。；;：:")]
    if len(parts) < 2 or len(split.findall(text)) < 2:
        return {}
    parts[0] = re.split(r"[（(：:，,]", parts[0])[-1]
    parts[-1] = re.split(r"[）)。；;，,]", parts[-1])[0]
    found: dict[str, int] = {}
    seen_twice: set[str] = set()
    for k, part in enumerate(parts):
        for t in terms:
            if find_word(t, part):
                if NEGATOR.search(part) or len(part) > longest or found.get(t, k) != k:
                    seen_twice.add(t)
                found.setdefault(t, k)
    return {t: k for t, k in found.items() if t not in seen_twice}


def order_swap(claims: list[str], reference: list[str], terms: set[str]) -> tuple[int, int, str] | None:
    """A key point lists steps A → B ("预训练→SFT→RLHF"), a sentence of the answer orders B before A ("先做
    RLHF，然后再做预训练"; sentences that order backwards, "在 A 之前 B", are left out). `terms`: the rare terms
    both sides name. Returns (point index, claim index, cue)."""
    if not any(_steps(point, terms, ARROW, 20) for point in reference):
        return None  # no key point lists steps the answer names
    for j, claim in enumerate(claims):
        for sentence in SENTENCE.split(claim):
            said = {} if BACKWARDS.search(sentence) else _steps(sentence, terms, STEP, 80)
            said = {t: k for t, k in said.items() if not any(t != u and t in u for u in said)}  # "rlhf" in "rlhf对齐"
            for i, point in enumerate(reference):
                listed = _steps(point, set(said), ARROW, 20)
                for a, b in sorted((a, b) for a in listed for b in listed if listed[a] < listed[b]):
                    if said[b] < said[a]:
                        return i, j, f"{a} → {b} ↔ {b} → {a}"
    return None


# ---- numbers and Q/K/V lists -------------------------------------------------------------------------------

def _numbers(text: str) -> list[tuple[float, str, str, str]]:
    """(value, unit, as written, clause) of every number with a unit."""
    return [(float(m.group(1)), UNITS[m.group(2)], m.group(0).replace(" ", ""), clause)
            for clause in clauses(text) for m in NUMBER.finditer(clause)]


def number(p: Pair) -> tuple[str, str] | None:
    """A number of the same unit that the reference never states, said of the same thing ("base 24 层")."""
    stated_anywhere = {(n, u) for r in p.reference for n, u, *_ in _numbers(r)}
    for n, unit, raw, cc in _numbers(p.claim):
        about = {a for a in p.anchors if a in cc and a not in UNITS}
        for _, pu, praw, pc in _numbers(p.point) if (n, unit) not in stated_anywhere else ():
            if pu == unit and about & {a for a in p.anchors if a in pc}:
                return "number", f"{praw} ↔ {raw}"
    return None


def _letter_sets(text: str) -> list[tuple[frozenset[str], re.Match[str]]]:
    return [(frozenset(g for g in m.groups() if g), m) for m in LETTER_LIST.finditer(text)]


def _near(text: str, m: re.Match[str], anchors: list[str]) -> set[str]:
    reach = 2 * NEAR if text[max(0, m.start() - NEAR):m.end() + NEAR].isascii() else NEAR  # English is longer
    window = text[max(0, m.start() - reach):m.end() + reach]
    return {a for a in anchors if a in window}


def letter_lists(p: Pair) -> tuple[str, str] | None:
    """"Q 和 K" where the point says "K 和 V" of the same thing."""
    said_anywhere = {s for r in p.reference for s, _ in _letter_sets(r)}
    for sc, mc in _letter_sets(p.claim):
        for sp, mp in _letter_sets(p.point) if sc not in said_anywhere else ():
            if _near(p.claim, mc, p.anchors) & _near(p.point, mp, p.anchors):
                return "swap", f"{'/'.join(sorted(sp)).upper()} ↔ {'/'.join(sorted(sc)).upper()}"
    return None
