"""How the interviewer words things: the Phraser protocol (an LLM may implement it) and the
deterministic templates of every other message, in Chinese and English."""

from __future__ import annotations

from typing import Protocol

from interviewer.session.models import Language, SessionPlan
from interviewer.session.text import leaks
from knowledge.errors import InterviewerError
from knowledge.models import QAItem
from knowledge.titles import cite_label


class Phraser(Protocol):
    """Words a question or a follow-up; the server has already decided to ask it."""

    def ask(self, question: str, topic: str, language: Language) -> str: ...

    def follow_up(self, question: str, missing: list[str], seed: str, language: Language) -> str: ...


def phrase_question(phraser: Phraser, item: QAItem, topic: str, lang: Language) -> str:
    """The phraser's question, or the bank's when it fails or its text shows the reference."""
    # The phraser (maybe an LLM) never gets to show the reference: a leaking text is replaced.
    question = item.question_in(lang)  # the reviewed English version in an English interview
    try:
        body = phraser.ask(question, topic, lang)
    except InterviewerError:
        body = ""
    return body if body.strip() and not leaks(body, item) else question.strip()


def phrase_follow_up(phraser: Phraser, item: QAItem, missing: list[str], seed: str, lang: Language) -> str:
    """The phraser's follow-up, or the chosen seed when it fails or its text shows the reference."""
    try:
        text = phraser.follow_up(item.question, missing, seed, lang)
    except InterviewerError:
        text = ""
    return text if text.strip() and (text == seed or not leaks(text, item)) else seed


class TemplatePhraser:
    """The default: the bank's question as written, the chosen follow-up as chosen."""

    def ask(self, question: str, topic: str, language: Language) -> str:
        return question.strip()

    def follow_up(self, question: str, missing: list[str], seed: str, language: Language) -> str:
        return seed.strip()


_T: dict[str, dict[str, str]] = {
    "zh": {
        "greeting": "你好，我是今天的面试官。本次是{mode}，共 {n} 道题{topics}。"
        "回答结束后我会{after}。随时可以说「提示」「重复问题」「跳过」或「结束面试」。",
        "practice": "练习模式",
        "exam": "考试模式",
        "after_practice": "给出评分和简短反馈，必要时追问",
        "after_exam": "视情况追问，评分在面试结束后的报告中统一给出",
        "topics": "，主题：{topics}",
        "header": "第 {i}/{n} 题{topic}：",
        "header_topic": "（主题：{topic}）",
        "follow_up": "追问：",
        "repeat": "好的，再说一遍：",
        "score": "得分：{score:.1f}/10。",
        "score_best": "得分：{score:.1f}/10（本题最好成绩 {best:.1f}）。",
        "coverage": "覆盖要点 {covered}/{total}。",
        "coverage_partly": "另有 {partly} 点部分涉及。",
        "flag_off_topic": "这个回答似乎没有针对本题。",
        "flag_injection": "回答中试图影响评分的内容已被忽略。",
        "review": "这题可以补充：{points}。",
        "review_sources": "建议复习：{sources}。",
        "skip": "好的，这题先跳过。",
        "dont_know": "没关系，我们继续。",
        "no_hint": "这题没有更多提示了，试着按你的理解回答吧。",
        "exam_hint": "考试模式下不提供提示，请按你的理解作答；也可以说「跳过」。",
        "closing": "面试结束，谢谢你的参与！",
        "closing_score": "总分 {score:.1f}/10（{level}）。",
        "closing_none": "本次没有作答的题目。",
        "sep": "、",
        "quote": "「{}」",
    },
    "en": {
        "greeting": "Hello, I'm your interviewer today. This is {mode} with {n} question(s){topics}. "
        "After each answer I will {after}. The questions come from a Chinese knowledge base; answer "
        "in English or Chinese. You can say “hint”, “repeat the question”, “skip” or “end the interview” "
        "at any time.",
        "practice": "a practice session",
        "exam": "an exam session",
        "after_practice": "give you a score and short feedback, and follow up where needed",
        "after_exam": "follow up where needed; scores come in the report at the end",
        "topics": " on {topics}",
        "header": "Question {i}/{n}{topic}: ",
        "header_topic": " (topic: {topic})",
        "follow_up": "Follow-up: ",
        "repeat": "Sure, once more: ",
        "score": "Score: {score:.1f}/10.",
        "score_best": "Score: {score:.1f}/10 (best on this question so far: {best:.1f}).",
        "coverage": "Key points covered: {covered}/{total}.",
        "coverage_partly": "{partly} more partly.",
        "flag_off_topic": "This answer does not seem to address the question.",
        "flag_injection": "Text trying to influence the grading was ignored.",
        "review": "You could add: {points}.",
        "review_sources": "Read: {sources}.",
        "skip": "OK, let's skip this one.",
        "dont_know": "No problem, let's go on.",
        "no_hint": "There are no more hints for this question; answer as you understand it.",
        "exam_hint": "No hints in exam mode; answer as you understand it, or say “skip”.",
        "closing": "The interview is over, thank you!",
        "closing_score": "Overall score {score:.1f}/10 ({level}).",
        "closing_none": "No question was answered.",
        "sep": ", ",
        "quote": "“{}”",
    },
}


def t(language: Language, key: str, **values: object) -> str:
    return _T[language][key].format(**values)


def quoted(language: Language, words: list[str]) -> str:
    return _T[language]["sep"].join(_T[language]["quote"].format(w) for w in words)


def greeting(plan: SessionPlan, n: int) -> str:
    lang = plan.language
    topics = t(lang, "topics", topics=", ".join(plan.topics)) if plan.topics else ""
    return t(
        lang, "greeting", mode=t(lang, plan.mode), n=n, topics=topics, after=t(lang, f"after_{plan.mode}")
    )


def header(language: Language, index: int, total: int, topic: str) -> str:
    topic_part = t(language, "header_topic", topic=topic) if topic else ""
    return t(language, "header", i=index, n=total, topic=topic_part)


def join(language: Language, parts: list[str]) -> str:
    """Sentences of one paragraph: Chinese needs no space between them, English does."""
    return ("" if language == "zh" else " ").join(p for p in parts if p)


def source_label(source: str, section: str, title: str = "") -> str:
    """A citation as the candidate reads it: the note's title, not its file name, when it has one."""
    return cite_label(source, section, title)
