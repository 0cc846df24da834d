"""The live generation's chunk table, compact: a query process holds every chunk, so each costs little.

`chunks.json` lists every chunk of the index (109,211 at 100× the seed notes). Held as pydantic `Chunk`
objects they took ~217 MB of a query process's ~950 MB; here each chunk is one tuple whose repeated
strings (item id, kind, source, section, title, topics) are shared, and a `Chunk` is built only when
someone asks for one (a search asks for its k hits). The file is read one object at a time, so the whole
list of dicts never exists at once. Read-only and safe to share between threads once built.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from knowledge.json_array import entries, interner
from knowledge.models import Chunk

# tuple layout: what a Chunk holds besides its id
_FIELDS = ("item_id", "kind", "text", "topics", "source", "section", "line_start", "line_end", "title")
_ITEM, _KIND, _SOURCE = 0, 1, 4


class ChunkTable(Mapping[str, Chunk]):
    """chunk id -> Chunk, built on access; `item_id` and `source` answer the search loop without one."""

    def __init__(self, rows: Iterable[dict[str, Any]]) -> None:
        one = interner()
        table: dict[str, tuple[Any, ...]] = {}
        for row in rows:
            c = Chunk.model_validate(row)  # a malformed entry is an error here, not at search time
            table[c.id] = (one(c.item_id), one(c.kind), c.text, one(tuple(c.topics)), one(c.source), one(c.section),
                           c.line_start, c.line_end, one(c.title))
        self._rows = table

    @classmethod
    def load(cls, path: Path) -> ChunkTable:
        return cls(obj for obj, _ in entries(path.read_text(encoding="utf-8"), "chunk table"))

    def __getitem__(self, chunk_id: str) -> Chunk:
        row = self._rows[chunk_id]
        fields = dict(zip(_FIELDS, row, strict=True))
        fields["topics"] = list(row[3])
        return Chunk.model_construct(id=chunk_id, **fields)

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._rows

    def item_id(self, chunk_id: str) -> str | None:
        row = self._rows.get(chunk_id)
        return row[_ITEM] if row is not None else None

    def source(self, chunk_id: str) -> str | None:
        row = self._rows.get(chunk_id)
        return row[_SOURCE] if row is not None else None

    def kind(self, chunk_id: str) -> str | None:
        row = self._rows.get(chunk_id)
        return row[_KIND] if row is not None else None
