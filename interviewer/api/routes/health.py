"""Liveness (the process answers) and readiness (the index is loaded and sessions can be stored)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from interviewer.api.deps import ServiceHolder, live_generation
from interviewer.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness")
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, summary="Readiness: 503 until the index is loaded",
            responses={503: {"model": Health}})
def readyz(request: Request) -> JSONResponse:
    holder: ServiceHolder = request.app.state.services
    if not holder.ready:
        status = "failed" if holder.failed else "starting"
        return JSONResponse({"status": status, "detail": holder.reason}, status_code=503,
                            headers={"Retry-After": "5"})
    body: dict[str, object] = {"status": "ready", "detail": ""}
    generation = live_generation(holder.get().index)
    if generation is not None:
        body["generation"] = generation
    return JSONResponse(body)
