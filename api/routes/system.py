"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter(tags=["system"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """The store answers and the matching index is built."""
    state = request.app.state
    try:
        with state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # a probe reports, never raises
        database = f"error: {type(exc).__name__}"
    index = getattr(state, "index", None)
    ready = database == "ok" and index is not None
    body = {"status": "ready" if ready else "not ready", "database": database,
            "trainees_indexed": len(index.matcher.trainees) if index else 0,
            "postings_indexed": len(index.matcher.postings) if index else 0}
    return JSONResponse(body, status_code=200 if ready else 503)
