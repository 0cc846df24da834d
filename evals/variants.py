"""Deterministic labelled answer variants built from bank references: extra TRAINING data for a learned
grader, never a reported figure (every line says ``source: "synthetic"``).

Skipped: every bank question under "test" in evals/labelled/split.json (the frozen test split never feeds
training, not even as another item's off-topic answer), items flagged ``no_answer`` and items with < 2 key
points. A point's weight is sqrt(its length in characters); a share is a weight share of all n points.

Families and their labels (from construction; ``random.Random(seed)`` makes every choice):

* ``drop-k`` (~40%): keep k of n points (k=1..n), each lightly rewritten (meta prefix and parenthetical
  asides dropped, connectives swapped, sometimes clauses reordered or trimmed to the first one or two, a
  discourse marker when nothing else changed), order sometimes shuffled, joined into 1-2 paragraphs.
  score = round(10 * kept share * (0.9 if the kept text is under 60% of its original length), 1).
  k=0 is one generic opening sentence: 0.5 if it names a question term, else 0.
* ``wrong`` (~20%): n or n-1 points, lightly rewritten, then corrupted: antonyms flipped (增加↔减少 …),
  a negation inserted or removed (是→不是 …), numbers changed (×2, layers ±1, percentages), or two
  entities the answer names swapped (encoder↔decoder …). All points (or about half) are corrupted;
  intact = share of uncorrupted points in the answer, capped at 0.5; score = round(1 + 5 * intact, 1)
  (all corrupted -> 1, a mostly corrupted answer -> 1-2.5, half intact -> 3.5). Emitted only when at
  least one corruption applied.
* ``other-item`` (~10%): 2-4 lightly rewritten points of another item with no shared topic and little
  character overlap -> 0.
* ``padded`` (~8%): 3-5 generic filler sentences (zh or en) naming the question's terms, with 0 or 1 real
  point trimmed to its first clause(s): 0 points -> 1, 1 point -> round(min(3, 2 + 2.5 * its share), 1).
* ``keyword-list`` (~7%): the rarest jieba/latin terms of some points, comma-joined, no explanation:
  score = round(2 + 1.5 * share of the points they come from, 1), in 2-3.5.
* ``injection`` (~8%): a drop-k answer (k >= 1) with a grader-addressed attack inserted at its start, middle
  or end -> the score of the drop-k answer it wraps (the attack earns nothing).
* ``non-answer`` (~7%): empty, whitespace, 不知道, pass, hedges like "X 我只听过名字，具体不清楚" -> 0.

CLI: ``python -m evals.variants [--out evals/training/variants.jsonl] [--seed 0] [--per-item 8]``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

from evals import variant_tables as T
from knowledge.bank import normalise_question

ROOT = Path(__file__).resolve().parents[1]
SPLIT = ROOT / "evals" / "labelled" / "split.json"
MIX = {"drop-k": 0.40, "wrong": 0.20, "other-item": 0.10, "padded": 0.08, "keyword-list": 0.07,
       "injection": 0.08, "non-answer": 0.07}
_CLAUSE = re.compile(r"(?<=[，；,;])")
_PAREN = re.compile(r"\s*[（(][^（）()]{0,60}[）)]")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-+.]*[A-Za-z0-9]")
_NUMBER = re.compile(r"(?<![A-Za-z\-_.\d])(\d+(?:\.\d+)?)(?![A-Za-z\d.])(\s*(?:%|层)?)")
_ANTONYM = dict(T.ANTONYMS) | {b: a for a, b in T.ANTONYMS}
_ANTONYM_RE = re.compile("|".join(sorted(map(re.escape, _ANTONYM), key=len, reverse=True)))


def blocked_questions(split: Path = SPLIT) -> set[str]:
    """The test split's questions as matching keys (knowledge.bank.normalise_question). Matched exactly, the
    split's spelling missed 12 of its 33 questions until 2026-12-01 (the bank's texts end in a full-width "？"
    where the split has "?", or keep a U+FFFD the split lost): 92 of the 1,080 synthetic training lines were on
    test questions, and their references could be drawn as other items' off-topic answers."""
    return {normalise_question(q) for q in json.loads(split.read_text(encoding="utf-8"))["test"]}


