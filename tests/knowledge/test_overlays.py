"""The reviewed layers over the notes: errata applied at parse time, English translations keyed by source."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from knowledge.overlays import BUNDLED_DOCS as SEED_DOCS
from knowledge.overlays import BUNDLED_ERRATA, USER_ERRATA, USER_TRANSLATIONS
from knowledge.parsing import parse_corpus

CJK = re.compile(r"[\u3400-\u9fff]")
GRPO = "q-2836208ee7"


@pytest.fixture(scope="module")
def seeds():
    return parse_corpus(SEED_DOCS)


def test_every_seed_item_has_an_english_version_without_chinese(seeds) -> None:
    assert seeds.overlays is not None
    assert (seeds.overlays.translated, seeds.overlays.stale, seeds.overlays.missing) == (195, [], [])
    for item in seeds.items:
        assert item.en is not None
        texts = [item.en.question, *item.en.key_points, *item.en.follow_ups]
        assert not [t for t in texts if CJK.search(t)], item.id
        assert len(item.en.key_points) == len(item.key_points)
        assert len(item.en.follow_ups) == len(item.follow_ups)


def test_grpo_asks_about_group_relative_policy_optimization(seeds) -> None:
    item = next(i for i in seeds.items if i.id == GRPO)
    assert "Group Relative Policy Optimization" in item.question
    assert "corrected" in item.flags and item.corrections
    texts = [item.question, item.answer, *(p.text for p in item.key_points), *(r.text for r in item.references)]
    assert not [t for t in texts if "Generative Rejection" in t]
    assert any("组内" in p.text and "优势" in p.text for p in item.key_points)
    assert item.en is not None and "Group Relative Policy Optimization" in item.en.question


def test_every_erratum_applies_and_gives_its_reason(seeds) -> None:
    entries = yaml.safe_load(BUNDLED_ERRATA.read_text(encoding="utf-8"))
    assert seeds.overlays.unapplied == []
    assert sorted(seeds.overlays.corrected) == sorted({e["item"] for e in entries})
    for entry in entries:
        assert entry["reason"].strip() and (entry.get("fixes") or entry.get("answer"))
    corrected = [i for i in seeds.items if "corrected" in i.flags]
    assert len(corrected) == len(entries)


def test_a_changed_source_makes_its_translation_stale(tmp_path: Path, small_docs: Path) -> None:
    first = parse_corpus(small_docs).items[0]
    record = {"id": first.id, "source_hash": first.source_hash, "question": "What is it?",
              "key_points": [f"point {i}" for i in range(len(first.key_points))], "follow_ups": list(first.follow_ups)}
    (small_docs / USER_TRANSLATIONS).write_text(json.dumps(record) + "\n", encoding="utf-8")
    fresh = parse_corpus(small_docs)
    assert next(i for i in fresh.items if i.id == first.id).en is not None
    assert not [s for s in fresh.skipped if s.path == USER_TRANSLATIONS]  # an overlay, not a note

    note = next(small_docs.glob("*.md"))
    lines = note.read_text(encoding="utf-8").splitlines()
    span = slice(first.references[0].line_start, first.references[0].line_end)
    lines[span] = [line + " 补充" if line.strip() else line for line in lines[span]]
    note.write_text("\n".join(lines) + "\n", encoding="utf-8")
    changed = parse_corpus(small_docs)
    assert next(i for i in changed.items if i.id == first.id).en is None
    assert [s for s in changed.overlays.stale if s.startswith(first.id)]


def test_a_users_own_errata_apply_and_a_question_mark_matches_a_lost_character(small_docs: Path) -> None:
    item = parse_corpus(small_docs).items[0]
    point = item.key_points[0].text
    wrong = point[:2] + "?" + point[3:6]  # the third character as if lost to bad encoding
    (small_docs / USER_ERRATA).write_text(yaml.safe_dump([
        {"item": item.id, "fixes": [{"wrong": wrong, "correction": "更正"}], "reason": "test", "source": "x"},
        {"item": "q-none", "fixes": [{"wrong": "a", "correction": "b"}], "reason": "for other notes"},
    ], allow_unicode=True), encoding="utf-8")
    parsed = parse_corpus(small_docs)
    fixed = next(i for i in parsed.items if i.id == item.id)
    assert fixed.key_points[0].text.startswith("更正") and "corrected" in fixed.flags
    assert fixed.corrections[0].reason == "test"
    assert parsed.overlays.unapplied == ["q-none: no such question (the notes changed?)"]
    assert not [s for s in parsed.skipped if s.path == USER_ERRATA]
