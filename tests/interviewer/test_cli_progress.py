"""`interviewer chat` recorded as the terminal's candidate, `chat --review` and `interviewer progress`."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest

from interviewer.cli import main
from interviewer.session.interview import Interview
from tests.fakes.interview import FULL_ANSWERS, KeywordGrader, make_bank


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(data))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("INTERVIEWER_DATABASE_URL", raising=False)
    bank = make_bank()
    monkeypatch.setattr("interviewer.wiring.build_app",
                        lambda settings, **_: SimpleNamespace(interview=Interview(bank, KeywordGrader())))
    monkeypatch.setattr("interviewer.wiring.ready_index", lambda settings, **_: SimpleNamespace(bank=bank))
    return data


def chat(monkeypatch: pytest.MonkeyPatch, capsys, lines: list[str], *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n\n" for line in lines)))
    assert main(["chat", "--questions", "3", *args]) == 0
    return capsys.readouterr().out


def test_progress_before_any_chat_says_how_to_start(cli_env: Path, capsys) -> None:
    assert main(["progress"]) == 0
    assert "interviewer chat" in capsys.readouterr().out
    assert not (cli_env / "candidate.json").exists()


def test_a_recorded_chat_then_progress_then_a_review_chat(cli_env: Path, monkeypatch, capsys) -> None:
    chat(monkeypatch, capsys, ["不知道", "不知道", "不知道"])
    token_file = cli_env / "candidate.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600 and json.loads(token_file.read_text())["token"]

    assert main(["progress", "--json"]) == 0
    progress = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert progress["attempts"] == 3 and {i["latest_score"] for i in progress["items"]} == {0.0}
    assert progress["reviews_due"] == []  # due tomorrow

    assert main(["progress"]) == 0
    text = capsys.readouterr().out
    assert "1 sessions, 3 answers on 3 questions" in text and "missed:" in text

    monkeypatch.setattr("time.time", lambda: 1e10)  # far in the future: all three are due
    out = chat(monkeypatch, capsys, [FULL_ANSWERS["kv"], FULL_ANSWERS["lora"], FULL_ANSWERS["rag"]], "--review")
    assert "什么是" in out
    assert main(["progress", "--json"]) == 0
    progress = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert progress["sessions"] == 2 and progress["attempts"] == 6


def test_no_record_leaves_no_trace_and_review_needs_recording(cli_env: Path, monkeypatch, capsys) -> None:
    chat(monkeypatch, capsys, ["不知道"] * 3, "--no-record")
    assert not (cli_env / "candidate.json").exists()
    assert main(["chat", "--review", "--no-record"]) == 2
    assert "--no-record" in capsys.readouterr().err


def test_a_broken_candidate_file_is_a_clear_error(cli_env: Path, capsys) -> None:
    cli_env.mkdir(parents=True)
    (cli_env / "candidate.json").write_text("{not json")
    assert main(["progress"]) == 2
    assert "candidate.json is not a candidate file" in capsys.readouterr().err
