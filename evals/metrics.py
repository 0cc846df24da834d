"""Agreement metrics between predicted and human scores, in numpy.

Not scipy.stats / sklearn.metrics: `interviewer eval` runs on the runtime install (`make eval`), which has
neither; tests/evals/test_metrics.py holds these to scipy's and scikit-learn's numbers (to 1e-12).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

ArrayLike = Sequence[float] | np.ndarray


def _pair(x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(x, dtype=float).ravel()
    b = np.asarray(y, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(f"length mismatch: {a.size} vs {b.size}")
    return a, b


def pearson(x: ArrayLike, y: ArrayLike) -> float:
    """Pearson correlation; nan when either side is constant or there are fewer than two pairs."""
    a, b = _pair(x, y)
    if a.size < 2:
        return float("nan")
    a = a - a.mean()
    b = b - b.mean()
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denom) if denom > 0 else float("nan")


def rankdata(x: ArrayLike) -> np.ndarray:
    """Ranks from 1, ties given their average rank (as scipy.stats.rankdata)."""
    a = np.asarray(x, dtype=float).ravel()
    order = np.argsort(a, kind="mergesort")
    sorted_a = a[order]
    ranks = np.empty(a.size, dtype=float)
    starts = np.flatnonzero(np.r_[True, sorted_a[1:] != sorted_a[:-1]])
    ends = np.r_[starts[1:], a.size]
    for s, e in zip(starts, ends, strict=True):
        ranks[order[s:e]] = (s + e + 1) / 2.0
    return ranks


def spearman(x: ArrayLike, y: ArrayLike) -> float:
    """Spearman rank correlation (Pearson on tie-averaged ranks)."""
    a, b = _pair(x, y)
    return pearson(rankdata(a), rankdata(b))


def mae(x: ArrayLike, y: ArrayLike) -> float:
    a, b = _pair(x, y)
    return float(np.abs(a - b).mean()) if a.size else float("nan")


def qwk(x: ArrayLike, y: ArrayLike, low: int = 0, high: int = 10) -> float:
    """Quadratic weighted kappa on scores rounded to integers in [low, high]."""
    a, b = _pair(x, y)
    if a.size == 0:
        return float("nan")
    n = high - low + 1
    ia = np.clip(np.rint(a), low, high).astype(int) - low
    ib = np.clip(np.rint(b), low, high).astype(int) - low
    observed = np.zeros((n, n))
    np.add.at(observed, (ia, ib), 1.0)
    expected = np.outer(observed.sum(1), observed.sum(0)) / a.size
    idx = np.arange(n)
    weights = (idx[:, None] - idx[None, :]) ** 2 / (n - 1) ** 2
    denom = float((weights * expected).sum())
    return float(1.0 - (weights * observed).sum() / denom) if denom > 0 else float("nan")


def bootstrap_ci(
    metric: Callable[[np.ndarray, np.ndarray], float],
    x: ArrayLike,
    y: ArrayLike,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of metric(x, y) over resampled pairs (seeded, so reproducible)."""
    a, b = _pair(x, y)
    if a.size < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n_boot):
        idx = rng.integers(0, a.size, a.size)
        v = metric(a[idx], b[idx])
        if np.isfinite(v):
            values.append(v)
    if not values:
        return float("nan"), float("nan")
    lo, hi = np.quantile(values, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def summarize(pred: ArrayLike, human: ArrayLike) -> dict[str, float]:
    """The labelled-set metrics of DESIGN.md, in one dict."""
    a, b = _pair(pred, human)
    return {
        "pearson": pearson(a, b),
        "spearman": spearman(a, b),
        "qwk": qwk(a, b),
        "mae": mae(a, b),
        "n": int(a.size),
    }
