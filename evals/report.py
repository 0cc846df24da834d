"""The eval report: one self-contained HTML page (inline CSS and SVG); the baseline comparison is baseline.py.

The page holds the run's metadata, the thresholds, per labelled set a predicted-vs-human scatter plot
and per-kind bars (human vs predicted means), the largest disagreements, the failed transcript
expectations with an excerpt of the exchange, and what got better or worse since the baseline.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from evals.evaluation import EvalResult
from evals.labelled import SetMetrics
from evals.transcripts import TranscriptResult
from knowledge.errors import InvalidInput

PALETTE = ("#1b9e77", "#66a61e", "#e6ab02", "#d95f02", "#a6761d", "#e7298a", "#7570b3", "#666666", "#1f78b4",
           "#b15928", "#6a3d9a", "#17becf", "#bcbd22", "#ff7f0e", "#8c564b")
CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;
max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;vertical-align:top}
th{background:#f5f5f5;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#0a7b32;font-weight:600}.fail{color:#b00020;font-weight:600}.badge{padding:.2rem .6rem;border-radius:4px;
color:#fff}.badge.pass{background:#0a7b32}.badge.fail{background:#b00020}.plots{display:flex;flex-wrap:wrap;gap:1rem}
.excerpt{white-space:pre-wrap;max-width:760px;font-size:13px;color:#333}.muted{color:#777}
svg text{font:11px system-ui,sans-serif;fill:#333}
"""


# ---- SVG plots ----------------------------------------------------------------------------------------


def _colors(kinds: list[str]) -> dict[str, str]:
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(kinds)}


