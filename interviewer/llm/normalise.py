"""Tolerant normalisation of a model's grade object, before it is validated.

Models drift from the schema in predictable ways: a `{"grade": {…}}` wrapper, `overall_score` for
`score`, the rubric as a mapping or with Chinese criterion names, `"8/10"` or `"8分"` for 8, a whole
reply on a 0-1, 1-5 or 0-100 scale, key points named by 0-based index or restated as text. Each of
these is mapped to the grade schema here, and each adjustment is recorded as a note. What cannot be
mapped raises `ReplyError` with a message that names the real problem, for the one repair retry.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from interviewer.grading.models import CRITERIA

WRAPPERS = ("grade", "grading", "result", "evaluation", "assessment", "output", "data", "response",
            "评分", "评估", "评分结果", "结果")
SCORE_KEYS = ("score", "overall", "overall_score", "total", "total_score", "final_score", "grade",
              "rating", "overall_rating", "总分", "得分", "分数", "综合评分", "总体评分", "总评分", "评分")
RUBRIC_KEYS = ("rubric", "criteria", "scores", "dimensions", "breakdown", "rubric_scores", "criteria_scores",
               "评分细则", "维度", "各项评分", "分项评分", "评分维度")
COVERED_KEYS = ("covered", "covered_points", "covered_key_points", "key_points_covered", "hits", "覆盖",
                "已覆盖", "覆盖要点", "已覆盖要点")
MISSING_KEYS = ("missing", "missing_points", "missing_key_points", "missed", "uncovered", "遗漏", "缺失",
                "未覆盖", "遗漏要点", "缺失要点")
FLAG_KEYS = ("flags", "flag", "标记")
SUMMARY_KEYS = ("summary", "feedback", "overall_comment", "comment", "总结", "反馈", "评语", "总评")
EVIDENCE_KEYS = ("evidence", "证据")
SCALE_KEYS = ("scale", "max_score", "out_of", "full_score", "满分")
CRITERION_KEYS = ("criterion", "name", "dimension", "criteria", "aspect", "维度", "指标", "名称")
VALUE_KEYS = ("score", "value", "rating", "points", "得分", "分数", "评分")
COMMENT_KEYS = ("comment", "reason", "justification", "explanation", "rationale", "理由", "评语", "说明")
CRITERION_ALIASES: dict[str, tuple[str, ...]] = {
    "accuracy": ("accuracy", "correctness", "accurate", "准确性", "准确度", "正确性", "准确"),
    "completeness": ("completeness", "coverage", "complete", "完整性", "完整度", "全面性", "覆盖度", "完整"),
    "depth": ("depth", "insight", "深度", "深入程度", "理解深度", "深入性"),
    "clarity": ("clarity", "clear", "structure", "communication", "清晰度", "清晰性", "表达清晰度", "条理性",
                "清晰", "表达"),
}
RESCALE = {1.0: 10.0, 5.0: 2.0, 10.0: 1.0, 100.0: 0.1}  # detected scale -> factor to 0-10
SCALE_MARGIN = 1.5  # another scale must fit the coverage this much better than 0-10 to be believed
MATCH_MIN = 0.45  # bigram overlap for a restated key point to name it

_FRACTION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(?:/|／|out\s+of|of)\s*(\d+(?:\.\d+)?)")
_PERCENT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[%％]")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_POINT_NUMBER = re.compile(r"^\s*(?:要点|第|point|key\s*point|#|\[|\()?\s*(\d{1,3})\s*(?:点|条|\]|\))?\s*[.:：、]?\s*$",
                           re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\s*(?:\[|\()?(\d{1,3})(?:\]|\)|[.、:：])\s*\S")


class ReplyError(ValueError):
    """The model's reply is not a grade object; the message says what to fix (no input echo)."""


@dataclass
class Normalised:
    """The reply mapped to the grade schema: scores on 0-10, key points as 0-based indices."""

    score: float | None
    rubric: dict[str, tuple[float, str]]
    covered: set[int] | None
    missing: set[int] | None
    flags: list[str] = field(default_factory=list)
    summary: str = ""
    evidence: dict[int, tuple[str, str]] = field(default_factory=dict)  # point -> (quote, verdict)
    notes: list[str] = field(default_factory=list)


