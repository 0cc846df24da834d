"""`interviewer chat --report-md PATH`: the terminal chat writes its final report as Markdown."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from interviewer.cli import main
from tests.fakes.interview import FULL_ANSWERS
from tests.interviewer.test_cli_progress import cli_env  # noqa: F401 (fixture)


def _chat(monkeypatch: pytest.MonkeyPatch, lines: list[str], *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n\n" for line in lines)))
    return main(["chat", "--questions", "3", *args])


@pytest.mark.parametrize("record", [True, False])
def test_chat_writes_the_markdown_report(cli_env: Path, monkeypatch, capsys, tmp_path: Path,  # noqa: F811
                                         record: bool) -> None:
    out = tmp_path / "report.md"
    args = ["--report-md", str(out)] + ([] if record else ["--no-record"])
    assert _chat(monkeypatch, [FULL_ANSWERS["lora"], "不知道", "结束面试"], *args) == 0
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# 面试报告\n") and "- 模式：练习" in md and "## 逐题回顾" in md
    printed = capsys.readouterr()
    assert "总分" in printed.out and str(out) in printed.err


def test_an_english_chat_writes_an_english_report(cli_env: Path, monkeypatch, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "en.md"
    assert _chat(monkeypatch, ["skip", "end"], "--language", "en", "--report-md", str(out), "--no-record") == 0
    assert out.read_text(encoding="utf-8").startswith("# Interview report\n")


def test_a_bad_path_is_refused_before_the_interview(cli_env: Path, monkeypatch, capsys, tmp_path: Path) -> None:  # noqa: F811
    assert _chat(monkeypatch, [], "--report-md", str(tmp_path / "missing" / "r.md")) == 2
    assert _chat(monkeypatch, [], "--report-md", str(tmp_path)) == 2
    err = capsys.readouterr()
    assert "does not exist" in err.err and "a folder" in err.err and "面试" not in err.out
