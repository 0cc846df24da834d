"""Follow-up questions and hints that fit the answer, built from the key point the answer most needs.

A follow-up is one real question about one missing key point (the targets, most needed first, and
what each is about: `targets.py`): the bank's own seed follow-up for that point when one fits, else a
question built from the point's *concept* (its bold label or a technical term, quoted whole) and its
*kind* (definition, why, how, comparison, trade-off, example). It never quotes the point's claim, a
cut-off sentence, or text that lost characters to bad encoding. "You mentioned X" is said only when X
is the candidate's own words. Openings rotate, so no two follow-ups of one interview read alike; the
choice among equals is seeded, so a replayed session asks the same.

Hints are graded steps on the same targets: first a direction (what kind of thing is missing), then a
narrower pointer (the concept), never the point's text.

Everything here takes the interview language and the item's texts in that language (`ItemTexts`):
an English interview with no English texts asks about a point's kind and its Latin terms only, and
never quotes Chinese reference text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from interviewer.grading.models import Grade
from interviewer.session.followup_phrases import (
    ASK,
    ASK_GENERIC,
    DIRECTION,
    LAST_RESORT,
    MENTION,
    POINTER,
    Kind,
)
from interviewer.session.models import Language
from interviewer.session.targets import COMMON_TERMS, TERM, ItemTexts, Target, concept, quotable, targets
from interviewer.session.text import norm, overlap, terms
from knowledge.models import QAItem

SEED_RELATED = 0.25  # share of a seed follow-up's tokens found in the target point (or a shared term)
HINT_STEPS = 4  # at most two points, each a direction then a pointer


def _pattern(template: str) -> re.Pattern[str]:
    """A template as a regex, to tell which openings a session has used from the texts alone."""
    parts = [re.escape(p) for p in re.split(r"\{c\}|\{x\}", template)]
    return re.compile("(?:.*?)".join(parts))


def _used_template(template: str, asked: list[str]) -> bool:
    rx = _pattern(template)
    return any(rx.search(text) for text in asked)


def _alike(text: str, asked: list[str]) -> bool:
    key = norm(text)
    return any(key == norm(a) or (len(key) >= 6 and (key in norm(a) or norm(a) in key)) for a in asked if norm(a))


# ---- the follow-up -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    text: str
    target: str  # the key point it is about ("" when none): recorded so it is not asked about twice


def choose_follow_up(
    item: QAItem,
    grade: Grade,
    texts: ItemTexts,
    said: str,
    asked_here: list[str],
    asked_in_session: list[str],
    seed: str,
) -> FollowUp:
    """The next follow-up on this question.

    `asked_here`: the points (or seeds) earlier follow-ups on this question were about; `asked_in_session`:
    every follow-up shown so far in the interview (never repeated, openings rotated); `said`: what the
    candidate has said on this question (the only source of "you mentioned"); `seed`: makes the choice
    among equal options deterministic per session.
    """
    rng = random.Random(seed)
    lang = texts.language
    done = {norm(a) for a in asked_here}
    open_targets = [t for t in targets(item, grade, texts) if norm(t.text) not in done]
    for target in open_targets:
        own = _seed_for(target, texts, asked_in_session)
        if own:
            return FollowUp(own, target.text)
        if target.concept and not any(target.concept in a for a in asked_in_session):
            question = _pick(ASK[lang][target.kind], asked_in_session, rng, target.concept)
            if question:
                return FollowUp(_with_mention(question, item, grade, texts, said, asked_here, asked_in_session),
                                target.text)
    if open_targets:  # nothing to name: ask about the most needed point's kind
        target = open_targets[0]
        question = _pick(ASK_GENERIC[lang][target.kind], asked_in_session, rng)
        if question:
            return FollowUp(question, target.text)
    unused = [s for s in texts.follow_ups if quotable(s) and not _alike(s, asked_in_session) and norm(s) not in done]
    if unused:
        return FollowUp(unused[0], unused[0])
    fallbacks: tuple[Kind, ...] = ("example", "tradeoff", "why")
    for kind in fallbacks:
        question = _pick(ASK_GENERIC[lang][kind], asked_in_session, rng)
        if question:
            return FollowUp(question, "")
    fresh = [q for q in LAST_RESORT[lang] if not _alike(q, asked_in_session)]
    return FollowUp(fresh[0] if fresh else LAST_RESORT[lang][-1], "")


def _seed_for(target: Target, texts: ItemTexts, asked: list[str]) -> str | None:
    """The bank's own follow-up most about this point, if one is about it enough and not yet asked."""
    best, best_score = None, 0.0
    for seed in texts.follow_ups:
        if not quotable(seed) or _alike(seed, asked):
            continue
        score = 1.0 if terms(seed) & terms(target.text) else overlap(target.text, seed)
        if target.concept and norm(target.concept) in norm(seed):
            score = 1.0
        if score > best_score:
            best, best_score = seed, score
    return best if best_score >= SEED_RELATED else None


def _pick(options: tuple[str, ...], asked: list[str], rng: random.Random, name: str = "") -> str | None:
    """An opening not used yet in this interview (seeded among the unused), filled in; None if all are
    used (or the result would repeat an earlier follow-up)."""
    fresh = [o for o in options if not _used_template(o, asked)]
    rng.shuffle(fresh)
    for option in fresh:
        text = option.format(c=name)
        if not _alike(text, asked):
            return text
    return None


def _with_mention(
    question: str, item: QAItem, grade: Grade, texts: ItemTexts, said: str, asked_here: list[str], asked: list[str]
) -> str:
    """"You mentioned X, …" on a question's first follow-up, when X is the candidate's own words."""
    if asked_here:
        return question
    quote = candidate_quote(said, grade.covered, texts.question or item.question, texts.language)
    if quote and quote in question:
        return question
    if not quote or any(quote in a for a in asked):
        return question
    return MENTION[texts.language].format(x=quote) + question


def candidate_quote(said: str, covered: list[str], question: str, language: Language) -> str | None:
    """A short phrase exactly as the candidate wrote it that names a point they covered: the point's
    concept, or a technical term they share with it (never one the question already names)."""
    if not said.strip():
        return None
    lowered = said.lower()
    for point in covered:
        name = concept(point, question, language)
        if name and name.lower() in lowered:
            at = lowered.index(name.lower())
            return said[at : at + len(name)]
    asked = terms(question)
    point_terms = {t for point in covered for t in terms(point)}
    for match in TERM.finditer(said):
        term = match.group(0).strip()
        low = term.lower()
        if len(term) >= 3 and low in point_terms and low not in asked and not set(low.split()) <= COMMON_TERMS:
            return term
    return None


# ---- hints ------------------------------------------------------------------------------------------------


def hint_steps(item: QAItem, grade: Grade | None, texts: ItemTexts) -> list[str]:
    """The hints for what is still missing, in order: for the most needed points, a direction (the kind of
    thing missing) and then a pointer (its concept); never a point's text."""
    steps: list[str] = []
    lang = texts.language
    for target in targets(item, grade, texts):
        direction = DIRECTION[lang][target.kind]
        if direction not in steps:
            steps.append(direction)
        if target.concept and norm(target.concept) != norm(target.text):
            steps.append(POINTER[lang].format(c=target.concept))
        if len(steps) >= HINT_STEPS:
            break
    return steps[:HINT_STEPS]


def next_hint(item: QAItem, grade: Grade | None, texts: ItemTexts, given: list[str]) -> str | None:
    """The first step not given yet on this question; None when the steps are used up."""
    return next((step for step in hint_steps(item, grade, texts) if step not in given), None)
