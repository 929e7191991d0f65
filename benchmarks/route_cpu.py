"""CPU per shortlist request inside the app, against a route built the usual way.

The app (:func:`api.app.create_app`) runs in this process on a seeded SQLite store
(``--trainees``, default 100,000; ``--store-cache FILE`` reuses one, as in
``api_load.py``) and is called as an ASGI application, with no HTTP server and no other
load, so the figure is the app's own work. Two routes give the same shortlist:

- **the service's** ``GET /api/v1/postings/{id}/shortlist``: sign-in, feed catch-up,
  matching and logging in one worker-thread trip (:mod:`api.routes.matching`);
- **the baseline**, mounted here at ``…/shortlist_baseline``: the same service
  function behind the usual per-request dependencies (``SessionDep``, ``UserDep``,
  ``IndexDep``, a plain ``def`` route): six trips to the thread pool and back.

Requests alternate between the two for the same random postings (k = 20, as the
counselor); the process's CPU time (all threads, the log writer's included) is taken
around each request. Reports the median and mean CPU per request of each and their
ratio. The machine's speed drifts on shared virtual machines: compare within a run.

Usage: ``python benchmarks/route_cpu.py [--requests 500] [--trainees 100000]
[--store-cache FILE]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.responses import Response

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import COUNSELOR, seed_store

from api.app import create_app
from api.deps import IndexDep, SessionDep, SettingsDep, UserDep, WriterDep, admit, check_k
from api.routes.matching import AreaList, IdPath, K
from api.schemas import Shortlist
from api.services import matching
from api.settings import Settings


def baseline(posting_id: IdPath, session: SessionDep, who: UserDep, index: IndexDep,
             settings: SettingsDep, writer: WriterDep, k: K = 20,
             level_tolerance: Annotated[int, Query(ge=0, le=7)] = 0,
             require_area: bool = True, area: AreaList = None) -> Shortlist:
    """The shortlist from the usual per-request dependencies (each its own trip)."""
    check_k(settings, k)
    return matching.shortlist(session, index, who, posting_id, k,
                              level_tolerance=level_tolerance, require_area=require_area,
                              areas=tuple(area) if area else None, writer=writer)


def shortlist_baseline(result: Annotated[Shortlist, Depends(baseline)]) -> Response:
    return Response(result.model_dump_json(), media_type="application/json")


def mount_baseline(app: FastAPI) -> None:
    """The shortlist route as built from the usual per-request dependencies."""
    router = APIRouter(prefix="/api/v1", dependencies=[Depends(admit)])
    router.add_api_route("/postings/{posting_id}/shortlist_baseline", shortlist_baseline,
                         methods=["GET"])
    app.include_router(router)


async def call(app: FastAPI, method: str, path: str, headers: dict[str, str],
               body: bytes = b"") -> tuple[int, bytes]:
    """One request through the ASGI interface; (status, body)."""
    path, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80), "state": {}}
    sent = False
    status, chunks = 0, []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)  # no disconnect while the app works
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def measure(app: FastAPI, requests: int) -> dict[str, dict[str, float]]:
    started, stop, ready = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def lifespan_receive() -> dict[str, str]:
        if not started.is_set():
            started.set()
            return {"type": "lifespan.startup"}
        await stop.wait()
        return {"type": "lifespan.shutdown"}

    async def lifespan_send(message: dict[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup"):
            ready.set()

    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"},
                                        "state": {}}, lifespan_receive, lifespan_send))
    await ready.wait()
    try:
        status, body = await call(app, "POST", "/api/v1/auth/login",
                                  {"content-type": "application/json"}, json.dumps(
                                      {"username": COUNSELOR[0],
                                       "password": COUNSELOR[1]}).encode())
        if status != 200:
            raise RuntimeError(f"login failed: {status} {body[:200]!r}")
        headers = {"authorization": f"Bearer {json.loads(body)['access_token']}"}
        _, body = await call(app, "GET", "/api/v1/postings?page_size=200&status=open",
                             headers)
        postings = [p["id"] for p in json.loads(body)["items"]]
        paths = {"service": "/api/v1/postings/{}/shortlist?k=20",
                 "baseline": "/api/v1/postings/{}/shortlist_baseline?k=20"}
        rng = random.Random(1)
        for _ in range(20):  # warm-up: lazy imports, statement caches
            for path in paths.values():
                await call(app, "GET", path.format(rng.choice(postings)), headers)
        cpu: dict[str, list[float]] = {name: [] for name in paths}
        for i in range(requests):
            posting = rng.choice(postings)
            for name in (("service", "baseline") if i % 2 else ("baseline", "service")):
                start = time.process_time()
                status, body = await call(app, "GET", paths[name].format(posting), headers)
                cpu[name].append(time.process_time() - start)
                if status != 200:
                    raise RuntimeError(f"{name}: {status} {body.decode()[:600]}")
        return {name: {"median_ms": round(1000 * statistics.median(v), 3),
                       "mean_ms": round(1000 * statistics.fmean(v), 3)}
                for name, v in cpu.items()}
    finally:
        stop.set()
        await lifespan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--store-cache", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="talentmatch-route-cpu-") as tmp:
        path = Path(tmp) / "store.db"
        if args.store_cache and args.store_cache.is_file():
            shutil.copy(args.store_cache, path)
        else:
            seed_store(f"sqlite:///{path}", args.trainees, args.seed)
        os.environ.setdefault("TALENTMATCH_SECRET_KEY", "route-cpu-benchmark-secret")
        app = create_app(Settings(database_url=f"sqlite:///{path}", seed_sample=False))
        mount_baseline(app)
        result = asyncio.run(measure(app, args.requests))
    service, baseline = result["service"], result["baseline"]
    print(f"CPU per shortlist request (k = 20, {args.requests} each, alternating):")
    for name, r in result.items():
        print(f"  {name:<9} median {r['median_ms']:.2f} ms, mean {r['mean_ms']:.2f} ms")
    print(f"  baseline / service (medians): "
          f"{baseline['median_ms'] / service['median_ms']:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
