"""Settings of the HTTP service, as a mixin for `interviewer.settings.Settings` (env prefix INTERVIEWER_).

Until the mixin is part of Settings, `api_setting(settings, name)` reads a field with its default here,
so the API works with any Settings object.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ApiSettings(BaseModel):
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


_DEFAULTS = ApiSettings()


def api_setting(settings: object, name: str) -> Any:
    return getattr(settings, name, getattr(_DEFAULTS, name))