def normalise_reply(data: dict[str, Any], points: list[str]) -> Normalised:
    """Map a parsed reply object onto the grade schema; `points` are the key points' texts, in order."""
    notes: list[str] = []
    data = _unwrap(data, notes)
    raw_score = _pick(data, SCORE_KEYS)
    score, score_out_of = (None, None)
    if raw_score is not None:
        score, score_out_of = _number(raw_score)
        if score is None:
            raise ReplyError(f"score: {str(raw_score)[:40]!r} is not a finite number from 0 to 10")
    rubric_raw = _rubric_entries(data)
    if rubric_raw is None:
        raise ReplyError("rubric is missing: give a score for each of accuracy, completeness, depth, clarity")
    rubric_values: dict[str, tuple[float | None, float | None, str]] = {}
    unknown = []
    for name, value, comment in rubric_raw:
        criterion = _criterion(name)
        if criterion is None:
            unknown.append(name)
            continue
        number, out_of = _number(value)
        if number is None:
            raise ReplyError(f"rubric {criterion}: {str(value)[:40]!r} is not a number from 0 to 10")
        rubric_values[criterion] = (number, out_of, comment)
    absent = [c for c in CRITERIA if c not in rubric_values]
    if absent:
        extra = f"; not recognised: {', '.join(repr(u)[:30] for u in unknown[:4])}" if unknown else ""
        raise ReplyError(f"rubric lacks {', '.join(absent)} (use exactly accuracy, completeness, depth, clarity{extra})")
    covered = _indices(_pick(data, COVERED_KEYS), points, notes, "covered")
    missing = _indices(_pick(data, MISSING_KEYS), points, notes, "missing")
    evidence = _evidence(_pick(data, EVIDENCE_KEYS))
    shift = _index_base([*(covered or []), *(missing or []), *evidence], len(points), notes)
    covered = None if covered is None else [i - shift for i in covered]
    missing = None if missing is None else [i - shift for i in missing]
    evidence = {i - shift: e for i, e in evidence.items() if 0 <= i - shift < len(points)}
    if covered is None and missing is None and evidence:
        covered = [i for i, (_, verdict) in evidence.items() if verdict == "covered"]
    factor = _scale_factor(data, rubric_values, covered, missing, len(points), notes)
    rubric = {c: (_to_ten(v, out_of, factor), comment) for c, (v, out_of, comment) in rubric_values.items()}
    if score is not None:
        score = _overall_to_ten(score, score_out_of, factor, notes)
    return Normalised(
        score=score,
        rubric={c: (v, comment) for c, (v, comment) in rubric.items() if v is not None},
        covered=_resolve(covered, len(points)),
        missing=_resolve(missing, len(points)),
        flags=_flags(_pick(data, FLAG_KEYS)),
        summary=_text(_pick(data, SUMMARY_KEYS)),
        evidence=evidence,
        notes=notes,
    )


# ---- shape ------------------------------------------------------------------------------------------


