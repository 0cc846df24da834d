"""The question bank: the parsed QA items, looked up by id, topic or question text."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from knowledge.errors import IndexNotReady, NotFound
from knowledge.models import QAItem

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_question(text: str) -> str:
    """Lower-case, drop punctuation/whitespace: the key for matching a question by its text."""
    return _NON_WORD.sub("", text).lower()


class QuestionBank:
    """Immutable view over the items; cheap to build, safe to share between threads."""

    def __init__(self, items: list[QAItem]) -> None:
        self.items = list(items)
        self._by_id = {item.id: item for item in self.items}
        self._by_text = {normalise_question(item.question): item for item in self.items}

    def __len__(self) -> int:
        return len(self.items)

    def get(self, item_id: str) -> QAItem:
        try:
            return self._by_id[item_id]
        except KeyError:
            raise NotFound(f"no question with id {item_id!r}") from None

    def find_by_question(self, text: str) -> QAItem | None:
        """The item whose question is this text (ignoring punctuation, spacing and case)."""
        return self._by_text.get(normalise_question(text))

    def topics(self) -> dict[str, int]:
        counts: Counter[str] = Counter(t for item in self.items for t in item.topics)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def by_topics(self, topics: list[str] | None) -> list[QAItem]:
        if not topics:
            return list(self.items)
        wanted = set(topics)
        return [item for item in self.items if wanted.intersection(item.topics)]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        payload = [item.model_dump() for item in self.items]
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)  # atomic: a reader never sees half a bank

    @classmethod
    def load(cls, path: Path) -> QuestionBank:
        if not path.exists():
            raise IndexNotReady(f"no question bank at {path}: run `interviewer ingest` first")
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls([QAItem.model_validate(obj) for obj in raw])
