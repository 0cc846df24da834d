"""The knowledge base's vocabulary (interviewer/grading/domain.py): what share of an answer lies outside it,
saved beside the generation once and read back, and what happens with bad or missing files."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from pathlib import Path

import pytest

from interviewer.grading import domain
from interviewer.grading.domain import DomainVocabulary, vocabulary_for
from interviewer.grading.lexical import Lexicon
from tests.fakes.interview import make_bank

LEX = Lexicon()
VOCABULARY = DomainVocabulary.from_texts(
    ["注意力机制用查询向量和键向量计算分数", "The attention score is the dot product of query and key vectors."], LEX,
    items=domain.MIN_ITEMS)


def test_an_answer_in_the_domains_words_is_inside_and_an_unrelated_one_outside() -> None:
    assert VOCABULARY.outside_share("注意力机制用查询向量计算分数", LEX) == 0.0
    assert VOCABULARY.outside_share("变压器的线圈匝数决定电压", LEX) == 1.0
    half = VOCABULARY.outside_share("查询向量 变压器线圈", LEX)
    assert 0.0 < half < 1.0


def test_function_words_do_not_count_and_rare_terms_weigh_more() -> None:
    assert VOCABULARY.outside_share("的 是 在 了 查询", LEX) == 0.0  # only 查询 is a content term
    rare = VOCABULARY.outside_share("查询 匝数", LEX)  # 匝数 is rare: its IDF outweighs 查询's
    common = VOCABULARY.outside_share("查询 今天", LEX)
    assert rare > common > 0.0


def test_a_small_bank_or_an_answer_in_a_language_the_bank_lacks_gives_no_evidence() -> None:
    chinese_only = DomainVocabulary.from_texts(["注意力机制用查询向量和键向量计算分数"], LEX, items=domain.MIN_ITEMS)
    assert chinese_only.languages == frozenset({"zh"})
    assert math.isnan(chinese_only.outside_share("Transformers step voltage up and down with coils.", LEX))
    assert VOCABULARY.outside_share("Transformers step voltage up and down with coils.", LEX) > 0.5
    small = dataclasses.replace(VOCABULARY, items=domain.MIN_ITEMS - 1)  # every answer would look "outside"
    assert math.isnan(small.outside_share("变压器的线圈匝数决定电压", LEX))
    assert VOCABULARY.outside_share("……", LEX) == 0.0  # no terms: nothing outside
    assert VOCABULARY.outside_share("", LEX) == 0.0


def test_the_bank_vocabulary_takes_questions_answers_and_points(tmp_path: Path) -> None:
    bank = make_bank()
    built = DomainVocabulary.of_bank(bank, LEX)
    assert built.items == len(bank)
    for item in bank.items:
        assert LEX.tokens(item.question) <= built.terms
        for text in item.key_point_texts():
            assert LEX.tokens(text) <= built.terms


def test_saved_once_then_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bank = make_bank()
    first = vocabulary_for(bank, tmp_path)
    assert (tmp_path / domain.FILE_NAME).is_file()
    assert not list(tmp_path.glob("*.tmp"))

    def refuse(*_: object) -> DomainVocabulary:
        raise AssertionError("the saved vocabulary should have been read")

    monkeypatch.setattr(DomainVocabulary, "of_bank", classmethod(refuse))
    assert vocabulary_for(bank, tmp_path) == first


@pytest.mark.parametrize("content", ["{not json", json.dumps({"format": 1, "terms": ["x"]}), json.dumps([1, 2])])
def test_a_bad_or_old_file_is_rebuilt_and_replaced(tmp_path: Path, content: str) -> None:
    (tmp_path / domain.FILE_NAME).write_text(content, encoding="utf-8")
    built = vocabulary_for(make_bank(), tmp_path)
    assert built == DomainVocabulary.load(tmp_path / domain.FILE_NAME)
    assert built.terms


def test_an_unwritable_folder_still_gives_the_vocabulary(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    missing = tmp_path / "gone"  # saving into a folder that does not exist fails like a read-only one
    with caplog.at_level(logging.WARNING):
        built = vocabulary_for(make_bank(), missing)
    assert built.terms and "could not save the domain vocabulary" in caplog.text
    assert vocabulary_for(make_bank(), None) == built
