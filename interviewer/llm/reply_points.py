"""Key points as a model names them: 1- or 0-based numbers, "[2]", booleans, or the point restated as
text, mapped to 0-based indices of the item's key points (see `normalise.py`)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from interviewer.llm.reply_keys import as_text, field_key, pick

MATCH_MIN = 0.45  # bigram overlap for a restated key point to name it

_POINT_NUMBER = re.compile(r"^\s*(?:要点|第|point|key\s*point|#|\[|\()?\s*(\d{1,3})\s*(?:点|条|\]|\))?\s*[.:：、]?\s*$",
                           re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\s*(?:\[|\()?(\d{1,3})(?:\]|\)|[.、:：])\s*\S")


def point_indices(value: Any, points: list[str], notes: list[str], label: str) -> list[int] | None:
    """Key points as given (1-based numbers, still unshifted), from numbers, "[2]", text or booleans."""
    if value is None:
        return None
    if isinstance(value, dict):
        if all(isinstance(v, bool) for v in value.values()):
            value = [k for k, v in value.items() if v]
        else:
            value = list(value.values())
    if isinstance(value, str | int):
        value = re.split(r"[,，、;；]\s*", value) if isinstance(value, str) else [value]
    if not isinstance(value, list):
        return None
    if value and all(isinstance(v, bool) for v in value) and len(value) == len(points):
        return [i + 1 for i, v in enumerate(value) if v]  # one boolean per point
    found: list[int] = []
    for item in value:
        if isinstance(item, dict):
            item = next((item[k] for k in ("id", "index", "number", "point", "text") if k in item), None)
        number = _point_number(item)
        if number is not None:
            found.append(number)
            continue
        if isinstance(item, str) and item.strip():
            match = match_point(item, points)
            if match is None:
                notes.append(f"{label}: a point not matched to any key point was ignored")
            else:
                found.append(match + 1)
                notes.append(f"{label}: a key point named by its text")
    return found


def _point_number(item: Any) -> int | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        return item
    if isinstance(item, float) and item.is_integer():
        return int(item)
    if isinstance(item, str):
        m = _POINT_NUMBER.match(item) or _LEADING_NUMBER.match(item)
        if m:
            return int(m.group(1))
    return None


def index_base(numbers: list[int], n: int, notes: list[str]) -> int:
    """1 for 1-based key point numbers (as asked), 0 when they start at 0 and never reach n."""
    if numbers and 0 in numbers and max(numbers) < n:
        notes.append("key points were numbered from 0")
        return 0
    return 1


def evidence_by_point(value: Any) -> dict[int, tuple[str, str]]:
    """{point number (unshifted): (quote, verdict)} from [{"point", "quote", "verdict"}, …]."""
    found: dict[int, tuple[str, str]] = {}
    for row in value if isinstance(value, list) else []:
        if not isinstance(row, dict):
            continue
        number = _point_number(pick(row, ("point", "id", "index", "number", "key_point", "要点")))
        if number is None:
            continue
        verdict = field_key(pick(row, ("verdict", "status", "covered", "判断", "结论")) or "")
        verdict = {"true": "covered", "false": "missing", "部分": "partly", "覆盖": "covered"}.get(verdict, verdict)
        found[number] = (as_text(pick(row, ("quote", "evidence", "text", "引用"))), verdict)
    return found


def resolve_indices(indices: list[int] | None, n: int) -> set[int] | None:
    return None if indices is None else {i for i in indices if 0 <= i < n}


def match_point(text: str, points: list[str]) -> int | None:
    """The key point that `text` restates (containment, or clearly the best bigram overlap), if any."""
    flat = flatten(text)
    if not flat or not points:
        return None
    flats = [flatten(p) for p in points]
    for i, p in enumerate(flats):
        if p and (flat == p or (len(flat) >= 4 and flat in p) or (len(p) >= 4 and p in flat)):
            return i
    scores = sorted(((overlap(flat, p), i) for i, p in enumerate(flats)), reverse=True)
    best, index = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    return index if best >= MATCH_MIN and best - runner_up >= 0.1 else None


def overlap(a: str, b: str) -> float:
    """Dice overlap of character bigrams (CJK) and words (Latin) of two flattened texts."""
    ga, gb = _grams(a), _grams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


def flatten(text: str) -> str:
    """Lower-cased words and CJK runs separated by single spaces; punctuation removed."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"[^\w\u4e00-\u9fff]+", " ", text).strip()


def _grams(text: str) -> set[str]:
    words = set(re.findall(r"[a-z0-9]{2,}", text))
    cjk = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return words | {cjk[i : i + 2] for i in range(len(cjk) - 1)}
