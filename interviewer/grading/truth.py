"""Contradictions between an answer and the key points: the wrong-but-fluent detector.

Coverage rewards an answer for a point's terms even when it states the point's core inverted ("LayerNorm 在
整个 batch 上归一化", "KV cache 缓存 Q 和 K"). Each answer sentence is aligned with the points it shares rare
terms with, and checked for four cues: a negation on one side only, an antonym, a different number for the
same unit, two entities swapped across a relation. Precision first: every cue needs a shared anchor term
next to it; hedged, conditional or contrasted statements are skipped; what the reference itself says anywhere
is never a contradiction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from interviewer.grading.acronyms import expansion_conflicts
from interviewer.grading.lexical import Lexicon, normalize, script_agreement
from interviewer.grading.truth_cues import (
    ANTONYM_SET,
    ANTONYMS,
    BEST_SHARE,
    CLAUSE,
    COMPARE,
    CONDITION,
    CONTRAST,
    CUE_WORDS,
    HEAD,
    HEDGE,
    LETTER_LIST,
    MIN_ANCHOR_IDF,
    MIN_ATTRIBUTE_IDF,
    MIN_ENTITY_IDF,
    MIN_PAIR_WEIGHT,
    NEAR,
    NEG_GAP,
    NEG_GAP_LATIN,
    NEGATOR,
    NUMBER,
    PARTIAL,
    PREDICATE_SHARE,
    PROBLEM,
    RARE_IDF,
    SCOPE_BREAK,
    UNITS,
)
from knowledge.claims import split_claims


@dataclass(frozen=True)
class Contradiction:
    """One answer sentence that states a key point's core the other way round."""

    point_index: int
    point: str
    claim: str
    kind: str  # "negation" | "antonym" | "number" | "swap" | "expansion"
    cue: str  # short, point side first: "增加 ↔ 减少", "12层 ↔ 24层", "K/V ↔ K/Q"


@dataclass(frozen=True)
class Pair:
    """One answer sentence and one key point, normalized, with what they share."""

    claim: str
    point: str
    anchors: list[str]  # shared terms rare enough to anchor a cue, longest first
    entities: list[str]  # shared technical terms: the possible subjects of a swap
    reference: list[str]  # every key point: what the reference itself says is never wrong
    question: str
    weights: dict[str, float]  # IDF of every term of either side
    terms: tuple[frozenset[str], frozenset[str]]  # the claim's terms, the point's


def find_contradictions(
    answer: str, points: list[str], lexicon: Lexicon | None = None, question: str = ""
) -> list[Contradiction]:
    """At most one contradiction per (answer sentence, point); pure and deterministic."""
    lex = lexicon or Lexicon()
    asked, q_norm, reference = lex.tokens(question), normalize(question), [normalize(p) for p in points]
    claims = list(dict.fromkeys(split_claims(answer) or [answer.strip()]))
    tokens = {text: lex.tokens(text) for text in [*claims, *points]}
    weights = {t: lex.weight(t) for toks in tokens.values() for t in toks}
    anchor_ok = {t for t, w in weights.items() if _is_anchor(t, w)}
    normed = {c: normalize(c) for c in claims}
    out: list[Contradiction] = []
    for claim in claims:
        shares = [tokens[claim] & tokens[p] for p in points]
        masses = [sum(weights[t] * (0.3 if t in asked else 1.0) for t in sh & anchor_ok) for sh in shares]
        for i, (shared, mass) in enumerate(zip(shares, masses, strict=True)):
            if mass < MIN_PAIR_WEIGHT:
                continue
            pair = Pair(normed[claim], reference[i], sorted(shared & anchor_ok, key=lambda t: (-len(t), t)),
                        [t for t in shared if weights[t] >= MIN_ENTITY_IDF and len(t) > 1 and not t.isdigit()],
                        reference, q_norm, weights, (tokens[claim], tokens[points[i]]))
            # Only the points a sentence is most about are held to agree with it (a sentence on the decoder
            # is no wrong statement of the encoder point next to it); a swap names both sides anyway.
            found = _check(pair, script_agreement(claim, points[i]) >= 0.5, mass >= BEST_SHARE * max(masses))
            if found:
                out.append(Contradiction(i, points[i], claim, *found))
    said = {t for c in claims for t in tokens[c]}
    terms = {t for t in said if weights[t] >= RARE_IDF and len(t) > 1 and not t.isdigit()}
    swapped = _reference_swap([normed[c] for c in claims], reference, terms, {t: weights[t] for t in said & anchor_ok})
    if swapped and not any(c.claim == claims[swapped[1]] for c in out):
        out.append(Contradiction(swapped[0], points[swapped[0]], claims[swapped[1]], "swap", swapped[2]))
    if points:  # an acronym spelled out as something else ("GRPO 是 Generative Rejection …")
        held = {c.point_index for c in out}
        out += [Contradiction(c.point_index, points[c.point_index], c.claim, "expansion", c.cue)
                for c in expansion_conflicts(answer, points, question) if c.point_index not in held]
    return out


