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


def test_english_words_weigh_by_how_common_they_are() -> None:
    """jieba's IDF table has no English: the family frequency table (data/english_frequency.tsv.gz) orders them."""
    from interviewer.grading.lexical import UNKNOWN_IDF, english_weight

    the, time, elements, pointer, softmax = (english_weight(w) for w in ("the", "time", "elements", "pointer", "softmax"))
    assert the < time < elements < pointer < softmax == UNKNOWN_IDF
    assert english_weight("pointers") == pointer  # a family weighs as one (matching is by stem)
    assert english_weight("zxqvbnword") == UNKNOWN_IDF  # not in the table: rare
    assert LEX.weight("pointer") == pointer and LEX.weight("指针") != pointer  # Chinese keeps jieba's IDF


def test_a_common_word_counts_less_than_a_technical_one() -> None:
    reference = "Insertion into a linked list only changes pointers."
    common = LEX.recall(reference, "Something changes, only a little, into the list.")
    technical = LEX.recall(reference, "Insertion changes the pointers.")
    assert technical > common
