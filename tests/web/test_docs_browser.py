"""The API docs (/docs, Swagger UI) render in a real browser that can reach nothing but loopback."""

from __future__ import annotations

from tests.web.test_browser import TIMEOUT_MS, Watch, _screenshot, base_url, browser  # noqa: F401 (fixtures)


def test_swagger_ui_renders_offline(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch(page, base_url)
    try:
        page.goto(base_url + "/docs")
        page.wait_for_selector(".swagger-ui .info .title")
        assert "Mock interviewer" in page.locator(".swagger-ui .info .title").inner_text()
        page.locator(".opblock-summary-path", has_text="/v1/sessions").first.wait_for()
        assert watch.outside == [], f"the docs page fetched from outside: {watch.outside}"
        _screenshot(page, "api-docs.png")
    finally:
        context.close()
