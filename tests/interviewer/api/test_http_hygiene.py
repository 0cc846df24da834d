"""HTTP hygiene: HEAD wherever GET works, JSON-only bodies (415), offline API docs, X-Forwarded-For trusted
only from configured proxies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from interviewer.api.app import create_app
from interviewer.api.middleware import is_json_type
from interviewer.api.serve import proxy_options
from tests.fakes.interview import make_services, make_settings
from tests.fakes.live_server import running


def test_head_is_answered_wherever_get_is(client: TestClient) -> None:
    for path in ("/", "/v1/topics", "/healthz", "/docs", "/static/app.js"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
    assert client.head("/v1/grade").status_code == 405  # POST only: HEAD is not invented for it


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_a_body_that_is_not_json_is_415_and_creates_nothing(client: TestClient, services, content_type: str) -> None:
    # The simple request a cross-site form can send without a CORS preflight.
    response = client.post("/v1/sessions", content=b'{"num_questions": 1}', headers={"Content-Type": content_type})
    assert (response.status_code, response.json()["error"]["code"]) == (415, "unsupported_media_type")
    assert "application/json" in response.json()["error"]["message"]
    assert services.store.delete_expired(-1e12) == 0  # no session row was written


def test_json_bodies_and_empty_posts_pass(client: TestClient) -> None:
    assert client.post("/v1/sessions").status_code == 201  # every default, no body, no content type
    typed = client.post("/v1/sessions", content=b"{}", headers={"Content-Type": "application/json; charset=utf-8"})
    assert typed.status_code == 201
    assert is_json_type("application/problem+json") and not is_json_type("text/json")


def test_api_docs_need_nothing_from_outside(client: TestClient) -> None:
    for path, asset in (("/docs", "/static-docs/swagger-ui-bundle.js"), ("/redoc", "/static-docs/redoc.standalone.js")):
        page = client.get(path)
        assert page.status_code == 200 and asset in page.text
        assert "cdn." not in page.text and "fonts.googleapis" not in page.text
        script = client.get(asset)
        assert script.status_code == 200 and len(script.content) > 100_000
    assert client.get("/static-docs/swagger-ui.css").status_code == 200


def test_proxy_headers_only_from_configured_proxies(tmp_path: Path) -> None:
    assert proxy_options(make_settings(tmp_path)) == {"proxy_headers": False}
    assert proxy_options(make_settings(tmp_path, trusted_proxies="10.0.0.0/8, 127.0.0.1")) == {
        "proxy_headers": True, "forwarded_allow_ips": "10.0.0.0/8, 127.0.0.1"}


@pytest.fixture
def live(tmp_path: Path, store, clock, request) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app behind a real uvicorn on loopback, started with `serve`'s proxy options."""
    settings = make_settings(tmp_path, rate_limit_per_minute=1, rate_limit_burst=3, **request.param)
    with running(create_app(make_services(store, settings, clock=clock)), **proxy_options(settings)) as url:
        yield url


@pytest.mark.parametrize("live", [{}], indirect=True)
def test_a_spoofed_forwarded_for_does_not_change_the_client(live: str) -> None:
    codes = [httpx.get(f"{live}/v1/topics", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
             for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]


@pytest.mark.parametrize("live", [{"trusted_proxies": "127.0.0.1"}], indirect=True)
def test_a_trusted_proxy_names_the_client(live: str) -> None:
    # Each forwarded client has its own bucket; the proxy's own requests share one.
    codes = [httpx.get(f"{live}/v1/topics", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
             for n in range(5)]
    assert codes == [200] * 5
    assert [httpx.get(f"{live}/v1/topics").status_code for _ in range(4)] == [200, 200, 200, 429]
