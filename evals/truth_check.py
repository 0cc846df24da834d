"""How often the contradiction detector fires, per kind of labelled answer, and on the bank against itself.

    python -m evals.truth_check [--verbose] [--bank PATH]

* dev: every answer of evals/labelled/dev.jsonl against its bank item's key points (matched by question);
  the share with at least one contradiction, per answer kind and per contradiction kind. Wrong-but-fluent
  should be high, excellent/good/partial at most 5%.
* dev-en: the same answers translated to English (evals/training/translated/dev-en.jsonl) against the
  item's reviewed English key points, as the product grades an English answer.
* bank: each item's reference (its key points joined) and each single key point as an answer against the
  item's own key points: must be 0.
* sas-ads, sas-le (when /work/shared/data holds them): human-scored answers of other domains (data
  structures, logistics) against their reference's claims, flagged per human score: precision out of domain.
* timing: a ~600-character answer against 6 points.
Tune on dev only; evals/labelled/test.jsonl is never read here.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from evals.labelled import read_jsonl
from interviewer.grading.lexical import Lexicon
from interviewer.grading.truth import Contradiction, find_contradictions
from knowledge.bank import normalise_question
from knowledge.claims import split_claims
from knowledge.parsing import parse_corpus

REPO = Path(__file__).resolve().parents[1]
DEV = REPO / "evals" / "labelled" / "dev.jsonl"
DEV_EN = REPO / "evals" / "training" / "translated" / "dev-en.jsonl"
SAS = {"sas-ads": REPO.parent / "shared" / "data" / "sas-ads" / "ads-train.jsonl",
       "sas-le": REPO.parent / "shared" / "data" / "sas-le" / "le-train.jsonl",
       "sas-en": REPO / "evals" / "training" / "translated" / "en.jsonl"}  # both, translated to English
DOCS = REPO / "knowledge" / "docs"
KINDS = ("negation", "antonym", "number", "swap", "direction", "order", "expansion")
CORRECT = ("excellent", "good", "partial")


Bank = dict[str, tuple[list[str], str]]  # normalised question -> (key point texts, the question as asked)


def load_banks(path: Path | None) -> dict[str, Bank]:
    """Each item's key points per language ("zh", and "en" for items with a reviewed English version), from the
    corpus (default, parsed once) or a bank export with key_points (Chinese only)."""
    if path is None:
        items = parse_corpus(DOCS).items
        return {language: {normalise_question(it.question): (it.key_point_texts(language), it.question_in(language))
                           for it in items if language == "zh" or it.en} for language in ("zh", "en")}
    rows = read_jsonl(path)
    return {"zh": {normalise_question(r["question"]): (list(r["key_points"]), r["question"]) for r in rows}, "en": {}}


def dev_rates(bank: Bank, lex: Lexicon, verbose: bool, path: Path = DEV) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(Counter)
    for row in read_jsonl(path):
        points, question = bank.get(normalise_question(row["question"]), (None, ""))
        if points is None:
            table[row["kind"]]["unmatched"] += 1
            continue
        found = find_contradictions(row["answer"], points, lex, question)
        table[row["kind"]]["answers"] += 1
        table[row["kind"]]["any"] += bool(found)
        for kind in {c.kind for c in found}:
            table[row["kind"]][kind] += 1
        if verbose and found:
            _show(row["id"], found)
    return table


def bank_self(bank: Bank, lex: Lexicon, verbose: bool) -> tuple[int, int, int]:
    """(answers checked, answers with a contradiction, contradictions) for references against themselves."""
    checked = flagged = total = 0
    for question, (points, _) in bank.items():
        for answer in ["\n".join(points), *points]:
            found = find_contradictions(answer, points, lex, question)
            checked += 1
            flagged += bool(found)
            total += len(found)
            if verbose and found:
                _show(question[:30], found)
    return checked, flagged, total


def sas_rates(path: Path, lex: Lexicon, verbose: bool) -> dict[int, list[int]]:
    """Human score (0-10) -> [answers, answers with a contradiction]."""
    table: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in read_jsonl(path):
        found = find_contradictions(row["answer"], split_claims(row["reference"]), lex, row["question"])
        table[round(row["score"])][0] += 1
        table[round(row["score"])][1] += bool(found)
        if verbose and found and row["score"] >= 9:
            _show(row["id"], found)
    return table


def timing(bank: Bank, lex: Lexicon) -> float:
    """Mean milliseconds for a ~600-character answer against 6 points, tokenizing included."""
    items = [(q, p) for q, (p, _) in bank.items() if len(p) >= 6][:30]
    rounds = []
    for _ in range(3):  # the best of three rounds: other processes on the machine only ever add time
        start = time.perf_counter()
        for question, points in items:
            answer = ("".join(points) * 3)[:600]
            cold = Lexicon(lex.idf)  # tokenizing is part of the cost; the IDF table is loaded once per grader
            find_contradictions(answer, points[:6], cold, question)
        rounds.append((time.perf_counter() - start) / max(len(items), 1))
    return 1000 * min(rounds)


def _print_dev(path: Path, table: dict[str, dict[str, int]]) -> None:
    print(f"dev ({path.name}): answers with >= 1 contradiction, by answer kind")
    print(f"  {'kind':<20}{'n':>4}{'any':>12}" + "".join(f"{k:>10}" for k in KINDS))
    for kind in sorted(table, key=lambda k: (k not in CORRECT, k)):
        row = table[kind]
        n = row["answers"]
        rate = f"{row['any']}/{n} {100 * row['any'] / max(n, 1):3.0f}%"
        print(f"  {kind:<20}{n:>4}{rate:>12}" + "".join(f"{row[k]:>10}" for k in KINDS))
    correct = [table[k] for k in CORRECT]
    hits, n = sum(r["any"] for r in correct), sum(r["answers"] for r in correct)
    print(f"  excellent+good+partial: {hits}/{n} = {100 * hits / max(n, 1):.1f}% (target <= 5%)")


def _show(label: str, found: list[Contradiction]) -> None:
    for c in found:
        print(f"  [{label}] {c.kind} {c.cue}\n      answer: {c.claim[:90]}\n      point:  {c.point[:90]}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every contradiction found")
    parser.add_argument("--bank", type=Path, help="a bank export (jsonl with question, key_points)")
    args = parser.parse_args(argv)
    banks = load_banks(args.bank)
    lex = Lexicon()
    for path, language in ((DEV, "zh"), (DEV_EN, "en")):
        if path.is_file():
            _print_dev(path, dev_rates(banks[language], lex, args.verbose, path))
    checked, flagged, total = bank_self(banks["zh"], lex, args.verbose)
    print(f"bank self-check: {flagged}/{checked} references/points contradict their own item ({total} in all)")
    if banks["en"]:
        checked, flagged, total = bank_self(banks["en"], lex, args.verbose)
        print(f"bank self-check, English: {flagged}/{checked} contradict their own item ({total} in all)")
    for name, path in SAS.items():
        if path.exists():
            sas = sas_rates(path, lex, args.verbose)
            cells = " ".join(f"{score}:{hit}/{n}" for score, (n, hit) in sorted(sas.items()))
            top = [sas[s] for s in sas if s >= 9]
            print(f"{name} (out of domain), flagged/answers by human score 0-10: {cells}")
            print(f"  scored 9-10: {sum(h for _, h in top)}/{sum(n for n, _ in top)} flagged")
    print(f"timing: {timing(banks['zh'], lex):.2f} ms per 600-char answer vs 6 points")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
