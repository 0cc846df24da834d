"""Fixtures shared by the interviewer tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, small_docs: Path) -> Path:
    """The CLI on a fresh data dir over the small two-file corpus, offline (no API key)."""
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INTERVIEWER_DOCS_DIR", str(small_docs))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return small_docs