def scatter_svg(metrics: SetMetrics, size: int = 360) -> str:
    """Predicted (y) against human (x) scores, 0-10, one dot per answer, coloured by kind."""
    pad, legend = 36, 150
    span = size - 2 * pad
    colors = _colors(list(metrics.kinds))

    def xy(h: float, p: float) -> tuple[float, float]:
        return pad + span * h / 10, size - pad - span * p / 10

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="scatter" width="{size + legend}" height="{size}" '
             f'role="img" aria-label="predicted vs human scores, {escape(metrics.name)}">',
             f'<rect x="{pad}" y="{pad}" width="{span}" height="{span}" fill="#fafafa" stroke="#ccc"/>']
    for v in range(0, 11, 2):
        x, y = xy(v, v)
        parts.append(f'<text x="{x:.1f}" y="{size - pad + 14}" text-anchor="middle">{v}</text>'
                     f'<text x="{pad - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    x0, y0 = xy(0, 0)
    x1, y1 = xy(10, 10)
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#999" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{pad + span / 2}" y="{size - 4}" text-anchor="middle">human</text>'
                 f'<text x="10" y="{pad + span / 2}" transform="rotate(-90 10 {pad + span / 2})" '
                 f'text-anchor="middle">predicted</text>')
    for n, p in enumerate(metrics.predictions):
        jitter = ((n * 7919) % 11 - 5) * 0.03  # deterministic, keeps equal human scores apart
        x, y = xy(min(10.0, max(0.0, p.human + jitter)), p.predicted)
        title = escape(f"{p.id} ({p.kind}): human {p.human:g}, predicted {p.predicted:g}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colors.get(p.kind or "(none)", "#333")}" '
                     f'fill-opacity="0.75"><title>{title}</title></circle>')
    for i, (kind, color) in enumerate(colors.items()):
        ly = pad + 14 * i
        parts.append(f'<rect x="{size + 4}" y="{ly}" width="9" height="9" fill="{color}"/>'
                     f'<text x="{size + 17}" y="{ly + 9}">{escape(kind)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def kind_bars_svg(metrics: SetMetrics, height: int = 260) -> str:
    """Human vs predicted mean score per kind, side by side."""
    kinds = list(metrics.kinds.items())
    pad, group = 36, 64
    width = pad * 2 + group * max(1, len(kinds))
    span = height - 2 * pad - 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" width="{width}" height="{height}" role="img" '
             f'aria-label="mean score per kind, {escape(metrics.name)}">']
    for v in range(0, 11, 5):
        y = pad + span * (1 - v / 10)
        parts.append(f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" stroke="#eee"/>'
                     f'<text x="{pad - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    for i, (kind, means) in enumerate(kinds):
        x = pad + group * i + 8
        for j, (value, color, label) in enumerate(((means.human, "#4c78a8", "human"),
                                                    (means.predicted, "#f58518", "predicted"))):
            h = span * value / 10
            parts.append(f'<rect x="{x + j * 22}" y="{pad + span - h:.1f}" width="20" height="{h:.1f}" '
                         f'fill="{color}"><title>{escape(kind)} {label} {value:.2f} (n={means.n})</title></rect>')
        parts.append(f'<text x="{x + 21}" y="{pad + span + 14}" text-anchor="end" '
                     f'transform="rotate(-35 {x + 21} {pad + span + 14})">{escape(kind)}</text>')
    parts.append(f'<rect x="{width - 150}" y="6" width="9" height="9" fill="#4c78a8"/>'
                 f'<text x="{width - 137}" y="15">human</text>'
                 f'<rect x="{width - 85}" y="6" width="9" height="9" fill="#f58518"/>'
                 f'<text x="{width - 72}" y="15">predicted</text></svg>')
    return "".join(parts)


# ---- HTML ---------------------------------------------------------------------------------------------


def _num(value: Any, digits: int = 3) -> str:
    return "—" if value is None else escape(f"{value:.{digits}f}" if isinstance(value, float) else str(value))


def _table(headers: list[str] | None, rows: list[list[str]]) -> str:
    head = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr>" if headers else ""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{head}{body}</table>"


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _labelled_section(s: SetMetrics) -> str:
    metric_rows = [[escape(m), f'<span class="num">{_num(getattr(s, m))}</span>',
                    f"[{_num(s.ci.get(m, (None, None))[0], 2)}, {_num(s.ci.get(m, (None, None))[1], 2)}]"]
                   for m in ("spearman", "pearson", "qwk", "mae")]
    kind_rows = [[escape(k), str(v.n), _num(v.human, 2), _num(v.predicted, 2)] for k, v in s.kinds.items()]
    worst = sorted(s.predictions, key=lambda p: -abs(p.predicted - p.human))[:10]
    worst_rows = [[escape(p.id), escape(p.kind), _num(p.human, 1), _num(p.predicted, 1),
                   f'<div class="excerpt">{escape(_clip(p.answer))}</div>'] for p in worst]
    where = f", {s.path}" if s.path else ", every labelled set pooled"
    return (f"<h2>Labelled set: {escape(s.name)} <span class='muted'>({s.n} answers{escape(where)})</span></h2>"
            f'<div class="plots">{scatter_svg(s)}{kind_bars_svg(s)}</div>'
            + _table(["metric", "value", "95% CI"], metric_rows)
            + _table(["kind", "n", "human mean", "predicted mean"], kind_rows)
            + "<h3>Largest disagreements</h3>"
            + _table(["id", "kind", "human", "predicted", "answer"], worst_rows))


def _transcript_section(results: list[TranscriptResult]) -> str:
    rows = [[escape(t.id), f'<span class="{"pass" if t.passed else "fail"}">{"pass" if t.passed else "FAIL"}</span>',
             f"{t.expectations_passed}/{t.expectations_total}", _num(t.report_score, 1), escape(t.description)]
            for t in results]
    html = "<h2>Transcripts</h2>" + _table(["id", "result", "expectations", "report score", "description"], rows)
    failed = [t for t in results if not t.passed]
    if failed:
        html += "<h3>Failed expectations</h3>"
    for t in failed:
        items = []
        for c in t.failures:
            turn = next((p for p in t.turns if p.question == c.question and p.turn == c.turn), None)
            asked = t.questions[c.question - 1] if 0 < c.question <= len(t.questions) else ""
            excerpt = (f"Q: {_clip(asked, 120)}\nCandidate: {_clip(turn.candidate, 300)}\n"
                       f"Interviewer ({turn.action}): {_clip(turn.message, 300)}") if turn else ""
            items.append([escape(c.describe()), f'<div class="excerpt">{escape(excerpt)}</div>'])
        html += f"<h4>{escape(t.id)} <span class='muted'>{escape(t.path)}</span></h4>"
        html += _table(["expectation", "excerpt"], items)
    return html


def _baseline_section(comparison: dict[str, Any]) -> str:
    def cls(change: str) -> str:
        return {"better": "pass", "fixed": "pass", "worse": "fail", "broken": "fail"}.get(change, "muted")

    rows = [[escape(r["scope"]), escape(r["metric"]), _num(r["baseline"]), _num(r["current"]), _num(r["delta"]),
             f'<span class="{cls(r["change"])}">{escape(r["change"])}</span>'] for r in comparison["metrics"]]
    html = (f"<h2>Compared with the baseline</h2><p>{escape(comparison['headline'])}</p>"
            + _table(["scope", "metric", "baseline", "current", "delta", "change"], rows))
    if comparison["transcripts"]:
        html += _table(["transcript", "change", "failures now"],
                       [[escape(t["id"]), f'<span class="{cls(t["change"])}">{escape(t["change"])}</span>',
                         escape("; ".join(t["failures"]))] for t in comparison["transcripts"]])
    if comparison["answers"]:
        html += _table(["set", "answer", "baseline", "current"],
                       [[escape(a["set"]), escape(a["id"]), _num(a["baseline"], 1), _num(a["current"], 1)]
                        for a in comparison["answers"]])
    return html


def render_html(result: EvalResult) -> str:
    meta_rows = [[escape(k), escape(json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else str(v))]
                 for k, v in result.metadata.items()]
    th_rows = [[escape(c.name), _num(c.value), f'<span class="{"pass" if c.passed else "fail"}">'
                f'{"ok" if c.passed else "below"}</span>'] for c in result.thresholds]
    badge = '<span class="badge pass">PASSED</span>' if result.passed else '<span class="badge fail">BELOW THRESHOLDS</span>'
    body = [f"<h1>Interviewer eval report {badge}</h1>", "<h2>Run</h2>", _table(None, meta_rows)]
    if th_rows:
        body += ["<h2>Thresholds</h2>", _table(["threshold", "value", "result"], th_rows)]
    if result.overall is not None and len(result.labelled) > 1:
        body.append(_labelled_section(result.overall))
    body += [_labelled_section(s) for s in result.labelled]
    if result.transcripts:
        body.append(_transcript_section(result.transcripts))
    if result.baseline:
        body.append(_baseline_section(result.baseline))
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Interviewer eval report</title>"
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>")


def write_report(result: EvalResult, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_html(result), encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot write the report to {path}: {exc.strerror or exc}") from None
