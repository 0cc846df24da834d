"""Line-level cleaning of notes: markdown clutter, adverts, emoji, and bad-encoding detection."""

from __future__ import annotations

import html
import re
import unicodedata

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
# A link target may itself contain one level of parentheses (wiki-style URLs).
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")
_HTML_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0f\u200d\u20e3\u3030\u303d]"
)
_NOT_WORD = re.compile(r"[\W_]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u2060\ufeff]")
_SPACES = re.compile("[ \t\u00a0\u2002-\u200a\u202f]{2,}|[\u00a0\u2002-\u200a\u202f]")
# Emphasis markers; a lone '*' with spaces on both sides is arithmetic ("Q * K"), not markup.
_EMPHASIS = re.compile(r"(?<!\s)\*+|\*+(?!\s)|(?<![A-Za-z0-9])__+|__+(?![A-Za-z0-9])")
_RULE = re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BARE_URL = re.compile(r"^\s*<?(?:https?://|www\.)\S+>?\s*$")
_SOURCES_LINE = re.compile(
    r"^[\s*_]*(?:sources?|references?|参考(?:资料|链接)?|来源)[\s*_]*[:：][\s*_]*$", re.I
)

# Adverts: one strong cue, or two weak ones (a single weak word such as 课程 is normal content).
_AD_STRONG = re.compile(
    r"二维码|扫码|扫一扫|公众号|加微信|加群|私信我|免费领取|关注.{0,6}(?:博主|作者|账号|我们|我)|点赞.{0,4}(?:关注|收藏)"
)
_AD_WEAK = re.compile(r"小伙伴|领取|学习路线|课程|资料包|需要的|给你发|发给你|私信|关注|收藏|转发|粉丝|福利")

# '?' standing where a character was lost: next to CJK inside a word, or glued to the next word
# after a space ("Query ?Key"). A '?' at the end of a line or before a space is a question mark.
_LOSS = re.compile(
    rf"(?<=[{CJK}])\?(?=[{CJK}A-Za-z0-9*（(“「，、；：])"
    rf"|(?<=[A-Za-z0-9）)])\?(?=[{CJK}])"
    r"|(?<=\s)\?(?=\S)"
    r"|\ufffd"
)


def strip_inline(text: str) -> str:
    """Drop images, link targets, HTML, emoji and emphasis markers; keep the words and inline code."""
    parts = text.split("`")
    for i in range(0, len(parts), 2):  # even parts are outside inline code spans
        part = _IMAGE.sub("", parts[i])
        part = _LINK.sub(r"\1", part)
        part = _HTML_TAG.sub("", part)
        part = html.unescape(part)
        part = _EMOJI.sub("", part)
        part = _ZERO_WIDTH.sub("", part)
        parts[i] = _EMPHASIS.sub("", part)
    text = "`".join(parts)
    return _SPACES.sub(" ", text).strip()


def is_noise_line(raw: str) -> bool:
    """Lines that carry no content: rules, table separators, bare URLs, image-only lines, adverts."""
    bare = raw.strip().lstrip(">").strip()
    if not bare:
        return False
    if _RULE.match(bare) or _TABLE_SEPARATOR.match(bare) or _BARE_URL.match(bare):
        return True
    if _SOURCES_LINE.match(bare):
        return True
    if _IMAGE.sub("", bare).strip() == "":
        return True
    return is_advert(bare)


def is_table_separator(raw: str) -> bool:
    return bool(_TABLE_SEPARATOR.match(raw))


def is_advert(text: str) -> bool:
    if _AD_STRONG.search(text):
        return True
    return len(set(_AD_WEAK.findall(text))) >= 2


def has_encoding_loss(text: str) -> bool:
    """True if `text` has '?' where a character was lost to bad encoding (not a real question mark)."""
    return bool(_LOSS.search(text))


# -- repairing a note that lost characters ------------------------------------------------------------

LOST = "\ufffd"  # a lost character the parser could not restore: never quoted to a candidate
DAMAGED_NOTE_LOSSES = 3  # a note with fewer '?' read as losses is a clean note with a stray typo
_CJK_LINE = re.compile(f"[{CJK}\u3000-\u303f\uff00-\uffef]")  # CJK characters or full-width punctuation
# A '?' that ends its line (emphasis or inline-code markers may follow) stood for the line's last character.
_LINE_FINAL = re.compile(r"(?<=[^\s?])\?(?=[*_`]*\s*$)")
_CELL_FINAL = re.compile(r"(?<=[^\s?|])\?(?=\s*\|)")
_URL_QUERY = re.compile(r"(?<=[A-Za-z0-9_/.\-])\?(?=[A-Za-z0-9_]+=)")  # "search?content_id=…": a real '?'
_QUESTION_CUE = re.compile(
    r"什么|如何|为什么|为何|怎么|怎样|哪些|哪种|哪个|是否|有何|何时|多少|能否|可否|是不是|有没有|优缺点|还是|吗|呢"
)
_SENTENCE_MARK = re.compile(r"[。！？；!;：:]")
_LIST_OR_LABEL = re.compile(r"^\s*(?:[-*+•·]\s|\d{1,3}[.、)）]|\|)")
_ENDS_A_SENTENCE = frozenset("了的到中上下等好多少")  # single characters that often close a Chinese sentence
MIN_SENTENCE_CHARS = 12


