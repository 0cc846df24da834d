"""Measuring helpers of the bench scenarios: peak/current RSS, percentiles, folder sizes, a timed store."""

from __future__ import annotations

import resource
import statistics
import time
from pathlib import Path
from typing import Any


def peak_rss_mib() -> float:
    """Peak resident set of this process so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def current_rss_mib() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def percentiles(samples_ms: list[float]) -> dict[str, float | int]:
    """p50/p95/p99 by linear interpolation between closest ranks, plus mean and count."""
    if not samples_ms:
        return {"n": 0}
    xs = sorted(samples_ms)

    def pct(p: float) -> float:
        pos = (len(xs) - 1) * p / 100
        lo = int(pos)
        hi = min(lo + 1, len(xs) - 1)
        return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)

    return {"n": len(xs), "p50": round(pct(50), 2), "p95": round(pct(95), 2), "p99": round(pct(99), 2),
            "mean": round(statistics.fmean(xs), 2), "max": round(xs[-1], 2)}


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


class TimedStore:
    """Delegates to the real vector store and adds up the time spent in add() and query()."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.add_seconds = 0.0
        self.query_ms: list[float] = []

    def add(self, chunks: Any, vectors: Any) -> None:
        started = time.perf_counter()
        self._inner.add(chunks, vectors)
        self.add_seconds += time.perf_counter() - started

    def query(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._inner.query(*args, **kwargs)
        finally:
            self.query_ms.append((time.perf_counter() - started) * 1000)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