@lru_cache(maxsize=8192)
def _is_anchor(term: str, weight: float) -> bool:
    """A term that can anchor a cue: rare, and neither a number, a negator nor a cue word itself."""
    if term.isdigit() or len(term) < 2 or weight < MIN_ANCHOR_IDF or NEGATOR.fullmatch(term):
        return False
    return not any(w in term for w in CUE_WORDS)


def _check(p: Pair, same_script: bool, most: bool) -> tuple[str, str] | None:
    found = (_number(p) or _letter_lists(p)) if most else None
    if found or not same_script:  # across scripts only numbers and Q/K/V compare
        return found
    return _relation_swap(p) or ((_antonym(p) or _negation(p)) if most else None)


@lru_cache(maxsize=4096)
def _clauses(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in CLAUSE.split(text) if c.strip())


def _with_previous(text: str, clause: str) -> str:
    clauses = _clauses(text)
    at = clauses.index(clause) if clause in clauses else 0
    return "，".join(clauses[max(0, at - 1):at + 1])


def _find(word: str, text: str) -> re.Match[str] | None:
    return _word_pattern(word).search(text) if word in text else None


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z]){re.escape(word)}(?![a-z])" if word.isascii() else re.escape(word))


# ---- negation ----------------------------------------------------------------------------------------------

def _negator_before(clause: str, pos: int) -> re.Match[str] | None:
    """The negator whose scope reaches `pos` ("不需要人工|审核"); "未见过的任务" does not negate 任务."""
    last = None
    for last in NEGATOR.finditer(clause, 0, pos):  # noqa: B007 - the last one is wanted
        pass
    gap = clause[last.end():pos] if last else ""
    ok = last and len(gap) <= (NEG_GAP_LATIN if gap.isascii() else NEG_GAP) and not SCOPE_BREAK.search(gap)
    return last if ok else None


def _polarity(clause: str, term: str) -> str | None:
    """"neg" when a negator scopes over every occurrence of `term`, "pos" when over none."""
    states = {"neg" if _negator_before(clause, m.start()) else "pos" for m in _word_pattern(term).finditer(clause)}
    return states.pop() if len(states) == 1 else None


def _negation(p: Pair) -> tuple[str, str] | None:
    if not (NEGATOR.search(p.claim) or NEGATOR.search(p.point)):
        return None
    for cc in _clauses(p.claim):
        # the point clause(s) this clause is most about, by shared IDF
        scored = [(sum(p.weights[a] for a in shared), pc, shared) for pc in _clauses(p.point)
                  if (shared := [a for a in p.anchors if a in cc and a in pc])]
        context = _with_previous(p.claim, cc)
        if not scored or HEDGE.search(context) or CONDITION.search(context):
            continue  # "S2 不为空时，则无法入队": a negation under a condition says nothing of the point
        top = max(w for w, _, _ in scored)
        best = [(pc, sh) for w, pc, sh in scored if w >= top - 1e-9]
        if any(HEDGE.search(pc) or (len(sh) < 2 and p.weights[sh[0]] < RARE_IDF) for pc, sh in best):
            continue
        best = [(pc, sh) for pc, sh in best
                if not _other_subjects(p, cc, pc) and not CONDITION.search(_with_previous(p.point, pc))]
        cues = {_polarity_cue(p, cc, pc, sh) for pc, sh in best}
        if len(cues) == 1 and (cue := cues.pop()):  # every clause it may be about disagrees the same way
            return "negation", cue
    return None


