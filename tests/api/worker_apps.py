"""Application factories for the supervisor's tests (``api.workers.run_workers``).

Each is what uvicorn loads in a worker process: one that cannot be built, one that
fails its start-up, and one that starts and then dies (a crash after serving). Starts
are recorded in the file named by ``TALENTMATCH_TEST_STARTS``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette


def _record(event: str) -> None:
    with Path(os.environ["TALENTMATCH_TEST_STARTS"]).open("a", encoding="utf-8") as out:
        out.write(f"{event} {time.monotonic():.3f}\n")


def cannot_load() -> Starlette:
    _record("load")
    raise RuntimeError("this application cannot be built")


def fails_startup() -> Starlette:
    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        _record("startup")
        raise RuntimeError("this application's start-up fails")
        yield  # pragma: no cover

    return Starlette(lifespan=lifespan)


def dies_after_start() -> Starlette:
    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        _record("started")
        threading.Timer(0.3, os._exit, args=(70,)).start()
        yield

    return Starlette(lifespan=lifespan)


def dies_then_cannot_start() -> Starlette:
    """Starts once, dies (as if killed for memory); every replacement fails to start."""
    starts = Path(os.environ["TALENTMATCH_TEST_STARTS"])
    first = not starts.exists() or "started" not in starts.read_text(encoding="utf-8")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if not first:
            _record("startup")
            raise RuntimeError("the store is unreachable for now")
        _record("started")
        threading.Timer(0.3, os._exit, args=(70,)).start()
        yield

    return Starlette(lifespan=lifespan)


def reports_its_pid() -> Starlette:
    """Answers ``GET /pid`` with its process id, behind the service's connection limit
    (:class:`api.middleware.KeepAliveLimit`, which moves connections between workers)."""
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from api.middleware import KeepAliveLimit

    async def pid(_request: object) -> PlainTextResponse:
        return PlainTextResponse(str(os.getpid()))

    app = Starlette(routes=[Route("/pid", pid)])
    app.add_middleware(KeepAliveLimit, max_requests=0)
    return app
