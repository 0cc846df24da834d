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
