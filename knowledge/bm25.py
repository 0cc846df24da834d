"""BM25 (Okapi) over jieba tokens, at item level, with a small JSON-persisted inverted index."""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

_LATIN = re.compile(r"[a-z0-9]+(?:[.\-+][a-z0-9]+)*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_STOP = frozenset(["的", "了", "是", "在", "和", "与", "及", "或", "吗", "呢", "什么", "如何", "怎么", "为什么", "哪些", "一个", "有", "中", "对", "将", "把", "被", "这", "那", "请", "谈谈", "the", "a", "an", "of", "to", "is", "are", "and", "or", "in", "on", "for", "what", "how", "why"])


def tokenize(text: str) -> list[str]:
    """jieba search-mode words for Chinese, lower-cased words for Latin script; stop words dropped."""
    import jieba  # lazy: its dictionary takes ~0.5 s to load

    jieba.setLogLevel(logging.WARNING)
    lowered = text.lower()
    tokens = [t for t in _LATIN.findall(lowered) if t not in _STOP]
    cjk_only = _LATIN.sub(" ", lowered)
    for word in jieba.cut_for_search(cjk_only):
        word = word.strip()
        if word and _CJK.search(word) and word not in _STOP:
            tokens.append(word)
    return tokens


class BM25Index:
    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.doc_ids: list[str] = []
        self.doc_len: list[int] = []
        self.postings: dict[str, list[tuple[int, int]]] = {}
        self._avg_len: float | None = None

    @classmethod
    def build(cls, docs: dict[str, str]) -> BM25Index:
        index = cls()
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for doc_no, (doc_id, text) in enumerate(docs.items()):
            counts = Counter(tokenize(text))
            index.doc_ids.append(doc_id)
            index.doc_len.append(sum(counts.values()))
            for term, tf in counts.items():
                postings[term].append((doc_no, tf))
        index.postings = dict(postings)
        return index

    def search(self, query: str, k: int = 50, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        n_docs = len(self.doc_ids)
        if not n_docs:
            return []
        if self._avg_len is None:  # computed once per loaded index, not per query
            self._avg_len = sum(self.doc_len) / n_docs or 1.0
        avg_len = self._avg_len
        scores: dict[int, float] = defaultdict(float)
        for term in set(tokenize(query)):
            plist = self.postings.get(term)
            if not plist:
                continue
            idf = math.log(1 + (n_docs - len(plist) + 0.5) / (len(plist) + 0.5))
            for doc_no, tf in plist:
                norm = tf + self.k1 * (1 - self.b + self.b * self.doc_len[doc_no] / avg_len)
                scores[doc_no] += idf * tf * (self.k1 + 1) / norm
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        out = [(self.doc_ids[d], s) for d, s in ranked if allowed is None or self.doc_ids[d] in allowed]
        return out[:k]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        payload = {"k1": self.k1, "b": self.b, "doc_ids": self.doc_ids, "doc_len": self.doc_len,
                   "postings": self.postings}
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        raw = json.loads(path.read_text(encoding="utf-8"))
        index = cls(raw["k1"], raw["b"])
        index.doc_ids, index.doc_len = raw["doc_ids"], raw["doc_len"]
        index.postings = {t: [(int(d), int(f)) for d, f in plist] for t, plist in raw["postings"].items()}
        return index
