"""`interviewer serve`: uvicorn in this process, or N worker processes built by the app factory."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from interviewer.settings import Settings

FACTORY = "interviewer.api.app:create_app"


def ensure_index(settings: Settings) -> None:
    """Build the index once before workers start, so they do not all ingest at the same time."""
    from interviewer.wiring import ready_index

    ready_index(settings, ingest_if_missing=True, load=False)


def export_settings(settings: Settings) -> None:
    """Worker processes read Settings from the environment: hand them ours, overrides included."""
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, Path | str):
            text = str(value)
        elif isinstance(value, bool | int | float):
            text = json.dumps(value)
        else:
            text = json.dumps(value, default=str)
        os.environ[f"INTERVIEWER_{name.upper()}"] = text


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy-header options: X-Forwarded-For is read only from the configured trusted proxies
    (uvicorn would otherwise trust it from 127.0.0.1, and every client behind nothing is 'trusted' there)."""
    trusted = settings.trusted_proxies.strip()
    if not trusted:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted}


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if workers > 1:
        ensure_index(settings)
        export_settings(settings)
        uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers, **proxy_options(settings))
        return
    from interviewer.api.app import create_app

    uvicorn.run(create_app(settings=settings), host=host, port=port, **proxy_options(settings))
