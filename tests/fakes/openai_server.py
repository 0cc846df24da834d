"""An OpenAI-compatible fake server on loopback, replying from a script.

Tests queue actions, point the real `openai`/LangChain client at `server.base_url`, and read back
every request body from `server.requests`:

    server.push(reply('{"score": 7}'), status(429, retry_after=0), delay(1.0, reply("late")))
    ...
    server.requests[0]["messages"]

When the queue is empty the server answers `server.default` (a `reply` action: "record" mode).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Action:
    """One scripted answer: HTTP status, body (dict -> JSON, str -> raw), headers, delay before it."""

    status: int = 200
    content: str | None = None  # the assistant message text, for status 200
    body: dict[str, Any] | str | None = None  # overrides the generated body
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    message: dict[str, Any] | None = None  # extra assistant-message fields (reasoning_content, refusal…)
    finish_reason: str = "stop"


def reply(text: str | None, *, finish_reason: str = "stop", **message: Any) -> Action:
    """A normal chat completion whose assistant message is `text` (None: JSON null), plus any extra
    message fields as real servers send them: `reasoning_content=` (DeepSeek, vLLM), `reasoning=`
    (Ollama, newer vLLM), `refusal=` (OpenAI), `tool_calls=`."""
    if text is None:
        message = {"content": None, **message}
    return Action(content=text, message=message or None, finish_reason=finish_reason)


def tool_call(arguments: dict[str, Any] | str, name: str = "submit") -> Action:
    """A completion that calls tool `name` with `arguments` (a dict, or raw text as a model wrote it)."""
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    call = {"id": "call_fake", "type": "function", "function": {"name": name, "arguments": raw}}
    return reply(None, finish_reason="tool_calls", tool_calls=[call])


def error_body_200(body: dict[str, Any]) -> Action:
    """HTTP 200 whose body is an error, as some proxies and providers send (one-api, DashScope)."""
    return Action(status=200, body=body)


def status(code: int, *, retry_after: float | None = None, message: str = "scripted error") -> Action:
    """An error status with an OpenAI-style error body (and `Retry-After` if given)."""
    headers = {"Retry-After": _format_seconds(retry_after)} if retry_after is not None else {}
    body = {"error": {"message": message, "type": "scripted", "param": None, "code": str(code)}}
    return Action(status=code, body=body, headers=headers)


def delay(seconds: float, then: Action | None = None) -> Action:
    """Wait `seconds` (to trigger client timeouts), then answer `then` (default: an empty reply)."""
    base = then or reply("")
    return Action(
        base.status, base.content, base.body, dict(base.headers), seconds, base.message, base.finish_reason
    )


def invalid_json_reply(text: str = "Sure! Here is my grade: score=7, good answer {not json") -> Action:
    """A well-formed completion whose content is not valid JSON."""
    return reply(text)


def broken_body() -> Action:
    """A 200 whose HTTP body is not JSON at all (a misbehaving proxy)."""
    return Action(body="<html>bad gateway</html>")


def _format_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def completion_body(
    content: str | None, model: str, message: dict[str, Any] | None = None, finish_reason: str = "stop"
) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-fake-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, **(message or {})},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins every handler thread

    def __init__(self, fake: FakeOpenAIServer) -> None:
        self.fake = fake
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake handler threads parked on idle keep-alive connections, so close() can join them."""
        with self.connections_lock:
            open_now = list(self.connections)
        for conn in open_now:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle + delayed ACK add ~40 ms each.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output clean

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            model = self.server.fake.model
            self._send_json(
                200, {"object": "list", "data": [{"id": model, "object": "model", "owned_by": "fake"}]}
            )
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        try:
            request = json.loads(raw)
        except ValueError:
            self._send_json(
                400, {"error": {"message": "request body is not JSON", "type": "invalid_request"}}
            )
            return
        fake = self.server.fake
        action = fake._record(request, {k.lower(): v for k, v in self.headers.items()})
        refusal = fake._refuses(request)
        if refusal is not None:
            self._send_json(400, refusal)
            return
        if action.delay and fake._stopping.wait(action.delay):
            return  # shutting down: drop the request
        if action.body is not None:
            body = action.body
        elif request.get("stream"):
            self._send_stream(action.content or "", request.get("model", fake.model))
            return
        else:
            model = request.get("model", fake.model)
            body = completion_body(action.content or "", model, action.message, action.finish_reason)
        self._send_json(action.status, body, action.headers)

    def _send_json(
        self, code: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None
    ) -> None:
        data = (body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): nothing to tell it

    def _send_stream(self, content: str, model: str) -> None:
        chunk = completion_body("", model)
        chunk["object"] = "chat.completion.chunk"
        events = []
        for piece, finish in ((content, None), ("", "stop")):
            chunk["choices"] = [{"index": 0, "delta": {"content": piece}, "finish_reason": finish}]
            events.append(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n")
        events.append("data: [DONE]\n\n")
        data = "".join(events).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


class FakeOpenAIServer:
    """Start with `start()` (or as a context manager); `stop()` shuts it down and joins its threads."""

    def __init__(self, *, model: str = "fake-model", default: Action | None = None) -> None:
        self.model = model
        self.default = default or reply('{"note": "fake server default reply"}')
        self.requests: list[dict[str, Any]] = []
        self.request_headers: list[dict[str, str]] = []
        # Parameters this server answers 400 to, like a real one would: {"json_object": error body}.
        # Keys: a response_format type ("json_object", "json_schema"), "tools" or "temperature".
        # A refused request does not consume a scripted action.
        self.refuse: dict[str, dict[str, Any]] = {}
        self._queue: deque[Action] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def push(self, *actions: Action) -> None:
        with self._lock:
            self._queue.extend(actions)

    def script(self, actions: Iterable[Action]) -> None:
        """Replace the queue."""
        with self._lock:
            self._queue = deque(actions)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.request_headers.clear()

    def _record(self, request: dict[str, Any], headers: dict[str, str]) -> Action:
        with self._lock:
            self.requests.append(request)
            self.request_headers.append(headers)
            if self._refuses(request) is not None:
                return self.default
            return self._queue.popleft() if self._queue else self.default

    def _refuses(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """The 400 body for a parameter this server refuses, if the request carries one."""
        keys = []
        if isinstance(request.get("response_format"), dict):
            keys.append(str(request["response_format"].get("type")))
        if request.get("tools"):
            keys.append("tools")
        if "temperature" in request:
            keys.append("temperature")
        return next((self.refuse[k] for k in keys if k in self.refuse), None)

    def start(self) -> FakeOpenAIServer:
        self._stopping.clear()
        self._server = _Server(self)
        # A short poll interval keeps stop() fast (shutdown waits for the loop to notice).
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()  # joins the handler threads
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
