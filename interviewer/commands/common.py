"""What every command shares: the usage exit code, one-line JSON output, the start-up mode line."""

from __future__ import annotations

import json

from interviewer.settings import Settings

EXIT_USAGE = 2


def print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def mode_banner(settings: Settings) -> str:
    if settings.llm_enabled:
        return f"LLM mode: {settings.llm_model} at {settings.openai_base_url or 'api.openai.com'}"
    return "Embedded default (no OPENAI_API_KEY): offline interviewer and coverage grader."
