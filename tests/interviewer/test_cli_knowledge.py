"""`interviewer ingest` and `interviewer search`: the JSON contracts of DESIGN.md and the error paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.cli import main


def _json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_ingest_json_ends_with_one_stats_line(cli_env: Path, capsys):
    assert main(["ingest", "--json"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    stats = json.loads(last)
    assert set(stats) == {"documents", "items", "chunks", "embedded", "seconds"}
    assert stats["documents"] == 2 and stats["items"] == 3 and stats["embedded"] == stats["chunks"]
    assert main(["ingest", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["embedded"] == 0


def test_search_json_one_line_per_query(cli_env: Path, capsys, tmp_path: Path):
    main(["ingest"])
    capsys.readouterr()
    assert main(["search", "低秩矩阵微调", "--k", "2", "--json"]) == 0
    (line,) = _json_lines(capsys.readouterr().out)
    assert line["query"] == "低秩矩阵微调"
    assert len(line["hits"]) == 2
    assert {"question", "source", "section", "text", "score"} <= set(line["hits"][0])
    assert line["hits"][0]["question"].startswith("什么是 LoRA")

    queries = tmp_path / "q.txt"
    queries.write_text("KV Cache\n\n检索增强生成\n", encoding="utf-8")
    assert main(["search", "--file", str(queries), "--json"]) == 0
    lines = _json_lines(capsys.readouterr().out)
    assert [x["query"] for x in lines] == ["KV Cache", "检索增强生成"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search"], "give a QUERY or --file"),
        (["search", "   "], "empty query"),
        (["search", "--file", "/nonexistent/q.txt"], "cannot read"),
        (["ingest", "--docs", "/nonexistent/docs"], "docs folder not found"),
    ],
)
def test_bad_input_exits_2_with_a_message(cli_env: Path, capsys, argv, message):
    main(["ingest"])
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_search_before_ingest_tells_the_user_to_ingest(cli_env: Path, capsys):
    assert main(["search", "LoRA"]) == 2
    assert "interviewer ingest" in capsys.readouterr().err


def test_search_file_with_invalid_utf8_is_refused(cli_env: Path, capsys, tmp_path: Path):
    main(["ingest"])
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"LoRA\n\xff\xfe broken\n")
    capsys.readouterr()
    assert main(["search", "--file", str(bad)]) == 2
    assert "not valid UTF-8" in capsys.readouterr().err