def _other_subjects(p: Pair, cc: str, pc: str) -> bool:
    """Whether the two sentences are about different things, each absent from the other side: their first
    technical terms, contrasts set aside ("链表中…不需移动" vs "顺序表中…需要移动"; "与 RNN 不同，自注意力…")."""
    firsts = []
    sides = ((p.claim, cc, *p.terms, p.point), (p.point, pc, *p.terms[::-1], p.claim))
    for text, clause, own, other, other_text in sides:
        head = CONTRAST.sub("，", text[:text.find(clause) + len(clause)])
        named = sorted((head.find(t), t) for t in own if len(t) > 1 and p.weights[t] >= MIN_ENTITY_IDF and t in head)
        first = named[0][1] if named else ""
        firsts.append(first if first not in other or first not in CONTRAST.sub("，", other_text) else "")
    return all(firsts)


def _polarity_cue(p: Pair, cc: str, pc: str, shared: list[str]) -> str | None:
    for term in sorted(shared, key=pc.find):  # the first term after the negator names the cue
        pc_pol, cc_pol = _polarity(pc, term), _polarity(cc, term)
        if pc_pol is None or cc_pol is None or pc_pol == cc_pol:
            continue
        negated, plain = (cc, pc) if cc_pol == "neg" else (pc, cc)
        if NEGATOR.search(plain) or len(NEGATOR.findall(negated)) != 1:
            continue
        if term in p.question and _polarity(p.question, term) == cc_pol:
            continue  # the answer echoes the question's own premise
        if _said_somewhere(p, term, cc_pol, [a for a in shared if a != term]):
            continue
        at = negated.find(term)
        neg = _negator_before(negated, at)
        scope = negated[neg.end():] if neg else ""
        # "不是每次都激活所有专家" is "only some", which is what "选择性激活" says
        if not neg or not _same_predicate(p, scope, plain) or PROBLEM.search(scope) or PARTIAL.search(scope):
            continue
        span = negated[neg.start():at + len(term)]
        return f"{term} ↔ {span}" if cc_pol == "neg" else f"{span} ↔ {term}"
    return None


def _same_predicate(p: Pair, scope: str, other: str) -> bool:
    """Whether the other clause states most of what the negation covers ("不会梯度消失" vs "梯度能传播": no)."""
    terms = {t: w for t, w in p.weights.items()
             if w >= MIN_ANCHOR_IDF and len(t) > 1 and t in scope and not NEGATOR.search(t)}
    terms |= {t: 12.0 for t in re.findall(r"(?<![a-z])[a-z](?![a-z])", scope)}  # "不缓存 q": the q matters
    total = sum(terms.values())
    return total > 0 and sum(w for t, w in terms.items() if t in other) >= PREDICATE_SHARE * total


def _said_somewhere(p: Pair, term: str, polarity: str, context: list[str]) -> bool:
    """Whether a clause of the reference states `term` with this polarity (next to another shared term)."""
    return any(term in rc and (not context or any(a in rc for a in context)) and _polarity(rc, term) == polarity
               for point in p.reference for rc in _clauses(point))


# ---- antonyms ----------------------------------------------------------------------------------------------

def _antonym(p: Pair) -> tuple[str, str] | None:
    pairs = [(a, b) for a, b in ANTONYMS if (a in p.claim or b in p.claim) and (a in p.point or b in p.point)]
    for cc in _clauses(p.claim) if pairs else ():
        for pc in _clauses(p.point):
            if not any(a in cc and a in pc for a in p.anchors) or HEDGE.search(cc):
                continue
            if _topic(p.claim, cc, p.terms[0], p.weights) != _topic(p.point, pc, p.terms[1], p.weights):
                continue  # said of something else ("双编码器分别编码" vs "交叉编码器一起编码")
            for a, b in pairs:
                if any(a in c and b in c and COMPARE.search(c) for c in (cc, pc)):
                    continue  # the two weighed against each other ("全局注意力比局部注意力看得远")
                for said, meant in ((a, b), (b, a)):
                    for anchor in _bound(cc, said, p.anchors) & _bound(pc, meant, p.anchors):
                        # "学习率要减小" vs "学习率也要增大": the same term gets the opposite word, and
                        # nowhere in the reference the answer's
                        if anchor not in _bound(cc, meant, p.anchors) and not any(
                                anchor in _bound(rc, said, p.anchors) for r in p.reference for rc in _clauses(r)):
                            return "antonym", f"{meant} ↔ {said}"
    return None


