"""Items -> retrieval chunks: each item's question and each key point, per source file.

Chunks are short on purpose: the bundled embedder's cost grows faster than linearly with length
(~40 ms for 60 characters, ~1 s for 900), and key-point-sized chunks are also what the grader needs.
A chunk's id is a hash of what is embedded, so an unchanged chunk is never embedded twice.
"""

from __future__ import annotations

import hashlib

from knowledge.models import Chunk, QAItem


def chunk_id(kind: str, source: str, item_id: str, text: str) -> str:
    digest = hashlib.sha1(f"{kind}\x1f{source}\x1f{item_id}\x1f{text}".encode()).hexdigest()
    return f"{item_id}-{digest[:12]}"


def item_chunks(item: QAItem) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for ref in item.references or []:
        if ref.source in seen:
            continue
        seen.add(ref.source)
        chunks.append(
            Chunk(
                id=chunk_id("question", ref.source, item.id, item.question),
                item_id=item.id,
                kind="question",
                text=item.question,
                topics=item.topics,
                source=ref.source,
                section=ref.section,
                line_start=ref.line_start,
                line_end=ref.line_end,
            )
        )
    for point in item.key_points:
        cid = chunk_id("point", point.source, item.id, point.text)
        if cid in seen:
            continue
        seen.add(cid)
        chunks.append(
            Chunk(
                id=cid,
                item_id=item.id,
                kind="point",
                text=point.text,
                topics=item.topics,
                source=point.source,
                section=point.section,
                line_start=point.line_start,
                line_end=point.line_end,
            )
        )
    return chunks


def corpus_chunks(items: list[QAItem]) -> list[Chunk]:
    return [chunk for item in items for chunk in item_chunks(item)]
