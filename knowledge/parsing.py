"""The corpus parser: notes (.md/.markdown/.txt) -> QA items, the same question merged across files.

    parse_corpus(docs_dir) -> ParseResult   all files, merged, in a deterministic order
    parse_file(path, source) -> [QAItem]     one file (`source`: its path relative to the docs dir)

A bad file (wrong type, binary, not UTF-8, empty, unreadable) becomes a SkippedFile with a reason;
it never stops the others. `python -m knowledge.parsing DIR` prints what was found.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sys
from pathlib import Path

from knowledge.blocks import RawItem, section_items
from knowledge.errors import DocumentTooLarge, InvalidDocument, InvalidInput
from knowledge.formats import parse_structure
from knowledge.keypoints import key_points, render_answer
from knowledge.models import KeyPoint, ParseResult, QAItem, Reference, SkippedFile
from knowledge.overlays import OVERLAY_FILES, apply_overlays
from knowledge.textclean import has_encoding_loss, normalize, repair_encoding_loss
from knowledge.titles import TITLE_MAP, document_title, load_title_map
from knowledge.topics import MAX_TOPICS, TOPICS, topics_for

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt")
MAX_FILE_BYTES = 5_000_000
# Passages (a question, each key point) one file may add: a 4.9 MB note with 20 headings became 57,513
# chunks and a half-hour ingest. The largest seed note has 340; a file over this is refused, not cut.
MAX_CHUNKS_PER_FILE = 3_000
SAME_QUESTION = 0.8  # character-bigram Jaccard at or above which two questions are one
_LATIN = re.compile(r"[a-z0-9]+")


def parse_corpus(docs_dir: Path) -> ParseResult:
    """Parse every note under `docs_dir` (recursively; hidden files ignored) and merge duplicates."""
    docs_dir = Path(docs_dir)
    if not docs_dir.is_dir():
        raise InvalidInput(f"docs folder not found: {docs_dir}")
    items: list[QAItem] = []
    skipped: list[SkippedFile] = []
    parsed: list[str] = []
    root = docs_dir.resolve()
    titles = load_title_map(docs_dir)
    for path in _doc_files(docs_dir):
        source = path.relative_to(docs_dir).as_posix()
        if source == TITLE_MAP or source in OVERLAY_FILES:  # the notes' title map, errata and translations
            continue
        suffix = path.suffix.lower()
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            skipped.append(SkippedFile(path=source, reason="a link to a file outside the docs folder (not followed)"))
            continue
        if suffix not in SUPPORTED_SUFFIXES:
            kind = suffix or "(no extension)"
            skipped.append(SkippedFile(path=source, reason=f"unsupported file type {kind} (use .md or .txt)"))
            continue
        try:
            items.extend(parse_file(path, source, titles.get(source)))
        except InvalidInput as exc:
            skipped.append(SkippedFile(path=source, reason=str(exc)))
            continue
        except Exception as exc:  # a parser bug must cost one file, not the corpus
            skipped.append(SkippedFile(path=source, reason=f"could not parse ({type(exc).__name__}: {exc})"))
            continue
        parsed.append(source)
    merged = merge_items(items)
    files = dict.fromkeys(parsed, 0)
    for item in merged:
        for source in {ref.source for ref in item.references}:
            files[source] += 1
    overlays = apply_overlays(merged, docs_dir)
    return ParseResult(items=merged, skipped=skipped, files=files, overlays=overlays)


def parse_file(path: Path, source: str, title: str | None = None) -> list[QAItem]:
    """The QA items of one note; raises InvalidInput when the file cannot be used.

    `title`: the note's title from the title map, else its own (first heading or title line)."""
    items = parse_text(read_text(Path(path)), source, title)
    passages = sum(1 + len(item.key_points) for item in items)
    if passages > MAX_CHUNKS_PER_FILE:
        raise DocumentTooLarge(f"too many passages ({passages:,} from {len(items):,} questions; the limit is "
                           f"{MAX_CHUNKS_PER_FILE:,} per file): split the file")
    return items