def is_damaged_note(text: str) -> bool:
    """A note that lost characters to bad encoding: several '?' where characters are missing."""
    return LOST in text or len(_LOSS.findall(text)) >= DAMAGED_NOTE_LOSSES


def repair_encoding_loss(text: str) -> str:
    """A damaged note with each lost character restored where the context makes it certain, else
    replaced by LOST; a clean note is returned unchanged (its '?' are question marks).

    In the seed note each '?' stands for one lost character: the last one of a line ("能力?" was
    "能力。", but "特定风?" was "特定风格" and "优点?" was "优点："), or one inside a phrase with the
    space after it ("输?token" was "输入 token"). Certain, and repaired: the "？" ending a question, the
    bracket closing an open one ("（MHA?" -> "（MHA）"), the "：" of a line that introduces a list, and
    the "。" ending a prose sentence whose last word is whole. Everything else becomes LOST. Only '?' are replaced, one for one, so line numbers
    and question ids (punctuation-blind) stay as they were.
    """
    if not is_damaged_note(text):
        return text
    lines = text.split("\n")
    return "\n".join(_repair_line(_list_intro(line, lines[n + 1:])) for n, line in enumerate(lines))


# A list item as the next line: "1. ", "- ", "(b) ", "①", or a bold label ("**功能拆分**：").
_LIST_START = re.compile(r"^\s*(?:[-*+•·]\s|\d{1,3}[.、)）]|[(（][a-z0-9]{1,2}[)）]|[①-⑳]|\*\*[^*]+\*\*\s*[：:])")


def _list_intro(line: str, following: list[str]) -> str:
    """A line whose last character was lost and that a list follows introduced the list: its '?' was '：'
    ("具体如下?" then "1. …"). A question ending the same way keeps its '？' (the question cue decides)."""
    end = _LINE_FINAL.search(line)
    if end is None or _LIST_OR_LABEL.match(line):
        return line
    upcoming = next((f for f in following if f.strip()), "")
    sentence = _SENTENCE_MARK.split(line[: end.start()])[-1]
    if not _LIST_START.match(upcoming) or _QUESTION_CUE.search(sentence) or not _whole_last_word(sentence):
        return line  # not an introduction, a question, or half a word ("继续预训练后微?": "微调" lost "调")
    return line[: end.start()] + "：" + line[end.end():]


def _repair_line(line: str) -> str:
    if "?" not in line:
        return line
    if not _CJK_LINE.search(line):  # an English line keeps its question marks; only clear losses go
        return _LOSS.sub(LOST, line)
    line = _LINE_FINAL.sub(lambda m: _line_end(line, m.start()), line)
    line = _CELL_FINAL.sub(lambda m: _closing_bracket(line[line.rfind("|", 0, m.start()) + 1 : m.start()]) or LOST, line)
    return "".join(LOST if ch == "?" and not _URL_QUERY.match(line, i) else ch for i, ch in enumerate(line))


def _line_end(line: str, at: int) -> str:
    """What a '?' ending the line stood for, when certain: a closing bracket, "？" or "。"; else LOST."""
    before = line[:at]
    if closing := _closing_bracket(before):
        return closing
    if _LIST_OR_LABEL.match(line):
        return LOST  # list items and table cells often end without a stop: the lost one was a character
    sentence = _SENTENCE_MARK.split(before)[-1]
    if _QUESTION_CUE.search(sentence):
        return "？"
    if len(sentence.strip(" *")) < MIN_SENTENCE_CHARS:
        return LOST  # a label ("优点?" was "优点：")
    return "。" if _whole_last_word(sentence) else LOST


def _whole_last_word(sentence: str) -> bool:
    """Whether the sentence ends on a whole word ("建模能力"), not half of one ("继续训练模")."""
    import jieba  # lazily: only a damaged note needs it

    words = [w for w in jieba.lcut(sentence.rstrip(" *_`")) if w.strip()]
    return bool(words) and (len(words[-1]) >= 2 or words[-1] in _ENDS_A_SENTENCE)


def _closing_bracket(text: str) -> str:
    """The bracket that closes the last one left open in `text`, or "" when none is open."""
    opened: list[str] = []
    for ch in text:
        if ch in "（(":
            opened.append(ch)
        elif ch in "）)" and opened:
            opened.pop()
    if not opened:
        return ""
    return "）" if opened[-1] == "（" else ")"


def normalize(text: str) -> str:
    """Letters and digits only, NFKC, lower case: the form questions are compared and hashed in."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def is_ascii_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def join_text(left: str, right: str, sep_if_cjk: str = "") -> str:
    """Join two pieces of one sentence: a space between two Latin words, else `sep_if_cjk`."""
    if not left:
        return right
    if not right:
        return left
    if is_ascii_word_char(left[-1]) and is_ascii_word_char(right[0]):
        return f"{left} {right}"
    return f"{left}{sep_if_cjk}{right}"
