"""The paper projection is reproducible from the committed bench results: every step printed, arithmetic sane."""

from __future__ import annotations

import pytest

from bench.projection import main, measured


def test_projection_from_the_committed_results(capsys: pytest.CaptureFixture[str]) -> None:
    inputs = {name: value for name, (value, _) in measured().items()}
    assert main(["--scale", "1000", "--candidates", "10000", "--answer-every", "60"]) == 0
    text = capsys.readouterr().out
    chunks = inputs["syn_chunks"] * 10
    assert f"**{chunks:,.0f} / " in text  # 10x the measured synthetic 100x corpus
    assert f"{10_000 / 60:,.0f}" in text and "Assumptions:" in text
    for name in inputs:  # every input is listed with its source
        assert f"`{name}`" in text


def test_projection_at_the_measured_scale_reproduces_the_measurement(capsys: pytest.CaptureFixture[str]) -> None:
    inputs = {name: value for name, (value, _) in measured().items()}
    main(["--scale", "100"])
    text = capsys.readouterr().out
    assert f"**{inputs['chroma_ms_syn']:.0f} ms**" in text  # the power law passes through its own point
