"""The candidate's language over a Chinese bank: an item's reviewed English text (`QAItem.en`) in
place of its Chinese question and key points wherever the interviewer shows them.

Grades stay in the bank's language inside the session (merging and the report match key points by
their Chinese text); only what is shown is localised, by the key point's position in the item.
"""

from __future__ import annotations

from interviewer.grading.models import Grade, GradeReference
from interviewer.session.models import Language
from interviewer.session.phrasing import source_label
from interviewer.session.text import CJK, norm
from knowledge.models import QAItem
from knowledge.titles import english_title


def point_text(item: QAItem | None, text: str, language: Language) -> str:
    """A key point's text as shown in `language`: its reviewed translation when there is one."""
    if language != "en" or item is None or item.en is None:
        return text
    key = norm(text)
    for point, english in zip(item.key_points, item.en.key_points, strict=True):
        if norm(point.text) == key:
            return english
    return text


def shown_section(section: str, language: Language) -> str:
    """A heading as shown in `language`: an English page names the file only, not its Chinese heading."""
    return "" if language == "en" and CJK.search(section) else section


def shown_title(source: str, title: str, language: Language) -> str:
    """A note's title as shown in `language`: on an English page its English title when it has one, never
    a Chinese one ("" then, and the file name is shown)."""
    if language != "en":
        return title
    return english_title(source) or shown_section(title, language)


def where_label(source: str, section: str, language: Language, title: str = "") -> str:
    """A citation as shown in `language` (no Chinese title or heading on an English page)."""
    return source_label(source, shown_section(section, language), shown_title(source, title, language))


def localise_grade(grade: Grade, item: QAItem | None, language: Language) -> Grade:
    """A copy of `grade` to show in `language`: covered/missing/points in English, and the reference
    as the item's English key points (the notes themselves are Chinese)."""
    if language != "en" or item is None or item.en is None:
        return grade
    shown = grade.model_copy(deep=True)
    shown.covered = [point_text(item, t, language) for t in grade.covered]
    shown.missing = [point_text(item, t, language) for t in grade.missing]
    for point in shown.points:
        point.text = point_text(item, point.text, language)
        point.section = shown_section(point.section, language)
    if shown.references:
        first = shown.references[0]
        shown.references = [
            GradeReference(source=first.source, section="", text="\n".join(f"- {p}" for p in item.en.key_points))
        ]
    return shown