def _key(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _pick(data: dict[str, Any], keys: tuple[str, ...]) -> Any:
    lowered = {_key(k): v for k, v in data.items()}
    for key in keys:
        if key in lowered and lowered[key] is not None:
            return lowered[key]
    return None


def _unwrap(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """`{"grade": {…}}` and the like: descend while the object has no score or rubric of its own."""
    for _ in range(3):
        if _pick(data, RUBRIC_KEYS) is not None or _criteria_at_top(data):
            return data
        inner = [v for k, v in data.items() if _key(k) in WRAPPERS and isinstance(v, dict)]
        if len(inner) != 1:
            nested = [v for v in data.values() if isinstance(v, dict)]
            if len(data) == 1 and len(nested) == 1:
                inner = nested
            else:
                return data
        notes.append("unwrapped a wrapper object")
        data = inner[0]
    return data


def _criteria_at_top(data: dict[str, Any]) -> list[tuple[str, Any, str]]:
    found = [(str(k), v, "") for k, v in data.items() if _criterion(str(k)) is not None]
    return found if len(found) >= 2 else []


def _rubric_entries(data: dict[str, Any]) -> list[tuple[str, Any, str]] | None:
    """(name, value, comment) per criterion, from a list of objects, a mapping, or top-level keys."""
    rubric = _pick(data, RUBRIC_KEYS)
    if rubric is None:
        return _criteria_at_top(data) or None
    entries: list[tuple[str, Any, str]] = []
    if isinstance(rubric, dict):
        for name, value in rubric.items():
            if isinstance(value, dict):
                entries.append((str(name), _pick(value, VALUE_KEYS), _text(_pick(value, COMMENT_KEYS))))
            else:
                entries.append((str(name), value, ""))
        return entries
    if isinstance(rubric, list):
        for row in rubric:
            if isinstance(row, dict):
                name = _pick(row, CRITERION_KEYS)
                if name is None and len(row) <= 2:  # [{"accuracy": 8, "comment": "…"}]
                    named = [(k, v) for k, v in row.items() if _criterion(str(k))]
                    if named:
                        name, value = named[0]
                        entries.append((str(name), value, _text(_pick(row, COMMENT_KEYS))))
                        continue
                entries.append((str(name), _pick(row, VALUE_KEYS), _text(_pick(row, COMMENT_KEYS))))
            elif isinstance(row, list | tuple) and len(row) >= 2:
                entries.append((str(row[0]), row[1], _text(row[2]) if len(row) > 2 else ""))
        return entries
    raise ReplyError("rubric must be a list of {criterion, score, comment} objects")


def _criterion(name: str) -> str | None:
    key = _key(name)
    for criterion, aliases in CRITERION_ALIASES.items():
        if key in aliases or any(key.startswith(a) for a in aliases if len(a) > 3 and a.isascii()):
            return criterion
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    return str(value).strip()


def _flags(value: Any) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[,;，、\s]+", value)
    elif isinstance(value, dict):
        value = [k for k, v in value.items() if v]
    if not isinstance(value, list):
        return []
    return [str(v).strip().lower() for v in value if str(v).strip()]


# ---- numbers and scales ------------------------------------------------------------------------------


def _number(value: Any) -> tuple[float | None, float | None]:
    """(number, its stated maximum if any): 8 -> (8, None), "8/10" -> (8, 10), "80%" -> (80, 100)."""
    if isinstance(value, bool) or value is None:
        return None, None
    if isinstance(value, int | float):
        return (float(value), None) if math.isfinite(value) else (None, None)
    if isinstance(value, dict):
        return _number(_pick(value, VALUE_KEYS))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if m := _FRACTION.match(text):
        top = float(m.group(2))
        return (float(m.group(1)), top) if top > 0 else (None, None)
    if m := _PERCENT.match(text):
        return float(m.group(1)), 100.0
    m = _NUMBER.search(text)
    if m is None or len(text) > 24:  # a sentence with a number in it is not a score
        return None, None
    return float(m.group()), None


def _scale_factor(
    data: dict[str, Any],
    rubric: dict[str, tuple[float | None, float | None, str]],
    covered: list[int] | None,
    missing: list[int] | None,
    n_points: int,
    notes: list[str],
) -> float:
    """The factor that maps the rubric's unlabelled numbers to 0-10.

    A stated scale wins; numbers above 10 mean 0-100. Otherwise 0-1 and 1-5 look like low grades on
    0-10, so they are believed only when the completeness score fits the key points the model itself
    says were covered clearly better on that scale: a weak answer keeps its low grade.
    """
    hint, _ = _number(_pick(data, SCALE_KEYS))
    if hint in RESCALE:
        if hint != 10.0:
            notes.append(f"scores rescaled from a stated 0-{hint:g} scale")
        return RESCALE[hint]
    values = [v for v, out_of, _ in rubric.values() if v is not None and out_of is None]
    if not values:
        return 1.0
    top, low = max(values), min(values)
    if top > 10:
        if top <= 100:
            notes.append("scores rescaled from 0-100")
            return 0.1
        return 1.0  # nonsense; clamped later
    coverage = _coverage(covered, missing, n_points)
    if coverage is None:
        return 1.0
    completeness = rubric["completeness"][0] if rubric["completeness"][1] is None else None
    if completeness is None:
        return 1.0
    candidates = []
    if top <= 1:
        candidates.append((1.0, 10.0))
    if top <= 5 and low >= 1 and all(float(v * 2).is_integer() for v in values):
        candidates.append((5.0, 2.0))
    miss_ten = abs(completeness - coverage)
    for scale, factor in candidates:
        if abs(completeness * factor - coverage) + SCALE_MARGIN < miss_ten:
            notes.append(f"scores rescaled from 0-{scale:g} (they fit the covered key points only on that scale)")
            return factor
    return 1.0


def _coverage(covered: list[int] | None, missing: list[int] | None, n_points: int) -> float | None:
    """Share of key points covered, on 0-10, by the model's own lists (None if it gave neither)."""
    if n_points == 0 or (covered is None and missing is None):
        return None
    if covered is not None:
        return 10.0 * len({i for i in covered if 0 <= i < n_points}) / n_points
    return 10.0 * (n_points - len({i for i in missing or [] if 0 <= i < n_points})) / n_points


def _to_ten(value: float | None, out_of: float | None, factor: float) -> float | None:
    if value is None:
        return None
    return value * 10.0 / out_of if out_of else value * factor


def _overall_to_ten(score: float, out_of: float | None, factor: float, notes: list[str]) -> float:
    if out_of:
        return score * 10.0 / out_of
    if 10 < score <= 100 and factor == 1.0:
        notes.append("overall score rescaled from 0-100")
        return score / 10
    return score * factor


# ---- key points --------------------------------------------------------------------------------------


def _indices(value: Any, points: list[str], notes: list[str], label: str) -> list[int] | None:
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


def _index_base(numbers: list[int], n: int, notes: list[str]) -> int:
    """1 for 1-based key point numbers (as asked), 0 when they start at 0 and never reach n."""
    if numbers and 0 in numbers and max(numbers) < n:
        notes.append("key points were numbered from 0")
        return 0
    return 1


def _evidence(value: Any) -> dict[int, tuple[str, str]]:
    """{point number (unshifted): (quote, verdict)} from [{"point", "quote", "verdict"}, …]."""
    found: dict[int, tuple[str, str]] = {}
    for row in value if isinstance(value, list) else []:
        if not isinstance(row, dict):
            continue
        number = _point_number(_pick(row, ("point", "id", "index", "number", "key_point", "要点")))
        if number is None:
            continue
        verdict = _key(_pick(row, ("verdict", "status", "covered", "判断", "结论")) or "")
        verdict = {"true": "covered", "false": "missing", "部分": "partly", "覆盖": "covered"}.get(verdict, verdict)
        found[number] = (_text(_pick(row, ("quote", "evidence", "text", "引用"))), verdict)
    return found


def _resolve(indices: list[int] | None, n: int) -> set[int] | None:
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