def parse_text(text: str, source: str, title: str | None = None) -> list[QAItem]:
    sections, has_headings = parse_structure(repair_encoding_loss(text))
    title = title or document_title(text)
    raw = [r for s in sections for r in section_items(s, Path(source).stem, has_headings)]
    text_lines = text.splitlines()  # as written: translations and errata are keyed by the source's hash
    return merge_items([item for r in raw if (item := _to_item(r, source, text_lines, title))])


def read_text(path: Path) -> str:
    """The file as text, or InvalidInput saying plainly why not."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DocumentTooLarge(f"file too large ({size} bytes; the limit is {MAX_FILE_BYTES})")
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read file ({exc.strerror or exc})") from None
    return decode_text(data)


def decode_text(data: bytes, legacy_chinese: bool = False) -> str:
    """A note's bytes as text (UTF-8, a BOM allowed), or InvalidDocument saying plainly why not.

    `legacy_chinese`: bytes that are not UTF-8 but read as Chinese in GB18030 (a superset of GBK and GB2312,
    what Windows editors in China save) are taken in that encoding (uploads convert them to UTF-8)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidDocument("UTF-16 encoded (save it as UTF-8)")
    if b"\x00" in data:
        raise InvalidDocument("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        legacy = _gb18030_chinese(data) if legacy_chinese else None
        if legacy is None:
            also, advice = (" nor GB18030/GBK Chinese", ": save it as UTF-8") if legacy_chinese else ("", "")
            raise InvalidDocument(f"not valid UTF-8{also} (byte 0x{data[exc.start]:02x} at offset {exc.start})"
                                  + advice) from None
        text = legacy
    if not text.strip():
        raise InvalidDocument("empty file")
    return text


def _gb18030_chinese(data: bytes) -> str | None:
    """The text when `data` decodes strictly as GB18030 and most of what is not ASCII is Chinese (GB18030
    decodes many byte strings; Latin-1 or binary-ish text read that way is mostly rare symbols)."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = [ch for ch in text if ord(ch) > 0x7F]
    chinese = sum(1 for ch in wide if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")
    return text if wide and chinese >= 0.8 * len(wide) else None


def item_id(question: str) -> str:
    return "q-" + hashlib.sha1(normalize(question).encode()).hexdigest()[:10]


def _doc_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / name for name in files if not name.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def source_hash(lines: list[str], start: int, end: int) -> str:
    """sha1 of source lines `start`..`end` (1-based, inclusive) as written, trailing spaces aside."""
    span = "\n".join(line.rstrip() for line in lines[max(start - 1, 0) : end])
    return hashlib.sha1(span.encode()).hexdigest()[:16]


def _to_item(raw: RawItem, source: str, text_lines: list[str], title: str = "") -> QAItem | None:
    question = raw.question.strip().strip("*").strip()
    if not normalize(question):
        return None
    answer = render_answer(raw.answer)
    points = [p.model_copy(update={"title": title}) for p in key_points(raw.answer, source, raw.section, raw.dense)]
    lines = [line for line in raw.answer if line.kind != "blank"]
    # A section answer may come before its question (an intro above a question list).
    start = min([raw.q_line, *(line.no for line in lines)])
    end = max([raw.q_line, raw.end_line, *(line.end for line in lines)])
    reference = Reference(source=source, section=raw.section, line_start=start, line_end=end, text=answer, title=title)
    heading = raw.section.rsplit(" > ", 1)[-1]
    return QAItem(
        id=item_id(question),
        question=question,
        answer=answer,
        key_points=points,
        follow_ups=raw.follow_ups,
        topics=topics_for(question, heading, answer),
        references=[reference],
        flags=_flags(raw.flags, question, answer, points, raw.follow_ups),
        source_hash=source_hash(text_lines, start, end),
    )


def _flags(
    flags: list[str], question: str, answer: str, points: list[KeyPoint], follow_ups: list[str]
) -> list[str]:
    texts = [question, answer, *(p.text for p in points), *follow_ups]
    lossy = {"encoding_loss"} if any(has_encoding_loss(t) for t in texts) else set()
    return sorted((set(flags) - {"encoding_loss"}) | lossy)


# -- merging the same question ------------------------------------------------------------------


def merge_items(items: list[QAItem]) -> list[QAItem]:
    """One item per question: identical after normalisation, or near-identical (conservative)."""
    by_key: dict[str, list[QAItem]] = {}
    for item in items:
        by_key.setdefault(normalize(item.question), []).append(item)
    keys = list(by_key)
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _similar_pairs(keys):
        parent[find(j)] = find(i)
    groups: dict[int, list[QAItem]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(find(i), []).extend(by_key[key])
    merged = [_combine(group) for group in groups.values()]
    return sorted(merged, key=lambda it: (it.references[0].source, it.references[0].line_start, it.id))


def _similar_pairs(keys: list[str]) -> list[tuple[int, int]]:
    """Pairs of keys with character-bigram Jaccard >= SAME_QUESTION and the same Latin terms.

    Prefix filtering keeps this near-linear: two sets that similar must share one of their rarest
    few bigrams, so only keys meeting in those prefixes are compared.
    """
    grams = [_bigrams(k) for k in keys]
    freq: dict[str, int] = {}
    for g in grams:
        for b in g:
            freq[b] = freq.get(b, 0) + 1
    index: dict[str, list[int]] = {}
    pairs: list[tuple[int, int]] = []
    for i, g in enumerate(grams):
        ordered = sorted(g, key=lambda b: (freq[b], b))
        prefix = ordered[: len(g) - math.ceil(SAME_QUESTION * len(g)) + 1]
        candidates = sorted({j for b in prefix for j in index.get(b, ())})
        for j in candidates:
            if _same_question(keys[i], keys[j], g, grams[j]):
                pairs.append((j, i))
        for b in prefix:
            index.setdefault(b, []).append(i)
    return pairs


def _bigrams(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)} or {key}


def _same_question(a: str, b: str, ga: set[str], gb: set[str]) -> bool:
    if len(ga & gb) < SAME_QUESTION * len(ga | gb):
        return False
    # Different Latin terms ("LoRA" vs "QLoRA", "PPO" vs "DPO") mean different questions.
    return _LATIN.findall(a) == _LATIN.findall(b)


def _combine(group: list[QAItem]) -> QAItem:
    if len(group) == 1:
        return group[0]
    refs = sorted((r for it in group for r in it.references), key=lambda r: (r.source, r.line_start))
    first_seen = sorted(group, key=lambda it: (it.references[0].source, it.references[0].line_start))
    question = min(first_seen, key=lambda it: has_encoding_loss(it.question)).question
    best = max(first_seen, key=lambda it: (not has_encoding_loss(it.answer), len(it.answer)))
    points: list[KeyPoint] = []
    seen: set[str] = set()
    for it in [best, *(x for x in first_seen if x is not best)]:
        for point in it.key_points:
            key = normalize(point.text)
            if key not in seen:
                seen.add(key)
                points.append(point)
    follow_ups = list(dict.fromkeys(f for it in first_seen for f in it.follow_ups))
    topics = [t for t in TOPICS if any(t in it.topics for it in group)][:MAX_TOPICS]
    every = set.intersection(*(set(it.flags) for it in group))
    flags: list[str] = [f for f in ("generated_question", "no_answer") if f in every]
    flags += [f for f in best.flags if f == "section_answer"]
    return QAItem(
        id=item_id(question),
        question=question,
        answer=best.answer,
        key_points=points,
        follow_ups=follow_ups,
        topics=topics,
        references=refs,
        flags=_flags(flags, question, best.answer, points, follow_ups),
        source_hash=hashlib.sha1("".join(sorted(it.source_hash for it in group)).encode()).hexdigest()[:16],
    )


def main(argv: list[str]) -> int:
    docs = Path(argv[0]) if argv else Path(__file__).parent / "docs"
    result = parse_corpus(docs)
    for source, count in result.files.items():
        print(f"{count:4d}  {source}")
    for skip in result.skipped:
        print(f"skip  {skip.path}: {skip.reason}")
    print(f"{len(result.items):4d}  items in total")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
