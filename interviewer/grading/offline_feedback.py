"""Words for an offline grade: the rubric comments, the summary and the honesty note (zh / en)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from interviewer.grading.models import CRITERIA, RubricScore

if TYPE_CHECKING:
    from interviewer.grading.features import Evidence
    from interviewer.grading.models import PointResult

NOTE = {
    "zh": "离线评分：这是由多语言嵌入模型与术语重合度估计的要点覆盖度（已用人工评分校准），"
    "它无法像大模型那样判断说法是否正确，请把分数当作覆盖度估计。",
    "en": "Offline grade: an estimate of key-point coverage from a multilingual embedder and term overlap "
    "with the reference, calibrated on human scores. It cannot judge whether statements are true the way "
    "an LLM grader can.",
}
TEXT = {
    "zh": {
        "completeness": "覆盖了 {c}/{n} 个要点。",
        "completeness_partly": "覆盖了 {c}/{n} 个要点，另有 {p} 个只是提到。",
        "accuracy_ok": "与参考答案未见矛盾（离线评分无法核实事实）。",
        "accuracy_verdict": "判断结论与参考答案相反。",
        "accuracy_formula": "给出的公式或结果与参考答案不一致。",
        "accuracy_contradiction": "有说法与参考要点相矛盾（{cue}）：「{point}」。",
        "contradiction": "注意：「{claim}」与要点「{point}」相矛盾（{cue}）。",
        "depth_high": "已覆盖的要点阐述较充分。",
        "depth_low": "已覆盖的要点阐述较浅。",
        "clarity": "{p}% 的句子紧扣题目。",
        "summary": "得分 {s}/10：覆盖了 {c}/{n} 个要点。",
        "missing": "建议补充：{m}。",
        "non_answer": "没有给出可评分的回答。",
        "off_topic": "回答与题目关系不大。",
        "injection": "回答中针对评分者的指令已被忽略。",
        "none": "无",
    },
    "en": {
        "completeness": "Covers {c} of {n} key points.",
        "completeness_partly": "Covers {c} of {n} key points and touches on {p} more.",
        "accuracy_ok": "Nothing contradicts the reference (the offline grader cannot verify facts).",
        "accuracy_verdict": "The verdict is the opposite of the reference's.",
        "accuracy_formula": "The formula or result given differs from the reference's.",
        "accuracy_contradiction": "A statement contradicts the key point ({cue}): “{point}”.",
        "contradiction": "Check: “{claim}” contradicts the key point “{point}” ({cue}).",
        "depth_high": "The points covered are explained in some detail.",
        "depth_low": "The points covered are only touched on.",
        "clarity": "{p}% of the sentences stay on the question.",
        "summary": "Scored {s}/10: covered {c} of {n} key points.",
        "missing": "Study next: {m}.",
        "non_answer": "No gradeable answer was given.",
        "off_topic": "The answer is mostly unrelated to the question.",
        "injection": "Instructions addressed to the grader were ignored.",
        "none": "none",
    },
}


def compose_grade_text(
    language: str, score: float, points: list[PointResult], ev: Evidence | None, flags: list[str]
) -> tuple[list[RubricScore], str, str]:
    t = TEXT.get(language, TEXT["zh"])
    n, c = len(points), sum(p.covered for p in points)
    if ev is None:  # non-answer
        rubric = [RubricScore(criterion=k, score=0.0, comment=t["non_answer"])
                  for k in CRITERIA]
        lead = t["non_answer"]
    else:
        rubric = _rubric(t, score, ev, n, c, sum(p.partly for p in points))
        lead = t["summary"].format(s=score, c=c, n=n)
    extras = []
    if ev is not None and ev.contradictions:
        first = ev.contradictions[0]
        extras.append(t["contradiction"].format(claim=_clip(first.claim, 40), point=_clip(first.point, 40), cue=first.cue))
    if "off_topic" in flags:
        extras.append(t["off_topic"])
    missing = [p.text for p in points if not p.covered]
    if missing and ev is not None:
        extras.append(t["missing"].format(m=_clip(missing[0], 40)))
    if "injection_attempt" in flags:
        extras.append(t["injection"])
    summary = " ".join([lead, *extras[:2]]) if language == "en" else "".join([lead, *extras[:2]])
    return rubric, summary, NOTE.get(language, NOTE["zh"])


def _rubric(t: dict[str, str], score: float, ev: Evidence, n: int, c: int, partly: int) -> list[RubricScore]:
    if ev.verdict_conflict:
        accuracy, acc_comment = min(score, 1.0), t["accuracy_verdict"]
    elif ev.contradictions:
        first = ev.contradictions[0]
        accuracy = min(score, 10.0 * (1.0 - len({c.point_index for c in ev.contradictions}) / max(n, 1)), 4.0)
        acc_comment = t["accuracy_contradiction"].format(cue=first.cue, point=_clip(first.point, 40))
    elif ev.formula_conflict:
        accuracy, acc_comment = score * 0.6, t["accuracy_formula"]
    else:
        accuracy, acc_comment = score + 1.0, t["accuracy_ok"]
    # The share of key points the grade lists as covered (a point only touched on counts half): what the report
    # shows, so the criterion and the covered/missing lists agree. It was 10 x the raw coverage evidence, which
    # gave a concise correct answer "completeness 1.5" under an overall 5.7 (the evidence is weighted term
    # overlap; the learned score reads much more than that).
    completeness = 10.0 * (c + 0.5 * partly) / max(n, 1)
    comment = (t["completeness_partly"].format(c=c, n=n, p=partly) if partly
               else t["completeness"].format(c=c, n=n))
    top = np.sort(ev.strengths)[::-1][: max(1, (len(ev.strengths) + 1) // 2)]
    depth = min(10.0 * float(top.mean()), score + 2.0)
    clarity = min(4.0 + 6.0 * ev.on_topic_share, score + 4.0)
    return [
        RubricScore(criterion="accuracy", score=_r(accuracy), comment=acc_comment),
        RubricScore(criterion="completeness", score=_r(completeness), comment=comment),
        RubricScore(criterion="depth", score=_r(depth), comment=t["depth_high"] if depth >= 6 else t["depth_low"]),
        RubricScore(criterion="clarity", score=_r(clarity), comment=t["clarity"].format(p=round(100 * ev.on_topic_share))),
    ]


def _r(x: float) -> float:
    return round(float(np.clip(x, 0.0, 10.0)), 1)


def _clip(text: str, n: int) -> str:
    text = text.rstrip("。.；;，, ")
    return text if len(text) <= n else text[: n - 1] + "…"
