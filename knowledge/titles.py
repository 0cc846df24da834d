"""Human titles for the notes: what a citation, the study advice and the report call a source file.

A note's title is its first heading (outside code fences), else its first line when that reads as a
title (short, no sentence punctuation), else what the docs folder's title map (`titles.yaml`: file ->
title) says, else nothing, and the file name is shown. The map wins when it names a file, so a note
whose first heading is not a good title can be given one. The file name stays in every citation
(`source`) for tooltips and details.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from knowledge.errors import InvalidInput

TITLE_MAP = "titles.yaml"
MAX_TITLE_CHARS = 60
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_NOT_A_TITLE = re.compile(r"[。；;！!？?，,]$|^[-*+>|]|^\d+[.、)]|https?://")
_MARKUP = re.compile(r"[*_`]+")


def document_title(text: str) -> str:
    """The note's own title, "" when it has none."""
    in_fence = False
    first_line = ""
    for raw in text.splitlines():
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence or not raw.strip():
            continue
        if heading := _HEADING.match(raw):
            return _clean(heading.group(1))
        if not first_line:
            first_line = raw.strip()
    line = _clean(first_line)
    return line if line and len(line) <= MAX_TITLE_CHARS and not _NOT_A_TITLE.search(line) else ""


def _clean(text: str) -> str:
    return _MARKUP.sub("", text).strip()


def load_title_map(docs_dir: Path) -> dict[str, str]:
    """The docs folder's `titles.yaml` (file path relative to the folder -> title); {} when there is none."""
    path = Path(docs_dir) / TITLE_MAP
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput(f"{TITLE_MAP}: cannot read the title map ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise InvalidInput(f"{TITLE_MAP}: expected lines of 'file name: title'")
    return {k: v.strip() for k, v in data.items() if v.strip()}


def cite_label(source: str, section: str = "", title: str = "") -> str:
    """How a citation reads: the title and the section under it ("常见面试题 § 1、什么是 SFT"), or the file
    name when the note has no title. The section path starts with the title when the title is the
    first heading; it is not said twice."""
    if not title:
        return f"{source} § {section}" if section else source
    parts = [p for p in section.split(" > ") if p] if section else []
    if parts and parts[0] == title:
        parts = parts[1:]
    return f"{title} § {' > '.join(parts)}" if parts else title


ENGLISH_TITLES = Path(__file__).resolve().parent / "translations" / "titles.en.yaml"


def english_title(source: str) -> str:
    """The reviewed English title of a bundled note ("" for any other file)."""
    return _english_titles().get(source, "")


@functools.cache
def _english_titles() -> dict[str, str]:
    try:
        loaded = yaml.safe_load(ENGLISH_TITLES.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        loaded = {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