def _fields(item: Any) -> tuple[str, str, list[str], list[str], list[str]]:
    def get(key: str, default: Any = None) -> Any:
        return item.get(key, default) if isinstance(item, dict) else getattr(item, key, default)

    points = [p if isinstance(p, str) else (p.get("text") if isinstance(p, dict) else p.text)
              for p in get("key_points", []) or []]
    return str(get("id") or ""), str(get("question") or "").strip(), [p.strip() for p in points if p and p.strip()], \
        list(get("topics", []) or []), list(get("flags", []) or [])


def _weights(points: list[str]) -> list[float]:
    return [math.sqrt(max(1, len(p))) for p in points]


def _end(text: str) -> str:
    return text.rstrip("。.；;，,：: ?？") + "。"


def _salient(text: str, k: int = 6) -> list[str]:
    """The text's most salient terms (jieba TF-IDF keywords; Latin terms kept whole), stop words dropped."""
    import jieba
    import jieba.analyse  # lazy: its dictionary takes ~0.5 s to load

    jieba.setLogLevel(60)
    words = jieba.analyse.extract_tags(text, topK=2 * k)
    return [w for w in words if len(w) >= 2 and w.lower() not in T.STOPWORDS and not re.search(r"有何|什么", w)][:k]


def rewrite(point: str, rng: random.Random, trim: bool = True) -> str:
    """Light rewrite of one key point; never returns it verbatim."""
    text = point
    for prefix in T.META_PREFIXES:
        text = text.removeprefix(prefix)
    if rng.random() < 0.7 and len(_PAREN.sub("", text)) >= 0.4 * len(text):
        text = _PAREN.sub("", text).strip()
    for a, b in T.CONNECTIVES.items():
        if a in text and rng.random() < 0.6:
            text = text.replace(a, "\0" + b + "\0", 1)
    text = text.replace("\0", "")
    clauses = [c for c in _CLAUSE.split(_end(text)) if c]
    if trim and len(clauses) >= 3 and rng.random() < 0.3:
        clauses = clauses[: rng.choice((1, 2))]
    elif len(clauses) >= 3 and rng.random() < 0.25:
        i = rng.randrange(1, len(clauses) - 1)
        clauses[i - 1 : i + 1] = [_end(clauses[i])[:-1] + "，", clauses[i - 1].rstrip("，,；;")]
    text = _end("".join(clauses))
    if text.rstrip("。") == point.rstrip("。.").strip():
        text = rng.choice(T.MARKERS) + (text.replace("：", "，", 1) if "：" in text else text)
    return text


def _join(parts: list[str], rng: random.Random) -> str:
    if len(parts) >= 4 and rng.random() < 0.5:
        cut = rng.randrange(1, len(parts))
        return "".join(parts[:cut]) + "\n\n" + "".join(parts[cut:])
    return "".join(parts)


def _corrupt(text: str, rng: random.Random, answer: str) -> tuple[str, str]:
    """One corruption of a point's core claim, or (text, "") when none applies."""
    def antonym(t: str) -> str:
        return _ANTONYM_RE.sub(lambda m: _ANTONYM[m.group(0)], t)

    def negate(t: str) -> str:
        for pattern, repl in rng.sample(T.NEGATIONS, len(T.NEGATIONS)):
            new = re.sub(pattern, repl, t, count=1)
            if new != t:
                return new
        return t

    def number(t: str) -> str:
        def change(m: re.Match[str]) -> str:
            value, unit = float(m.group(1)), m.group(2)
            new = value + rng.choice((-1, 1)) if "层" in unit and value > 1 else \
                (value / 2 if "%" in unit and value > 50 else value * 2) if value else 1
            return f"{new:g}{unit}"
        return _NUMBER.sub(change, t, count=1)

    def swap(t: str) -> str:
        for a, b in rng.sample(T.ENTITY_PAIRS, len(T.ENTITY_PAIRS)):
            pat = {e: (rf"(?<![A-Za-z0-9_\-]){re.escape(e)}(?![A-Za-z0-9_\-])" if e.isascii() else re.escape(e))
                   for e in (a, b)}
            hits = [m.start() for e in (a, b) for m in re.finditer(pat[e], t)]
            if not (re.search(pat[a], answer) and re.search(pat[b], answer)) or not hits:
                continue
            if re.search(pat[a], t) and re.search(pat[b], t) and max(hits) - min(hits) <= 6:
                continue  # a list ("Q、K、V"): swapping changes nothing
            other: dict[str, str] = {a: b, b: a}

            def swapped(m: re.Match[str], o: dict[str, str] = other) -> str:
                return o[m.group(0)]

            return re.sub(f"{pat[a]}|{pat[b]}", swapped, t)
        return t

    ops = {"antonym": antonym, "negation": negate, "number": number, "entity-swap": swap}
    for name in rng.sample(sorted(ops), len(ops)):
        new = ops[name](text)
        if new != text:
            return new, name
    return text, ""


