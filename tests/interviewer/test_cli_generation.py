"""`interviewer search --json` and the API helper name the live index generation of a real index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.api.deps import live_generation
from interviewer.cli import main
from interviewer.settings import Settings
from interviewer.wiring import build_index


def test_search_json_names_the_live_generation(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest"]) == 0
    capsys.readouterr()
    assert main(["search", "低秩矩阵微调", "--k", "1", "--json"]) == 0
    (line,) = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    index = build_index(Settings())
    live = (index.index_dir / "current").read_text(encoding="utf-8").strip()
    assert line["generation"]["id"] == live and line["generation"]["items"] == 3
    assert live_generation(index) == line["generation"]
