"""BM25 (Okapi) over jieba tokens, at item level: a sparse doc-term matrix of precomputed weights.

A query sums the matrix columns of its terms (CSC: one column is a contiguous slice), so its cost grows
with the postings of the few query terms, in numpy, rather than with a Python loop over every posting.
On disk: `bm25.json` (parameters, doc ids, vocabulary) names `bm25.npz` (the term counts, CSC). An
index written before (`bm25.json` holding JSON postings) still loads: its matrix is built in memory.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FORMAT = "bm25-csc-1"

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
    """Term counts in CSC form (`indptr`, `rows`, `tf`: the docs of term t are rows[indptr[t]:indptr[t+1]])."""

    def __init__(self, doc_ids: list[str], doc_len: np.ndarray, terms: list[str], indptr: np.ndarray,
                 rows: np.ndarray, tf: np.ndarray, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.doc_ids, self.terms = doc_ids, terms
        self.doc_len = np.asarray(doc_len, dtype=np.int64)
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.rows = np.asarray(rows, dtype=np.int32)
        self.tf = np.asarray(tf, dtype=np.int32)
        self._column = {term: col for col, term in enumerate(terms)}
        self._row = {doc_id: row for row, doc_id in enumerate(doc_ids)}
        self.weights = self._weights()

    def _weights(self) -> np.ndarray:
        """idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg_len)) for every posting, in float64."""
        n_docs = len(self.doc_ids)
        if not n_docs or not len(self.tf):
            return np.zeros(0)
        avg_len = int(self.doc_len.sum()) / n_docs or 1.0
        df = np.diff(self.indptr).astype(np.float64)
        idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        tf = self.tf.astype(np.float64)
        norm = tf + self.k1 * (1 - self.b + self.b * self.doc_len[self.rows] / avg_len)
        return np.repeat(idf, np.diff(self.indptr)) * tf * (self.k1 + 1) / norm

    @classmethod
    def build(cls, docs: dict[str, str], k1: float = 1.2, b: float = 0.75) -> BM25Index:
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        doc_len: list[int] = []
        for doc_no, text in enumerate(docs.values()):
            counts = Counter(tokenize(text))
            doc_len.append(sum(counts.values()))
            for term, tf in counts.items():
                postings[term].append((doc_no, tf))
        return cls._from_postings(list(docs), doc_len, postings, k1, b)

    @classmethod
    def _from_postings(cls, doc_ids: list[str], doc_len: list[int], postings: dict[str, list[tuple[int, int]]],
                       k1: float, b: float) -> BM25Index:
        terms = list(postings)
        indptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum([len(postings[t]) for t in terms], out=indptr[1:])
        flat = np.array([p for t in terms for p in postings[t]], dtype=np.int64).reshape(-1, 2)
        return cls(doc_ids, np.array(doc_len), terms, indptr, flat[:, 0], flat[:, 1], k1, b)

    def search(self, query: str, k: int = 50, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """The top k docs by BM25 score (ties by doc order), only among `allowed` doc ids when given."""
        cols = sorted({self._column[t] for t in tokenize(query) if t in self._column})
        if not cols or k < 1:
            return []
        scores = np.zeros(len(self.doc_ids))
        for col in cols:
            start, end = self.indptr[col], self.indptr[col + 1]
            scores[self.rows[start:end]] += self.weights[start:end]
        hits = np.flatnonzero(scores)  # every weight is > 0, so a doc any term touched scores > 0
        if allowed is not None:
            keep = np.zeros(len(self.doc_ids), dtype=bool)
            keep[[self._row[d] for d in allowed if d in self._row]] = True
            hits = hits[keep[hits]]
        if len(hits) > k:  # keep all that tie with the k-th best, so ties still break by doc order
            kth = -np.partition(-scores[hits], k - 1)[k - 1]
            hits = hits[scores[hits] >= kth]
        order = np.lexsort((hits, -scores[hits]))[:k]
        return [(self.doc_ids[d], float(scores[d])) for d in hits[order]]

    def save(self, path: Path) -> None:
        """Write `<path stem>.npz` (fsynced) and then `path`, the JSON that names it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        matrix = path.with_suffix(".npz")
        tmp = matrix.with_name(matrix.name + ".tmp")
        with tmp.open("wb") as fh:
            np.savez(fh, doc_len=self.doc_len, indptr=self.indptr, rows=self.rows, tf=self.tf)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(matrix)
        meta = {"format": FORMAT, "matrix": matrix.name, "k1": self.k1, "b": self.b,
                "doc_ids": self.doc_ids, "terms": self.terms}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if "postings" in raw:  # written before the sparse matrix: JSON postings
            log.info("%s holds JSON postings (the old format): building its sparse matrix in memory; "
                     "the next ingest stores it as .npz", path)
            postings = {t: [(int(d), int(f)) for d, f in plist] for t, plist in raw["postings"].items()}
            return cls._from_postings(raw["doc_ids"], raw["doc_len"], postings, raw["k1"], raw["b"])
        with np.load(path.with_name(raw["matrix"])) as arrays:
            return cls(raw["doc_ids"], arrays["doc_len"], raw["terms"], arrays["indptr"], arrays["rows"],
                       arrays["tf"], raw["k1"], raw["b"])
