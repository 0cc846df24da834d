"""The names models give a grade's fields, and reading a reply object by them.

Models drift from the schema's field names in predictable ways (`overall_score` for `score`, Chinese
criterion names, a rubric keyed by `dimension`); these tables list the names seen, matched after
lower-casing with spaces and dashes folded to `_` (see `normalise.py`).
"""

from __future__ import annotations

import re
from typing import Any

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


def field_key(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def pick(data: dict[str, Any], keys: tuple[str, ...]) -> Any:
    lowered = {field_key(k): v for k, v in data.items()}
    for key in keys:
        if key in lowered and lowered[key] is not None:
            return lowered[key]
    return None


def criterion_name(name: str) -> str | None:
    key = field_key(name)
    for criterion, aliases in CRITERION_ALIASES.items():
        if key in aliases or any(key.startswith(a) for a in aliases if len(a) > 3 and a.isascii()):
            return criterion
    return None


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(as_text(v) for v in value)
    return str(value).strip()

