"""Figures of a load run (percentiles, summary, py-spy top functions), the table and the results file."""

from __future__ import annotations

import collections
import contextlib
import json
import os
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.load_client import Stats

TARGET_P95_MS = 300.0


def pct(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0] * 1000, 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 1)


def summarise(stats: Stats, wall: float, llm_delay: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "turns": len(stats.turns), "wall_s": round(wall, 2),
        "turns_per_s": round(len(stats.turns) / wall, 2) if wall else None,
        "turn_ms": {"p50": pct(stats.turns, 50), "p95": pct(stats.turns, 95), "p99": pct(stats.turns, 99),
                    "max": round(max(stats.turns) * 1000, 1) if stats.turns else None},
        "start_ms": {"p50": pct(stats.starts, 50), "p95": pct(stats.starts, 95)},
        "report_ms": {"p50": pct(stats.reports, 50), "p95": pct(stats.reports, 95)},
        "interviews_finished": stats.finished, "actions": dict(stats.actions), "graders": dict(stats.graders),
        "errors": len(stats.errors), "error_list": stats.errors[:20],
    }
    if not llm_delay:
        out["p95_under_target"] = (pct(stats.turns, 95) or 0) < TARGET_P95_MS
    if llm_delay:
        out["llm_calls_inferred"] = stats.llm_calls
        out["overhead_ms"] = {"p50": pct(stats.overhead, 50), "p95": pct(stats.overhead, 95),
                              "p99": pct(stats.overhead, 99),
                              "mean": round(statistics.fmean(stats.overhead) * 1000, 1) if stats.overhead else None}
    return out


def profile_top(path: Path, n: int = 15) -> list[str]:
    """Share of the server's non-idle samples (py-spy raw: `frame;frame;... count`) per function, inclusive."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        for frame in set(stack.split(";")):
            name = frame.split(" (")[0]
            where = frame[frame.find("(") + 1 : frame.rfind(")")].split("/")[-1] if "(" in frame else ""
            inclusive[f"{name} ({where.split(':')[0]})"] += int(count)
    skip = ("_bootstrap", "run (threading.py)", "worker (thread.py)", "<module>", "run (runners.py)", "_run (events.py)")
    top = [(k, v) for k, v in inclusive.most_common() if not any(s in k for s in skip)]
    return [f"{100 * v / total:5.1f}%  {k}" for k, v in top[:n]] if total else []


# -- output -----------------------------------------------------------------------------------


def table(results: list[dict[str, Any]]) -> str:
    head = (f"{'run':<34} {'turns':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'turn/s':>7} {'err':>4} {'RSS MB':>7} "
            f"{'CPU/turn':>8} {'ovh p50':>8} {'ovh p95':>8}")
    rows = [head, "-" * len(head)]
    for r in results:
        t, o = r.get("turn_ms", {}), r.get("overhead_ms", {})
        rows.append(f"{r['key']:<34} {r.get('turns', 0):>5} {t.get('p50') or '-':>7} {t.get('p95') or '-':>7} "
                    f"{t.get('p99') or '-':>7} {r.get('turns_per_s') or '-':>7} {r.get('errors', '-'):>4} "
                    f"{r.get('server_peak_rss_mb', '-'):>7} {r.get('server_cpu_ms_per_turn', '-'):>8} "
                    f"{o.get('p50') or '-':>8} {o.get('p95') or '-':>8}")
    for r in results:
        if r.get("flood_statuses"):
            rows.append(f"{r['key']}: grading flood answered " + ", ".join(
                f"{code} x{n}" for code, n in sorted(r["flood_statuses"].items())))
    rows.append("ms per POST /v1/sessions/{id}/messages; CPU/turn: server CPU ms per turn; ovh = latency - "
                f"LLM calls x delay; target: offline p95 < {TARGET_P95_MS:g} ms with 1 worker")
    return "\n".join(rows)


def save(path: Path, results: list[dict[str, Any]]) -> None:
    existing: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        existing = json.loads(path.read_text())
    runs = existing.get("runs", {}) if isinstance(existing.get("runs"), dict) else {}
    for r in results:
        runs[r["key"]] = {**r, "at": datetime.now(UTC).isoformat(timespec="seconds"),
                          "cpus": os.cpu_count(), "loadavg": [round(x, 2) for x in os.getloadavg()]}
    path.write_text(json.dumps({"runs": runs}, ensure_ascii=False, indent=1) + "\n")
