"""Contradictions between an answer and the key points: the wrong-but-fluent detector.

Coverage rewards an answer for a point's terms even when it states the point's core inverted ("LayerNorm 在
整个 batch 上归一化", "KV cache 缓存 Q 和 K"). Each answer sentence is aligned with the points it shares rare
terms with, and checked for four cues: a negation on one side only, an antonym, a different number for the
same unit, two entities swapped across a relation; and the whole answer for a direction paired with what the
reference says of the other direction ("温度调高，分布更尖锐" where the reference has "低温度：分布更尖锐") and for
steps in another order than a key point's list ("先做 RLHF，再做预训练" against "预训练→SFT→RLHF"). Precision
first: every cue needs a shared anchor term next to it; hedged, conditional or contrasted statements are
skipped; what the reference itself says anywhere is never a contradiction.

This module aligns sentences with points and holds the negation and antonym checks; the swap, direction, order,
number and Q/K/V-list checks are in truth_structure.py, the Pair and clause helpers both use in truth_pairs.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from math import fsum

from interviewer.grading.acronyms import expansion_conflicts
from interviewer.grading.lexical import ENGLISH_STOP, Lexicon, normalize, script_agreement
from interviewer.grading.truth_cues import (
    ANTONYMS,
    ASKED_SHARE,
    BEST_SHARE,
    COMPARE,
    CONDITION,
    CONTRAST,
    CUE_WORDS,
    DIRECTION_WEIGHT,
    HEDGE,
    MIN_ANCHOR_IDF,
    MIN_ENTITY_IDF,
    MIN_PAIR_WEIGHT,
    NEG_GAP,
    NEG_GAP_LATIN,
    NEGATOR,
    PARTIAL,
    POTENTIAL,
    PREDICATE_SHARE,
    PROBLEM,
    RARE_IDF,
    SCOPE_BREAK,
)
from interviewer.grading.truth_pairs import Contradiction, Pair, clauses, with_previous, word_pattern
from interviewer.grading.truth_structure import (
    direction_swap,
    letter_lists,
    number,
    order_swap,
    reference_swap,
    relation_swap,
)
from knowledge.claims import split_claims


def find_contradictions(
    answer: str, points: list[str], lexicon: Lexicon | None = None, question: str = ""
) -> list[Contradiction]:
    """At most one contradiction per (answer sentence, point); pure and deterministic."""
    lex = lexicon or Lexicon()
    asked, q_norm, reference = lex.tokens(question), normalize(question), [normalize(p) for p in points]
    claims = list(dict.fromkeys(split_claims(answer) or [answer.strip()]))
    tokens = {text: lex.tokens(text) for text in [*claims, *points]}

    def weight(term: str) -> float:
        # English function words (lexical.ENGLISH_STOP) weigh nothing here: they never anchor a cue, name an
        # entity or count towards what a sentence is about ("in/is: models <-> an" was a swap).
        return 0.0 if term in ENGLISH_STOP else lex.weight(term)

    weights = {t: weight(t) for toks in tokens.values() for t in toks}
    anchor_ok = {t for t, w in weights.items() if _is_anchor(t, w)}
    normed = {c: normalize(c) for c in claims}
    out: list[Contradiction] = []
    for claim in claims:
        shares = [tokens[claim] & tokens[p] for p in points]
        masses = [fsum(weights[t] * (ASKED_SHARE if t in asked else 1.0) for t in sh & anchor_ok) for sh in shares]
        for i, (shared, mass) in enumerate(zip(shares, masses, strict=True)):
            if mass < MIN_PAIR_WEIGHT:
                continue
            pair = Pair(normed[claim], reference[i], sorted(shared & anchor_ok, key=lambda t: (-len(t), t)),
                        sorted(t for t in shared if weights[t] >= MIN_ENTITY_IDF and len(t) > 1 and not t.isdigit()),
                        reference, q_norm, weights, (tokens[claim], tokens[points[i]]))
            # Numbers, Q/K/V lists and negations are held only against the points a sentence is most about (a
            # sentence on the decoder is no wrong statement of the encoder point next to it); a swap names
            # both sides anyway, and an antonym must be said of the same term under the same topic (_antonym).
            found = _check(pair, script_agreement(claim, points[i]) >= 0.5, mass >= BEST_SHARE * max(masses))
            if found:
                out.append(Contradiction(i, points[i], claim, *found))
    said = {t for c in claims for t in tokens[c]}
    terms = {t for t in said if weights[t] >= RARE_IDF and len(t) > 1 and not t.isdigit()}
    sentences = [normed[c] for c in claims]
    both = {t for t in said & anchor_ok if len(t) > 1 and any(t in tokens[p] for p in points)}
    # The checks over the whole answer: each names (point index, claim index, cue); one per claim at most.
    for kind, hit in (
        ("swap", reference_swap(sentences, reference, terms, {t: weights[t] for t in said & anchor_ok})),
        ("direction", direction_swap(sentences, reference, lex.tokens, weight, DIRECTION_WEIGHT, asked)),
        ("order", order_swap(sentences, reference, both)),
    ):
        if hit and not any(c.claim == claims[hit[1]] for c in out):
            out.append(Contradiction(hit[0], points[hit[0]], claims[hit[1]], kind, hit[2]))
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
    """The first contradiction of a (sentence, point) pair; `most`: the point is one the sentence is most about.
    Antonyms are checked against every point (dev, 2026-12-01: "学生参数更多" against a secondary point's
    "学生模型参数更少", "按列" against "按行", "dense" against "sparse"; no correct answer newly flagged)."""
    found = (number(p) or letter_lists(p)) if most else None
    if found or not same_script:  # across scripts only numbers and Q/K/V compare
        return found
    return relation_swap(p) or _antonym(p) or (_negation(p) if most else None)


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
    states = {"neg" if _negator_before(clause, m.start()) else "pos" for m in word_pattern(term).finditer(clause)}
    return states.pop() if len(states) == 1 else None


def _negation(p: Pair) -> tuple[str, str] | None:
    if not (NEGATOR.search(p.claim) or NEGATOR.search(p.point)):
        return None
    for cc in clauses(p.claim):
        # the point clause(s) this clause is most about, by shared IDF
        scored = [(fsum(p.weights[a] for a in shared), pc, shared) for pc in clauses(p.point)
                  if (shared := [a for a in p.anchors if a in cc and a in pc])]
        context = with_previous(p.claim, cc)
        if not scored or HEDGE.search(context) or CONDITION.search(context):
            continue  # "S2 不为空时，则无法入队": a negation under a condition says nothing of the point
        top = max(w for w, _, _ in scored)
        best = [(pc, sh) for w, pc, sh in scored if w >= top - 1e-9]
        if any(HEDGE.search(pc) or (len(sh) < 2 and p.weights[sh[0]] < RARE_IDF) for pc, sh in best):
            continue
        best = [(pc, sh) for pc, sh in best
                if not _other_subjects(p, cc, pc) and not CONDITION.search(with_previous(p.point, pc))]
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
    for term in sorted(shared, key=lambda t: (pc.find(t), t)):  # the first term after the negator names the cue
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
        potential = POTENTIAL.match(negated, neg.start() - 1) if neg.start() else None
        if potential and potential.group(1) not in plain:
            continue  # "塞不进上下文" denies 塞进, which "保留上下文" never states
        span = negated[neg.start():at + len(term)]
        return f"{term} ↔ {span}" if cc_pol == "neg" else f"{span} ↔ {term}"
    return None


def _same_predicate(p: Pair, scope: str, other: str) -> bool:
    """Whether the other clause states most of what the negation covers ("不会梯度消失" vs "梯度能传播": no)."""
    terms = {t: w for t, w in p.weights.items()
             if w >= MIN_ANCHOR_IDF and len(t) > 1 and t in scope and not NEGATOR.search(t)}
    terms |= {t: 12.0 for t in re.findall(r"(?<![a-z])[a-z](?![a-z])", scope)}  # "不缓存 q": the q matters
    total = fsum(terms.values())
    return total > 0 and fsum(w for t, w in terms.items() if t in other) >= PREDICATE_SHARE * total


def _said_somewhere(p: Pair, term: str, polarity: str, context: list[str]) -> bool:
    """Whether a clause of the reference states `term` with this polarity (next to another shared term)."""
    return any(term in rc and (not context or any(a in rc for a in context)) and _polarity(rc, term) == polarity
               for point in p.reference for rc in clauses(point))


# ---- antonyms ----------------------------------------------------------------------------------------------

def _antonym(p: Pair) -> tuple[str, str] | None:
    pairs = [(a, b) for a, b in ANTONYMS if (a in p.claim or b in p.claim) and (a in p.point or b in p.point)]
    for cc in clauses(p.claim) if pairs else ():
        for pc in clauses(p.point):
            if not any(a in cc and a in pc for a in p.anchors) or HEDGE.search(cc):
                continue
            if not _same_topic(p, cc, pc):
                continue  # said of something else ("双编码器分别编码" vs "交叉编码器一起编码")
            for a, b in pairs:
                if any(a in c and b in c and COMPARE.search(c) for c in (cc, pc)):
                    continue  # the two weighed against each other ("全局注意力比局部注意力看得远")
                for said, meant in ((a, b), (b, a)):
                    for anchor in _bound(cc, said, p.anchors) & _bound(pc, meant, p.anchors):
                        # "学习率要减小" vs "学习率也要增大": the same term gets the opposite word, and
                        # nowhere in the reference the answer's
                        if anchor not in _bound(cc, meant, p.anchors) and not any(
                                anchor in _bound(rc, said, p.anchors) for r in p.reference for rc in clauses(r)):
                            return "antonym", f"{meant} ↔ {said}"
    return None


def _bound(clause: str, word: str, anchors: list[str]) -> set[str]:
    """The anchors `word` is said of, unnegated: the nearest before each occurrence (else after)."""
    out = set()
    for m in word_pattern(word).finditer(clause) if word in clause else ():
        if not NEGATOR.search(clause, 0, m.start()):  # "不需要按时间步串行": any negation before makes it unclear
            before = [(at, a) for a in anchors if (at := clause.rfind(a, 0, m.start())) >= 0]
            after = [(-at, a) for a in anchors if (at := clause.find(a, m.end())) >= 0]
            if before or after:
                out.add(max(before or after)[1])
    return out


def _same_topic(p: Pair, cc: str, pc: str) -> bool:
    """Whether the two clauses are about the same thing: the same first content term in the sentences that hold
    them, or in the clauses themselves (a long sentence's later clause can be about its own subject: "…，这样学生
    参数更多" vs "学生模型参数更少")."""
    def sentence(text: str, clause: str) -> str:
        return next((s for s in re.split(r"[。；;！？!?\n]", text) if clause in s), "")

    return (_topic(sentence(p.claim, cc), p.terms[0], p.weights) == _topic(sentence(p.point, pc), p.terms[1], p.weights)
            or _topic(cc, p.terms[0], p.weights) == _topic(pc, p.terms[1], p.weights))


def _topic(text: str, terms: frozenset[str], weights: dict[str, float]) -> str | None:
    """The first content term of `text`, cue words aside: what it is about."""
    firsts = [(text.find(t), -len(t), t) for t in terms
              if len(t) > 1 and weights[t] >= MIN_ANCHOR_IDF and t in text and t not in CUE_WORDS]
    return min(firsts)[2] if firsts else None
