"""English term matching in the lexical evidence: stems and function words (interviewer/grading/lexical.py)."""

from __future__ import annotations

from interviewer.grading.lexical import Lexicon, stem

LEX = Lexicon()
REFERENCE = ("A linked list allocates nodes dynamically; insertion and deletion only modify pointers, whereas an "
             "array must move many elements on each insertion.")


def test_english_words_match_by_stem_and_function_words_do_not_count() -> None:
    assert stem("inserting") == stem("insertion") == "insert"
    assert stem("lora") == "lora" and stem("kv") == "kv" and stem("注意力") == "注意力"
    terms = LEX.terms("Because inserting into a linked list only changes the pointers.")
    assert {"insert", "link", "list", "pointer"} <= terms
    assert not terms & {"because", "into", "a", "the", "only", "onli"}


def test_tokens_stay_as_written_for_the_truth_checks() -> None:
    """The contradiction checks find their anchor words in the raw text: those must not be stems."""
    assert "inserting" in LEX.tokens("Inserting changes pointers.")
    assert "insert" not in LEX.tokens("Inserting changes pointers.")


def test_a_paraphrase_in_other_word_forms_covers_the_point_and_filler_words_do_not() -> None:
    answer = "Inserting into a linked list only changes pointers, while an array has to move the following elements."
    assert LEX.recall(REFERENCE, answer) > 0.4
    filler = "It is what it is, and that is why all of this is the way it should be, as they would say."
    assert LEX.recall(REFERENCE, filler) == 0.0
    assert LEX.precision(filler, REFERENCE) == (0.0, 0.0)


def test_chinese_terms_are_unchanged() -> None:
    text = "链表插入删除只需修改指针"
    assert LEX.terms(text) == LEX.tokens(text)
