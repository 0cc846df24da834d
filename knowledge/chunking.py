"""Items -> retrieval chunks: each item's question and each key point, per source file.

Chunks are short on purpose: the bundled embedder's cost grows faster than linearly with length
(~40 ms for 60 characters, ~1 s for 900), and key-point-sized chunks are also what the grader needs.
A chunk's id is a hash of what is embedded, so an unchanged chunk is never embedded twice.
"""

from __future__ import annotations

import hashlib

from knowledge.models import Chunk, Citation, QAItem


def chunk_id(kind: str, source: str, item_id: str, text: str) -> str:
    digest = hashlib.sha1(f"{kind}\x1f{source}\x1f{item_id}\x1f{text}".encode()).hexdigest()
    return f"{item_id}-{digest[:12]}"


def _chunk(kind: str, item: QAItem, text: str, cite: Citation) -> Chunk:
    return Chunk(
        id=chunk_id(kind, cite.source, item.id, text),
        item_id=item.id,
        kind=kind,
        text=text,
        topics=item.topics,
        source=cite.source,
        section=cite.section,
        line_start=cite.line_start,
        line_end=cite.line_end,
        title=cite.title,
    )


def item_chunks(item: QAItem) -> list[Chunk]:
    """The question once per source file, then each distinct key point."""
    chunks: list[Chunk] = []
    sources: set[str] = set()
    for ref in item.references:
        if ref.source not in sources:
            sources.add(ref.source)
            chunks.append(_chunk("question", item, item.question, ref))
    seen: set[str] = set()
    for point in item.key_points:
        chunk = _chunk("point", item, point.text, point)
        if chunk.id not in seen:
            seen.add(chunk.id)
            chunks.append(chunk)
    return chunks


def corpus_chunks(items: list[QAItem]) -> list[Chunk]:
    return [chunk for item in items for chunk in item_chunks(item)]
