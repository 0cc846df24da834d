"""Reviewed layers over the parsed notes: errata (corrections) and translations, applied at ingest.

    apply_overlays(items, docs_dir) -> OverlayReport   corrects and translates the items in place

Two places hold them: the bundled ones beside the seed corpus (`knowledge/errata.yaml`,
`knowledge/translations/en.jsonl`) and a user's own next to their notes (`errata.yaml`,
`translations.en.jsonl` at the top of the docs folder). Both are keyed by item id, with the item's
`source_hash` as a second key (an id follows the question's text, the hash the source lines as written):
so a bundled entry only ever touches the seed item it was written for, and a translation whose source
changed is reported stale and not used.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from knowledge.errors import InvalidInput
from knowledge.models import Correction, ItemTranslation, OverlayReport, QAItem

BUNDLED_DIR = Path(__file__).resolve().parent
BUNDLED_DOCS = BUNDLED_DIR / "docs"
BUNDLED_ERRATA = BUNDLED_DIR / "errata.yaml"
BUNDLED_TRANSLATIONS = BUNDLED_DIR / "translations" / "en.jsonl"
USER_ERRATA = "errata.yaml"  # at the top of a docs folder
USER_TRANSLATIONS = "translations.en.jsonl"
OVERLAY_FILES = frozenset({USER_ERRATA, USER_TRANSLATIONS})  # not notes: the parser leaves them alone


class Fix(BaseModel):
    wrong: str = Field(min_length=1)  # exact text in the item (question, answer, a key point, a follow-up)
    correction: str  # its replacement; a key point or follow-up left empty is dropped


class Erratum(BaseModel):
    """One item's reviewed corrections, sharing one reason."""

    item: str
    source_hash: str = ""
    question: str = ""  # as written in the notes: for the reader of the file, not matched
    fixes: list[Fix] = Field(default_factory=list)
    answer: str = ""  # a rewritten reference answer, for an item whose reference is wrong throughout
    reason: str = Field(min_length=1)
    source: str = ""


class TranslationRecord(ItemTranslation):
    id: str
    source_hash: str
    zh: str = ""  # the Chinese question it was made from: for the reader of the file, not matched


def apply_overlays(items: list[QAItem], docs_dir: Path | None = None) -> OverlayReport:
    """Apply every errata file, then attach translations; items are changed in place."""
    report = OverlayReport()
    seeds = docs_dir is not None and Path(docs_dir).resolve() == BUNDLED_DOCS
    # The bundled errata were written for the seeds: in another corpus, one that matches nothing is fine.
    apply_errata(items, load_errata(BUNDLED_ERRATA), report, expect_all=seeds)
    translations = load_translations(BUNDLED_TRANSLATIONS)
    if docs_dir is not None and not seeds:
        apply_errata(items, load_errata(Path(docs_dir) / USER_ERRATA), report, expect_all=True)
        translations += load_translations(Path(docs_dir) / USER_TRANSLATIONS)
    attach_translations(items, translations, report)
    return report


# -- errata ---------------------------------------------------------------------------------------


def load_errata(path: Path) -> list[Erratum]:
    if not path.exists():
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(raw, list):
            raise InvalidInput(f"{path}: expected a list of errata")
        return [Erratum.model_validate(entry) for entry in raw]
    except (yaml.YAMLError, ValidationError) as exc:
        raise InvalidInput(f"{path}: invalid errata file ({exc})") from None


def apply_errata(items: list[QAItem], errata: list[Erratum], report: OverlayReport, expect_all: bool) -> None:
    by_id = {item.id: item for item in items}
    by_hash = {item.source_hash: item for item in items if item.source_hash}
    for erratum in errata:
        item = by_id.get(erratum.item) or by_hash.get(erratum.source_hash)
        if item is None:
            if expect_all:
                report.unapplied.append(f"{erratum.item}: no such question (the notes changed?)")
            continue
        if erratum.answer:
            _rewrite_answer(item, erratum.answer)
            item.corrections.append(
                Correction(wrong="(the reference answer)", correction=erratum.answer, reason=erratum.reason,
                           source=erratum.source)
            )
        for fix in erratum.fixes:
            if not _replace(item, fix.wrong, fix.correction):
                report.unapplied.append(f"{item.id}: {fix.wrong[:40]!r} not found")
                continue
            item.corrections.append(
                Correction(wrong=fix.wrong, correction=fix.correction, reason=erratum.reason, source=erratum.source)
            )
        if item.corrections and "corrected" not in item.flags:
            item.flags = sorted([*item.flags, "corrected"])
        if item.corrections and item.id not in report.corrected:
            report.corrected.append(item.id)


def _rewrite_answer(item: QAItem, answer: str) -> None:
    item.answer = answer
    for ref in item.references:
        ref.text = answer


def _replace(item: QAItem, wrong: str, correction: str) -> bool:
    """Replace `wrong` wherever the item says it; True when it said it somewhere.

    A '?' in `wrong` stands for any one character: the notes' lost characters show as '?', and an
    erratum must still apply once the parser restores them.
    """
    pattern = re.compile(re.escape(wrong).replace(r"\?", "."))
    found = False

    def fix(text: str) -> str:
        nonlocal found
        fixed, count = pattern.subn(lambda _m: correction, text)
        found = found or count > 0
        return fixed

    item.question = fix(item.question)
    item.answer = fix(item.answer)
    for ref in item.references:
        ref.text = fix(ref.text)
    for point in item.key_points:
        point.text = fix(point.text)
    item.key_points = [p for p in item.key_points if p.text.strip()]
    item.follow_ups = [f for f in (fix(f) for f in item.follow_ups) if f.strip()]
    return found


# -- translations ---------------------------------------------------------------------------------


def load_translations(path: Path) -> list[TranslationRecord]:
    if not path.exists():
        return []
    records: list[TranslationRecord] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(TranslationRecord.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise InvalidInput(f"{path}:{number}: invalid translation ({exc})") from None
    return records


def attach_translations(items: list[QAItem], records: list[TranslationRecord], report: OverlayReport) -> None:
    """Set `item.en` from a record that fits the item's current source; later files win."""
    by_id = {r.id: r for r in records}
    by_hash = {r.source_hash: r for r in records}
    for item in items:
        record = by_hash.get(item.source_hash) if item.source_hash else None
        record = record or by_id.get(item.id)
        if record is None:
            report.missing.append(item.id)
            continue
        why = _unfit(record, item)
        if why:
            report.stale.append(f"{item.id}: {why}")
            continue
        item.en = ItemTranslation(question=record.question, key_points=record.key_points, follow_ups=record.follow_ups)
        report.translated += 1


def _unfit(record: TranslationRecord, item: QAItem) -> str:
    if record.source_hash != item.source_hash:
        return "the notes changed since it was translated"
    if len(record.key_points) != len(item.key_points):
        return f"{len(record.key_points)} key points translated, the item has {len(item.key_points)}"
    if len(record.follow_ups) != len(item.follow_ups):
        return f"{len(record.follow_ups)} follow-ups translated, the item has {len(item.follow_ups)}"
    return ""
