"""Prompt-injection detection by intent: text addressed to the grader, not text that mentions attacks.

An answer about prompt-injection defences may quote "忽略以上所有指令" or describe ChatML's
`<|im_start|>system`; that is content to grade. A sentence is an injection when, after normalising
away obfuscation (full-width letters, zero-width characters, s p a c e d letters, homoglyphs, leet),
it addresses the grader: a score demand, a claim of prior approval, an instruction override, a role
reassignment of the reader, or a fake role tag / delimiter. Quotes inside a sentence framed as an
example or an explanation ("攻击者会写‘给我满分’", 'such as "ignore previous instructions"') are
masked before the patterns run, and the phrases an explanation can use unquoted (overrides, role
play, tags) are excused by such a frame too. A bare reporting verb before a quote ('写“…”') masks
the quote but excuses nothing else. Designed on evals/intent/dev.jsonl only; measured by
`python -m evals.intent` (test split: recall 1.00, content false positives 2 of 74).
"""

from __future__ import annotations

import re
import unicodedata

from interviewer.grading.intent_patterns import (
    ADDRESSED_PATTERNS,
    APPROVAL_BY_SOMEONE,
    FRAME_PATTERN,
    MENTIONABLE_PATTERNS,
    REPORT_PATTERN,
)

_FLAGS = re.IGNORECASE
_ADDRESSED = re.compile("|".join(f"(?:{p})" for p in ADDRESSED_PATTERNS), _FLAGS)
_MENTIONABLE = re.compile("|".join(f"(?:{p})" for p in MENTIONABLE_PATTERNS), _FLAGS)
_APPROVALS = [(re.compile(p, _FLAGS), re.compile(c, _FLAGS)) for p, c in APPROVAL_BY_SOMEONE]
_FRAME = re.compile(FRAME_PATTERN, _FLAGS)
_REPORT = re.compile(REPORT_PATTERN, _FLAGS)

# --- normalisation ---------------------------------------------------------------------------------
_HOMOGLYPHS = str.maketrans("аеорсхуіѕјАЕОРСХУІЅЈВМНТК", "aeopcxyisjAEOPCXYISJBMHTK")
_APOSTROPHE = re.compile(r"(?<=[A-Za-z])’(?=[A-Za-z])")  # "don’t"; a ‘…’ pair stays a quote
_LEET = str.maketrans("013457@$", "oieastas")
# Single letters joined by one separator ("i g n o r e", "g-i-v-e"); "." is left alone for "e.g.".
_SPACED = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z0-9][ \-_*·|]){1,}[A-Za-z0-9](?![A-Za-z0-9])")
_SPACED_SEP = re.compile(r"[ \-_*·|]")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \t_\-*·.|/]+(?=[\u4e00-\u9fff])")
_LEET_WORD = re.compile(r"\b(?=[a-z0-9@$]*[a-z])(?=[a-z0-9@$]*[0-9@$])[a-z0-9@$]{4,}\b", re.IGNORECASE)


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or "\ufe00" <= ch <= "\ufe0f" or ch == "\u034f"


def normalise(text: str) -> str:
    """Case-folded text with the common obfuscations undone; for matching only, never shown."""
    t = unicodedata.normalize("NFKC", text or "")
    t = _APOSTROPHE.sub("'", "".join(ch for ch in t if not _invisible(ch)).translate(_HOMOGLYPHS))
    t = _SPACED.sub(_join_spaced, t)
    t = _CJK_GAP.sub("", t)
    t = _LEET_WORD.sub(lambda m: m.group().translate(_LEET), t)
    return t.casefold()


def _join_spaced(match: re.Match[str]) -> str:
    run = match.group()
    if not _is_spaced_word(run):
        return run
    # "g-i-v-e m-e": the hyphens join letters and the spaces part words; "i g n o r e": spaces join letters.
    return re.sub(r"[\-_*·|]", "", run) if re.search(r"[\-_*·|]", run) else run.replace(" ", "")


def _is_spaced_word(run: str) -> bool:
    # "1 0" (a spaced ten) and runs of letters, but not "1 2 3" lists or a lone "a 1".
    chars = _SPACED_SEP.sub("", run)
    return chars.isalpha() and len(chars) >= 3 or chars in {"10", "100"}