class _Gen:
    def __init__(self, pool: list[tuple], rng: random.Random) -> None:
        self.pool, self.rng = pool, rng

    def terms(self, question: str) -> list[str]:
        quoted = re.findall(r"[“\"]([^”\"]{2,20})[”\"]", question)
        return (quoted + _salient(question, 3))[:3] or [question[:12]]

    def make(self, family: str, q: str, pts: list[str], topics: list[str]) -> tuple[str, float, str] | None:
        if family == "drop-k":
            return self.drop_k(q, pts, 0 if self.rng.random() < 0.06 else None)
        if family == "other-item":
            return self.other(q, pts, topics)
        if family == "non-answer":
            return self.non_answer(q)
        return {"wrong": self.wrong, "padded": self.padded, "keyword-list": self.keywords,
                "injection": self.injection}[family](q, pts)

    def drop_k(self, q: str, pts: list[str], k: int | None = None) -> tuple[str, float, str]:
        rng, n = self.rng, len(pts)
        k = rng.randint(1, n) if k is None else k
        if k == 0:
            if rng.random() < 0.6:
                return rng.choice(T.OPENERS_WITH_TERM).format(term=rng.choice(self.terms(q))), 0.5, "k=0 带题目术语的开场白"
            return rng.choice(T.OPENERS_PLAIN), 0.0, "k=0 空泛开场白"
        keep = sorted(rng.sample(range(n), k))
        parts = [rewrite(pts[i], rng) for i in keep]
        if rng.random() < 0.5:
            rng.shuffle(parts)
        w = _weights(pts)
        share = sum(w[i] for i in keep) / sum(w)
        heavy = sum(map(len, parts)) < 0.6 * sum(len(pts[i]) for i in keep)
        score = round(10 * share * (0.9 if heavy else 1.0), 1)
        return _join(parts, rng), score, f"保留 {k}/{n} 个要点（加权覆盖 {share:.2f}{'，大幅删减×0.9' if heavy else ''}）"

    def wrong(self, q: str, pts: list[str]) -> tuple[str, float, str] | None:
        rng, n, w = self.rng, len(pts), _weights(pts)
        keep = sorted(rng.sample(range(n), n if n <= 2 or rng.random() < 0.6 else n - 1))
        clean = {i: rewrite(pts[i], rng, trim=False) for i in keep}
        answer, half = "".join(clean.values()), rng.random() < 0.4
        order = rng.sample(keep, len(keep))
        target = order[: max(1, len(order) // 2)] if half else order
        done: dict[int, str] = {}
        ops: list[str] = []
        for i in target:
            new, op = _corrupt(clean[i], rng, answer)
            if op:
                done[i] = new
                ops.append(op)
        if not done:
            return None
        intact = [i for i in keep if i not in done]
        while intact and sum(w[i] for i in intact) / sum(w) > 0.5:
            intact.pop()
        used = [i for i in keep if i in done or i in intact]
        share = sum(w[i] for i in intact) / sum(w)
        text = _join([done.get(i, clean[i]) for i in used], rng)
        return text, round(1 + 5 * min(0.5, share), 1), \
            f"{len(done)}/{len(used)} 个要点被改错（{'、'.join(sorted(set(ops)))}），完好要点占 {share:.2f}"

    def other(self, q: str, pts: list[str], topics: list[str]) -> tuple[str, float, str] | None:
        mine = set(_bigrams("".join(pts)))
        cands = [o for o in self.pool if o[1] != q and not set(o[3]) & set(topics)
                 and _jaccard(mine, set(_bigrams("".join(o[2])))) < 0.1]
        if not cands:
            return None
        _, oq, opts, _, _ = self.rng.choice(cands)
        picked = self.rng.sample(opts, min(len(opts), self.rng.randint(2, 4)))
        return _join([rewrite(p, self.rng) for p in picked], self.rng), 0.0, f"另一道题（{oq[:30]}）的参考答案，答非所问"

    def padded(self, q: str, pts: list[str]) -> tuple[str, float, str]:
        rng, terms = self.rng, self.terms(q)
        table = T.FILLERS_EN if rng.random() < 0.25 else T.FILLERS_ZH
        lines = [s.format(term=rng.choice(terms)) for s in rng.sample(table, rng.randint(3, 5))]
        if rng.random() < 0.5:
            return "".join(lines) if table is T.FILLERS_ZH else " ".join(lines), 1.0, "只有套话和题目术语，没有要点"
        i, w = rng.randrange(len(pts)), _weights(pts)
        clauses = [c for c in _CLAUSE.split(rewrite(pts[i], rng, trim=False)) if c]
        lines.insert(rng.randrange(1, len(lines)), _end("".join(clauses[:2])))
        share = w[i] / sum(w)
        return " ".join(lines), round(min(3.0, 2 + 2.5 * share), 1), f"套话中只夹带 1 个要点（占 {share:.2f}）"

    def keywords(self, q: str, pts: list[str]) -> tuple[str, float, str] | None:
        rng, w = self.rng, _weights(pts)
        chosen = sorted(rng.sample(range(len(pts)), rng.randint(max(1, len(pts) // 2), len(pts))))
        words: list[str] = []
        for i in chosen:
            words += [t for t in _salient(pts[i], 4) if t not in words][: rng.randint(1, 3)]
        if len(words) < 2:
            return None
        share = sum(w[i] for i in chosen) / sum(w)
        sep = rng.choice(("，", "、", ", "))
        return sep.join(words), round(2 + 1.5 * share, 1), f"只罗列 {len(chosen)} 个要点的关键词，没有解释"

    def injection(self, q: str, pts: list[str]) -> tuple[str, float, str]:
        text, score, why = self.drop_k(q, pts)
        attack, where = self.rng.choice(T.INJECTIONS), self.rng.randrange(3)
        if where == 1 and "。" in text[:-1]:
            cut = text.index("。") + 1
            text = text[:cut] + attack + text[cut:]
        else:
            sep = self.rng.choice(("", " ", "\n"))
            text = attack + sep + text if where == 0 else text + sep + attack
        return text, score, f"{why}；插入对评分者的指令，不加分"

    def non_answer(self, q: str) -> tuple[str, float, str]:
        return self.rng.choice(T.NON_ANSWERS).format(term=self.rng.choice(self.terms(q))), 0.0, "没有作答"


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, len(a | b))


def generate(items: list[Any], seed: int = 0, per_item: int = 8, split: Path = SPLIT) -> list[dict]:
    """Labelled synthetic variants for every eligible item (see the module docstring for the rules)."""
    blocked = blocked_questions(split)
    pool = [f for f in map(_fields, items)
            if normalise_question(f[1]) not in blocked and "no_answer" not in f[4] and len(f[2]) >= 2]
    pool.sort(key=lambda f: (f[1], f[0]))
    rng = random.Random(seed)
    gen, made, out = _Gen(pool, rng), Counter[str](), []
    for n_done, (item_id, q, pts, topics, _) in enumerate(pool, start=1):
        seen: set[str] = set()
        for family, share in MIX.items():
            want = round(share * per_item * n_done) - made[family]
            for _ in range(3 * max(0, want)):
                if want <= 0:
                    break
                res = gen.make(family, q, pts, topics)
                if res is None or (res[0] in seen and family != "non-answer"):
                    continue
                seen.add(res[0])
                made[family], want = made[family] + 1, want - 1
                out.append({"id": f"syn-{item_id}-{family}-{made[family]}", "question": q, "answer": res[0],
                            "score": res[1], "kind": family, "rationale": f"合成（{family}）：{res[2]}",
                            "source": "synthetic"})
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "evals" / "training" / "variants.jsonl")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-item", type=int, default=8)
    ap.add_argument("--docs", type=Path, default=ROOT / "knowledge" / "docs")
    args = ap.parse_args(argv)
    from knowledge.parsing import parse_corpus

    lines = generate(parse_corpus(args.docs).items, seed=args.seed, per_item=args.per_item)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    print(f"{len(lines)} lines -> {args.out}: {dict(Counter(x['kind'] for x in lines))}")


if __name__ == "__main__":
    main()
