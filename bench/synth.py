"""A synthetic corpus N times the seeds, for measuring the index at scale.

    python -m bench.synth [--scale 100] [--seeds knowledge/docs] [--out bench/synthetic]

Every seed file is copied N times (`<stem>__v007.txt`). In copy i every question and every heading
gets the marker `（v7）`, so no two copies' questions merge (the parser merges near-identical
questions only when their Latin/number terms agree, and `v7` differs from `v8`), while the same
question in two seed files still merges within a copy, as it does in the seeds. Each answer is
recombined per copy: its blank-line-separated blocks (a label glued to what it introduces, a list kept
whole) are reordered, some dropped, and now and then a prose block borrowed from another answer of
the same file, so documents differ in length and term counts and BM25 sees varied statistics rather
than N identical documents. About 97% of the chunk texts of a copy are seed chunk texts once the
marker is removed (`seed_text`); the rest are seed pieces joined differently. That is what lets the
bench reuse the seed vectors instead of embedding N times the corpus (bench.embedders).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = ROOT / "knowledge" / "docs"
DEFAULT_OUT = ROOT / "bench" / "synthetic"

MARKER = re.compile(r"\s?[（(]v\d+[)）]")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_GENERATED_PREFIX = re.compile(r"^(?:请解释|请谈谈|请介绍|请说明)[:：]\s*")
_TRAILING = "？?。.!！:： *"

P_SHUFFLE = 0.5  # reorder an answer's blocks
P_DROP = 0.15  # drop a block (at least one stays)
P_BORROW = 0.3  # add a block from another answer of the same file


def marker(variant: int) -> str:
    return f"（v{variant}）"


def seed_text(text: str) -> str:
    """The seed text a synthetic text derives from: the text without its variant markers."""
    return MARKER.sub("", text)


@dataclass
class _Item:
    q_line: int  # 0-based
    end_line: int  # 0-based, inclusive
    question: str


@dataclass
class SynthStats:
    files: int
    bytes: int
    seed_files: int
    seed_bytes: int
    seconds: float


def generate(seeds: Path = DEFAULT_SEEDS, out: Path = DEFAULT_OUT, scale: int = 100) -> SynthStats:
    """Write `scale` variants of every seed note into `out` (emptied first)."""
    import time

    from knowledge.parsing import SUPPORTED_SUFFIXES

    started = time.perf_counter()
    if scale < 1:
        raise ValueError("scale must be >= 1")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    seed_files = sorted(p for p in seeds.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                        and not any(part.startswith(".") for part in p.relative_to(seeds).parts))
    files = size = seed_size = 0
    for path in seed_files:
        text = path.read_text(encoding="utf-8-sig")
        seed_size += len(text.encode())
        plan = _plan(text, path.relative_to(seeds).as_posix())
        rel = path.relative_to(seeds)
        for variant in range(scale):
            body = _variant(plan, variant, rel.as_posix())
            target = out / rel.parent / f"{rel.stem}__v{variant:03d}{rel.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
            files += 1
            size += len(body.encode())
    return SynthStats(files, size, len(seed_files), seed_size, round(time.perf_counter() - started, 3))


@dataclass
class _Plan:
    lines: list[str]
    items: list[_Item]
    safe: list[int]  # indices of items whose answers may be recombined
    blocks: dict[int, list[list[str]]]  # item index -> its answer's blocks
    lead_blanks: dict[int, int]  # item index -> blank lines between its question and its answer
    lendable: list[tuple[int, list[str]]]  # (item index, unit) of plain-prose units other answers may borrow


def _plan(text: str, source: str) -> _Plan:
    from knowledge.parsing import parse_text

    lines = text.splitlines()
    items: list[_Item] = []
    for item in parse_text(text, source):
        for ref in item.references:
            if ref.line_start >= 1:
                items.append(_Item(ref.line_start - 1, max(ref.line_start, ref.line_end) - 1, item.question))
    items.sort(key=lambda it: (it.q_line, it.end_line))
    q_lines = {it.q_line for it in items}
    safe: list[int] = []
    blocks: dict[int, list[list[str]]] = {}
    lead_blanks: dict[int, int] = {}
    for n, it in enumerate(items):
        body = range(it.q_line + 1, it.end_line + 1)
        if not body or any(i in q_lines or _HEADING.match(lines[i]) for i in body):
            continue
        if any(other is not it and other.q_line <= it.end_line and other.end_line >= it.q_line for other in items):
            continue  # overlapping spans (a section answer around its sub-questions): leave alone
        parts: list[list[str]] = [[]]
        for i in body:
            if lines[i].strip():
                parts[-1].append(lines[i])
            elif parts[-1]:
                parts.append([])
        parts = _units([p for p in parts if p])
        if parts:
            safe.append(n)
            blocks[n] = parts
            lead_blanks[n] = next(k for k, i in enumerate(body) if lines[i].strip())
    lendable = [(n, u) for n in safe for u in blocks[n] if _plain(u)]
    return _Plan(lines, items, safe, blocks, lead_blanks, lendable)


_LIST_START = re.compile(r"^\s+\S|^\s*(?:[-*+•]|\d{1,3}[.、)）]|[（(]\d{1,2}[)）])\s*")
_TABLE = re.compile(r"^\s*\|")
_LABEL_END = re.compile(r"[：:]\**\s*$")


def _units(blocks: list[list[str]]) -> list[list[str]]:
    """Blank-line blocks glued into units that key-point extraction never reads across.

    A label ("核心点包括：", a short title line) belongs with what follows it, and list items or
    table rows continue the list or table before them; only whole units are moved or dropped.
    """
    units: list[list[str]] = []
    glue_next = False
    for block in blocks:
        first, last = block[0], block[-1].strip().strip("*").strip()
        continues = bool(_LIST_START.match(first) or _TABLE.match(first))
        if units and (glue_next or continues):
            units[-1].extend(["", *block])
        else:
            units.append(list(block))
        glue_next = bool(_LABEL_END.search(block[-1])) or (len(last) <= 30 and not last.endswith(("。", "！", "？")))
    return units


def _plain(unit: list[str]) -> bool:
    """A unit safe to lend to another answer: prose only, no list, table, field or bold label."""
    return all(not _LIST_START.match(line) and not _TABLE.match(line) and "**" not in line and
               not re.match(r"^\s*(?:问题|答案|答|解答|可能的?追问|追问|Q\d*)\s*[：:]", line) for line in unit)


def _variant(plan: _Plan, variant: int, source: str) -> str:
    tag = marker(variant)
    lines = list(plan.lines)
    for it in plan.items:
        lines[it.q_line] = _mark_question(lines[it.q_line], it.question, tag)
    for i, line in enumerate(lines):
        if _HEADING.match(line) and tag not in line:
            lines[i] = line.rstrip() + tag
    # Recombine answers, last first so earlier line numbers stay valid.
    for n in sorted(plan.safe, key=lambda n: -plan.items[n].q_line):
        it = plan.items[n]
        rng = random.Random(f"{source}|{variant}|{n}")
        parts = [list(p) for p in plan.blocks[n]]
        if len(parts) > 1 and rng.random() < P_SHUFFLE:
            rng.shuffle(parts)
        kept = [p for p in parts if rng.random() >= P_DROP] or [parts[0]]
        lendable = [u for m, u in plan.lendable if m != n]
        if lendable and rng.random() < P_BORROW:
            kept.insert(rng.randrange(len(kept) + 1), list(rng.choice(lendable)))
        body: list[str] = [""] * plan.lead_blanks[n]
        for k, p in enumerate(kept):
            body.extend([""] * (k > 0) + p)
        lines[it.q_line + 1 : it.end_line + 1] = body
    return "\n".join(lines) + "\n"


def _mark_question(line: str, question: str, tag: str) -> str:
    """Put the marker right after the question's last words in its line (before its '？')."""
    if tag in line:
        return line
    q = _GENERATED_PREFIX.sub("", question).rstrip(_TRAILING)
    for k in (8, 6, 4, 3, 2, 1):
        if len(q) < k:
            continue
        pos = line.find(q[-k:])
        if pos >= 0:
            cut = pos + k
            return line[:cut] + tag + line[cut:]
    stripped = line.rstrip().rstrip("*")
    return stripped + tag + line[len(stripped):]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the synthetic corpus (N variants of every seed note).")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    stats = generate(args.seeds, args.out, args.scale)
    print(f"{stats.files} files, {stats.bytes / 1e6:.1f} MB ({stats.seed_files} seed files, "
          f"{stats.seed_bytes / 1e3:.0f} kB) in {stats.seconds:.1f} s -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
