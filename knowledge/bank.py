"""The question bank: the parsed QA items, looked up by id, topic or question text.

A bank read from an index (`QuestionBank.load`) keeps each item as its JSON text, zlib-compressed, plus a
small summary (question, topics, sources, how many key points, whether it can be asked) and builds a
`QAItem` only when one is asked for, remembering the last ITEM_CACHE of them. At 100× the seed notes
(19,313 items) the pydantic items held ~290 MB of a query process's memory; the JSON text 79 MB,
compressed 18 MB (compressing costs ~0.9 s of the load, decompressing ~10 µs an item).
What choosing questions, filtering a search and listing a page need is answered from the summaries;
`items` builds every item and is for batch work (ingest, evals, benchmarks).
"""

from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.errors import IndexNotReady, NotFound
from knowledge.json_array import entries, interner
from knowledge.models import QAItem

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
ITEM_CACHE = 2048  # items built from a loaded bank and kept (a few MB)


def normalise_question(text: str) -> str:
    """Lower-case, drop punctuation/whitespace: the key for matching a question by its text."""
    return _NON_WORD.sub("", text).lower()


@dataclass(frozen=True)
class ItemSummary:
    """What choosing and filtering questions need, without the item's texts."""

    id: str
    question: str
    topics: tuple[str, ...]
    sources: tuple[str, ...]  # the source files of its references, in order, each once
    key_points: int
    flags: tuple[str, ...]
    has_answer: bool

    @classmethod
    def of(cls, item: QAItem, share: Callable[[Any], Any] = lambda value: value) -> ItemSummary:
        """`share`: returns one copy of equal values (json_array.interner), so a loaded bank holds each topic
        list and source name once rather than once per item."""
        return cls(id=item.id, question=item.question, topics=share(tuple(item.topics)),
                   sources=share(tuple(dict.fromkeys(r.source for r in item.references))),
                   key_points=len(item.key_points), flags=share(tuple(item.flags)), has_answer=bool(item.answer.strip()))


class QuestionBank:
    """Immutable view over the items; safe to share between threads."""

    def __init__(self, items: Iterable[QAItem]) -> None:
        by_id = {item.id: item for item in items}
        self._ids = list(by_id)
        self._summaries = {item.id: ItemSummary.of(item) for item in by_id.values()}
        self._build: Callable[[str], QAItem] = by_id.__getitem__
        self._by_text = {normalise_question(s.question): s.id for s in self._summaries.values()}

    @classmethod
    def _lazy(cls, raw: dict[str, bytes], summaries: dict[str, ItemSummary]) -> QuestionBank:
        bank = cls.__new__(cls)
        bank._ids = list(raw)
        bank._summaries = summaries
        bank._build = lru_cache(maxsize=ITEM_CACHE)(
            lambda item_id: QAItem.model_validate_json(zlib.decompress(raw[item_id])))
        bank._by_text = {normalise_question(s.question): s.id for s in summaries.values()}
        return bank

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    @property
    def items(self) -> list[QAItem]:
        """Every item, built (for batch work; a loaded bank builds them all)."""
        return [self._build(i) for i in self._ids]

    def get(self, item_id: str) -> QAItem:
        if item_id not in self._summaries:
            raise NotFound(f"no question with id {item_id!r}")
        return self._build(item_id)

    def summary(self, item_id: str) -> ItemSummary:
        try:
            return self._summaries[item_id]
        except KeyError:
            raise NotFound(f"no question with id {item_id!r}") from None

    def summaries(self, topics: list[str] | None = None) -> list[ItemSummary]:
        """Every item's summary, in bank order; only those with one of `topics` when given (exact names)."""
        if not topics:
            return [self._summaries[i] for i in self._ids]
        wanted = set(topics)
        return [s for i in self._ids if wanted.intersection((s := self._summaries[i]).topics)]

    def find_by_question(self, text: str) -> QAItem | None:
        """The item whose question is this text (ignoring punctuation, spacing and case)."""
        item_id = self._by_text.get(normalise_question(text))
        return self._build(item_id) if item_id is not None else None

    def topics(self) -> dict[str, int]:
        counts: Counter[str] = Counter(t for s in self._summaries.values() for t in s.topics)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def by_topics(self, topics: list[str] | None) -> list[QAItem]:
        return [self._build(s.id) for s in self.summaries(topics)]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        payload = [item.model_dump() for item in self.items]
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)  # atomic: a reader never sees half a bank

    @classmethod
    def load(cls, path: Path) -> QuestionBank:
        """The bank in `path`, every item checked now (a malformed file fails here), kept as compressed JSON."""
        if not path.exists():
            raise IndexNotReady(f"no question bank at {path}: run `interviewer ingest` first")
        raw: dict[str, bytes] = {}
        summaries: dict[str, ItemSummary] = {}
        share = interner()
        for obj, text in entries(path.read_text(encoding="utf-8"), "question bank"):
            s = ItemSummary.of(QAItem.model_validate(obj), share)
            summaries[s.id] = s
            raw[s.id] = zlib.compress(text.encode("utf-8"))
        return cls._lazy(raw, summaries)
