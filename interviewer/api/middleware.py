"""ASGI middleware: a token bucket per client IP (429); a body guard (415 not JSON, 413 too large, 400 not
UTF-8); HEAD answered as GET without the body.

All run before FastAPI parses anything, so a refused request costs next to nothing and changes nothing.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interviewer.api.errors import error_response

MAX_CLIENTS = 10_000  # least recently seen clients are forgotten beyond this


class TokenBuckets:
    """`rate` tokens per second up to `burst`; each request takes one. Thread-safe."""

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 if allowed, else the seconds until a token is available."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        return wait


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, per_minute: float, burst: int) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute, burst) if per_minute > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.buckets is None or scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client") or ("unknown", 0)
        wait = self.buckets.take(str(client[0]))
        if wait > 0:
            retry = str(max(1, math.ceil(wait)))
            response = error_response(429, "rate_limited", f"too many requests; retry in {retry} s",
                                      headers={"Retry-After": retry})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


# A \uD800-\uDFFF escape; only then is the body parsed here to look for an unpaired surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def is_json_type(content_type: str) -> bool:
    """application/json, or any `+json` type, parameters (charset) aside."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


RAW_UPLOAD_PATH = re.compile(r"^/v1/knowledge-bases/[^/]+/documents$")
RAW_UPLOAD_TYPES = {"text/markdown", "text/plain", "text/x-markdown", "application/octet-stream"}


def _raw_upload(path: str, content_type: str, headers: dict[bytes, bytes]) -> bool:
    """A note uploaded as its own bytes: taken only with a bearer token, which a cross-site form cannot send."""
    media = content_type.split(";", 1)[0].strip().lower()
    return (media in RAW_UPLOAD_TYPES and bool(RAW_UPLOAD_PATH.match(path))
            and headers.get(b"authorization", b"").lower().startswith(b"bearer "))


class BodyGuardMiddleware:
    """Refuses a body on /v1/ that is not declared JSON (415: a cross-site form posts text/plain or form
    types without a CORS preflight, so only JSON is taken; a note uploaded as its own bytes with a bearer
    token is the one exception), buffers bodies up to `max_bytes` (413 beyond),
    refuses bytes that are not UTF-8 (400). A POST without a body and without a content type (`POST
    /v1/sessions` with every default) passes."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"POST", "PUT", "PATCH"}:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        declared = headers.get(b"content-length", b"").decode("latin-1").strip()
        has_body = not declared.isdigit() or int(declared) > 0  # chunked bodies declare no length
        raw = _raw_upload(scope["path"], content_type, headers)
        if (scope["path"].startswith("/v1/") and (content_type or has_body) and not is_json_type(content_type)
                and not raw):
            shown = content_type.split(";", 1)[0].strip() or "none"
            await error_response(415, "unsupported_media_type",
                                 f"request bodies must be JSON: send Content-Type: application/json "
                                 f"(got {shown})")(scope, receive, send)
            return
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
        problem = None if raw else self._encoding_problem(bytes(body))  # an upload's encoding: checked by the route
        if problem:
            await error_response(400, "invalid_utf8", problem)(scope, receive, send)
            return
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, "body_too_large", f"request body over {self.max_bytes} bytes",
                                  headers={"Connection": "close"})
        await response(scope, receive, send)

    @staticmethod
    def _encoding_problem(body: bytes) -> str | None:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"the request body is not valid UTF-8 (byte offset {exc.start})"
        if _SURROGATE_ESCAPE.search(body):
            try:
                parsed = json.loads(body)
            except ValueError:
                return None  # malformed JSON: FastAPI says so
            if _has_lone_surrogate(parsed):
                return "the request body contains an unpaired UTF-16 surrogate escape (not valid Unicode)"
        return None


class HeadAsGetMiddleware:
    """HEAD wherever GET works: routed as GET, answered with its status and headers and no body (RFC 9110
    9.3.2). Monitors and link checkers probe with HEAD; FastAPI routes would answer 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # the disconnect, when it comes

    return replay
