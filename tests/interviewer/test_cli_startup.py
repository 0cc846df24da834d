"""Importing the command line (parser, dispatch, every command module) stays light: each command imports the
heavy modules it needs when it runs."""

from __future__ import annotations

HEAVY = ("fastapi", "chromadb", "langchain", "langchain_core", "langchain_openai", "openai", "torch", "jieba",
         "numpy", "tqdm", "evals")


def test_importing_the_cli_loads_no_heavy_library(loaded_by) -> None:
    modules = "interviewer.cli, " + ", ".join(
        f"interviewer.commands.{name}" for name in ("common", "knowledge", "grading", "session", "progress", "serve"))
    assert loaded_by(modules, HEAVY) == []


def test_the_cli_builds_nothing_itself_at_import(loaded_by) -> None:
    assert loaded_by("interviewer.cli", ("interviewer.wiring", "knowledge.index", "knowledge.store")) == []