def _bound(clause: str, word: str, anchors: list[str]) -> set[str]:
    """The anchors `word` is said of, unnegated: the nearest before each occurrence (else after)."""
    out = set()
    for m in _word_pattern(word).finditer(clause) if word in clause else ():
        if not NEGATOR.search(clause, 0, m.start()):  # "不需要按时间步串行": any negation before makes it unclear
            before = [(at, a) for a in anchors if (at := clause.rfind(a, 0, m.start())) >= 0]
            after = [(-at, a) for a in anchors if (at := clause.find(a, m.end())) >= 0]
            if before or after:
                out.add(max(before or after)[1])
    return out


def _topic(text: str, clause: str, terms: frozenset[str], weights: dict[str, float]) -> str | None:
    """The first content term of the sentence holding `clause`, cue words aside: what it is about."""
    sentence = next((s for s in re.split(r"[。；;！？!?\n]", text) if clause in s), "")
    firsts = [(sentence.find(t), -len(t), t) for t in terms
              if len(t) > 1 and weights[t] >= MIN_ANCHOR_IDF and t in sentence and t not in CUE_WORDS]
    return min(firsts)[2] if firsts else None


# ---- swapped entities --------------------------------------------------------------------------------------

def _owners(text: str, subjects: list[str], attrs: list[str], topic: str | None, fallback: bool) -> dict[str, str]:
    """Attribute -> the subject its clause names first, else (`fallback`) the last subject named before (or
    `topic`); without `fallback` only a clause opening with its subject ("encoder 使用…") counts."""
    out: dict[str, str] = {}
    for clause in _clauses(text):
        if CONDITION.search(clause):
            continue  # "若 s2 满，s1 空，不能入队": a condition assigns nothing
        found = sorted((m.start(), e) for e in subjects if (m := _find(e, clause)))
        start, subject = found[0] if found and (fallback or found[0][0] <= 2) else (0, topic if fallback else None)
        topic = subject
        for attr in attrs:
            if subject and _find(attr, clause[start:]) and not NEGATOR.search(clause, 0, clause.find(attr)):
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


def _relation_swap(p: Pair) -> tuple[str, str] | None:
    """The point says "A x, B y" in clauses opening with A and B; the answer says A y (and B x)."""
    terms = [a for a in p.entities if not any(a != b and a in b for b in p.entities)]
    subjects = sorted({found[0][1] for c in _clauses(p.point)
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


def _reference_swap(
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


# ---- numbers and Q/K/V lists -------------------------------------------------------------------------------

def _numbers(text: str) -> list[tuple[float, str, str, str]]:
    """(value, unit, as written, clause) of every number with a unit."""
    return [(float(m.group(1)), UNITS[m.group(2)], m.group(0).replace(" ", ""), clause)
            for clause in _clauses(text) for m in NUMBER.finditer(clause)]


def _number(p: Pair) -> tuple[str, str] | None:
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


def _letter_lists(p: Pair) -> tuple[str, str] | None:
    """"Q 和 K" where the point says "K 和 V" of the same thing."""
    said_anywhere = {s for r in p.reference for s, _ in _letter_sets(r)}
    for sc, mc in _letter_sets(p.claim):
        for sp, mp in _letter_sets(p.point) if sc not in said_anywhere else ():
            if _near(p.claim, mc, p.anchors) & _near(p.point, mp, p.anchors):
                return "swap", f"{'/'.join(sorted(sp)).upper()} ↔ {'/'.join(sorted(sc)).upper()}"
    return None
