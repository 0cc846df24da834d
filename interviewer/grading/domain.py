"""The knowledge base's vocabulary, and how much of an answer lies outside it.

An answer that takes the asked term for something else ("Transformer" as a power transformer, "Agent" as a
proxy server) or talks about something unrelated is written in words the knowledge base never uses; a
plainly worded answer to the question uses fewer of the reference's words but still mostly the domain's.
The IDF-weighted share of an answer's terms that no bank item uses (`outside_share`) is a feature of the
bank stage and of the off-topic classifier (features.BANK_FEATURES): on our dev answers, cross-validated
by question, it raised the off-topic classifier's average precision from 0.87 to 0.92 and the bank
stage's Spearman from 0.825 to 0.839 (evals/results/grader-training.md).

The vocabulary is every term of every item's question, reference answer and key points, in Chinese and,
where the item has one, its English version. The share depends on the bank's size: with the vocabulary of
30 items instead of all 195, an excellent answer's share rose from 0.19 to 0.37 and an off-topic one's from
0.60 to 0.77 (our dev answers). So a bank of fewer than MIN_ITEMS questions gives no evidence (NaN: the bank
stage learned from copies of our answers without it, and scores as it would without the feature), and neither
does an answer in a language the bank has no text in (every term would be "outside"). A bank much larger
than the seeds' 195 makes every share smaller: off-topic answers are then flagged less often, not more.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from math import fsum
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.grading import lexical
from interviewer.grading.features import GLUE_WORDS
from interviewer.validation import detect_language

if TYPE_CHECKING:
    from knowledge.bank import QuestionBank
    from knowledge.models import QAItem

log = logging.getLogger(__name__)
FILE_NAME = "vocabulary.json"  # beside the generation's bank.json: built once per ingested generation
FORMAT = 2
MIN_ITEMS = 150  # questions a bank needs for its vocabulary to say what is outside it (see above)
NO_EVIDENCE = float("nan")


@dataclass(frozen=True)
class DomainVocabulary:
    terms: frozenset[str]
    languages: frozenset[str]  # languages ("zh", "en") the bank has texts in
    items: int  # questions the vocabulary was built from

    @classmethod
    def from_texts(cls, texts: Iterable[str], lexicon: lexical.Lexicon, items: int) -> DomainVocabulary:
        terms: set[str] = set()
        languages: set[str] = set()
        for text in texts:
            if text.strip():
                terms |= lexicon.tokens(text)
                languages.add(detect_language(text))
        return cls(frozenset(terms), frozenset(languages), items)

    @classmethod
    def of_bank(cls, bank: QuestionBank, lexicon: lexical.Lexicon) -> DomainVocabulary:
        return cls.from_texts((text for item in bank.items for text in item_texts(item)), lexicon, len(bank))

    def outside_share(self, answer: str, lexicon: lexical.Lexicon) -> float:
        """IDF-weighted share of the answer's content terms (function words aside) that the bank never uses;
        0.0 for an answer without terms; NO_EVIDENCE (NaN) from a bank of fewer than MIN_ITEMS questions or
        for an answer in a language the bank has no text in."""
        if self.items < MIN_ITEMS or detect_language(answer) not in self.languages:
            return NO_EVIDENCE
        terms = [t for t in lexicon.tokens(answer) if lexical.is_term(t) and t not in GLUE_WORDS]
        weights = {t: lexicon.weight(t) for t in terms}
        total = fsum(weights.values())
        if total <= 0:
            return 0.0
        return fsum(w for t, w in weights.items() if t not in self.terms) / total

    def save(self, path: Path) -> None:
        payload = {"format": FORMAT, "items": self.items, "languages": sorted(self.languages),
                   "terms": sorted(self.terms)}
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # workers may save at once
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> DomainVocabulary | None:
        """The saved vocabulary, or None when it is missing, of another format or unreadable."""
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            return None
        return cls(frozenset(payload.get("terms", ())), frozenset(payload.get("languages", ())),
                   int(payload.get("items", 0)))


def item_texts(item: QAItem) -> list[str]:
    texts = [item.question, item.answer, *item.key_point_texts()]
    if item.en is not None:
        texts += [item.question_in("en"), *item.key_point_texts("en")]
    return texts


def vocabulary_for(bank: QuestionBank, folder: Path | None) -> DomainVocabulary:
    """The bank's vocabulary, read from `folder` (the live generation) when an earlier process saved it there,
    else built (~0.5 s for the 195 seed items, ~1 min at 100x) and saved there for the next process."""
    path = folder / FILE_NAME if folder is not None else None
    if path is not None and (found := DomainVocabulary.load(path)) is not None:
        return found
    vocabulary = DomainVocabulary.of_bank(bank, lexical.Lexicon())  # tokens only: jieba's IDF table is not read
    if path is not None:
        try:
            vocabulary.save(path)
        except OSError as exc:  # a read-only data folder: rebuilt by each process instead
            log.warning("could not save the domain vocabulary to %s: %s", path, exc)
    return vocabulary