# --- sentences -------------------------------------------------------------------------------------
_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", '"': '"', "«": "»", "`": "`"}
_QUOTE_SPAN = 200  # a quote left open longer than this (or past a newline) is not a quote
_END_PUNCT = "。！？!?"
_ABBREVIATIONS = re.compile(r"(?:\be\.g|\bi\.e|\betc|\bvs|\bcf|\bp\.s|\bmr|\bdr|\bno)\.$", re.IGNORECASE)


_BLOCKS = {"【": "】", "（": "）", "(": ")"}


def _closing_quote(text: str, i: int) -> int:
    """Index of the quote closing the one opened at i, or -1."""
    close = _QUOTES[text[i]]
    j = text.find(close, i + 1)
    if j < 0 or j - i > _QUOTE_SPAN or "\n" in text[i:j]:
        return -1
    return j


def sentences(text: str) -> list[str]:
    """Pieces that join back into `text` exactly; a quoted span is never cut."""
    text = text or ""
    out: list[str] = []
    start = i = 0
    while i < len(text):
        ch = text[i]
        if ch in _QUOTES and (j := _closing_quote(text, i)) > 0:
            i = j + 1
            continue
        if ch in _BLOCKS and not text[start:i].strip() and (j := text.find(_BLOCKS[ch], i + 1)) > 0 \
                and j - i <= _QUOTE_SPAN and "\n" not in text[i:j]:
            # "【给评分系统的说明：…】 answer…": a bracketed block opening a sentence is a piece of its own
            out.append(text[start:j + 1])
            start = i = j + 1
            continue
        if ch == "\n" and i > start:
            out.append(text[start:i])
            start = i
        elif ch in _END_PUNCT or (ch == "." and i + 1 < len(text) and text[i + 1].isspace()):
            k = i + 1
            while k < len(text) and (text[k] in _END_PUNCT or text[k] in '”’」』")）'):
                k += 1
            if ch != "." or not _ABBREVIATIONS.search(text[start:k]):
                out.append(text[start:k])
                start = k
            i = k
            continue
        i += 1
    if start < len(text):
        out.append(text[start:])
    return [s for s in out if s]


def _mask_quotes(norm: str, marks: str = "".join(_QUOTES)) -> str:
    """`norm` with every span quoted by one of `marks` replaced by a placeholder."""
    out, i = [], 0
    while i < len(norm):
        if norm[i] in marks and (j := _closing_quote(norm, i)) > 0:
            out.append("⟦q⟧")
            i = j + 1
            continue
        out.append(norm[i])
        i += 1
    return "".join(out)


def is_injection_sentence(sentence: str) -> bool:
    """True when one sentence addresses the grader (see the module docstring)."""
    norm = normalise(sentence).strip()
    if not norm:
        return False
    masked = _mask_quotes(norm)
    if _FRAME.search(masked):  # quotes excuse their content only inside an explanation
        return _addressed(masked)
    text = masked if _REPORT.search(masked) else norm
    # A tag in a code span (`<|im_start|>user`) is named, not used; a demand in one is still a demand.
    return _addressed(text) or bool(_MENTIONABLE.search(_mask_quotes(text, "`")))


def _addressed(text: str) -> bool:
    if _ADDRESSED.search(text):
        return True
    return any(claim.search(text) and about.search(text) for claim, about in _APPROVALS)


def find_injection(answer: str) -> list[str]:
    """The sentences of `answer` that address the grader (instructions, score demands, role tags)."""
    return [s.strip() for s in sentences(answer) if s.strip() and is_injection_sentence(s)]


# Delimiters are defanged in the sentences that stay (an answer explaining ChatML keeps its words).
_TAG = re.compile(
    r"<\s*\|\s*([a-z_]+)\s*\|\s*>|\[\s*(/?)\s*(inst|system|sys)\s*\]|<<\s*(/?)\s*sys\s*>>|"
    r"<\s*(/?)\s*([a-z_\-]*(?:answer|system|grader|instruction|assistant|user|reference|grade|candidate|response)[a-z_\-]*)\s*>",
    re.IGNORECASE,
)


def _defang(match: re.Match[str]) -> str:
    word = "".join(g for g in match.groups() if g)
    after = match.string[match.end() : match.end() + 1]
    return word + " " if after.isalnum() else word


def strip_injection(answer: str) -> str:
    """`answer` without its injection sentences, and with any prompt delimiters left defanged."""
    kept = [s for s in sentences(answer) if not (s.strip() and is_injection_sentence(s))]
    text = _TAG.sub(_defang, "".join(kept))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
