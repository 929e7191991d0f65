"""Load the shortlist route of a running service: latency percentiles and throughput.

Builds a temporary SQLite store holding a synthetic market of ``--trainees`` trainees
(:func:`matcher.sample.generate_market`, loaded through the service's own seeding code,
:func:`api.services.bootstrap.seed_sample`), starts ``talentmatch serve`` on
``127.0.0.1`` as a subprocess, signs in as the demo counselor and sends
``GET /api/v1/postings/{id}/shortlist?k=20`` for random open postings:

1. a baseline from one client (``--baseline-requests`` requests, one at a time), and
   ``/healthz`` from the same number of concurrent clients (the floor set by the HTTP
   stack alone);
2. the load: ``--clients`` concurrent clients (threads, one ``httpx.Client`` each) until
   ``--requests`` requests are done or ``--seconds`` have passed, whichever comes first.

Reports p50/p95/p99 latency (ms), requests per second, errors and the ratio of the
loaded p95 to the single-client p95. The target of the service issue: **p95 ≤ 50 ms
for k = 20 at 20 concurrent clients with 100,000 trainees.** Only loopback traffic;
every loop is bounded; the server is stopped at the end and the store deleted.

Usage: ``python benchmarks/api_load.py [--trainees 100000] [--clients 20]
[--requests 2000] [--seconds 60] [--k 20] [--seed 20250101] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
COUNSELOR = ("counselor", "demo-counselor-pass")


def seed_store(url: str, trainees: int, seed: int) -> dict[str, int]:
    """Create, migrate and seed the store at ``url`` with a generated market."""
    from api.db import make_engine, make_sessionmaker, migrate
    from api.services.bootstrap import seed_sample
    from matcher import Normalizer
    from matcher.sample import generate_market

    engine = make_engine(url)
    try:
        migrate(engine)
        with make_sessionmaker(engine)() as session:
            counts = seed_sample(session, Normalizer.default(),
                                 generate_market(trainees, seed=seed))
            session.commit()
    finally:
        engine.dispose()
    return counts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TALENTMATCH_SECRET_KEY": "api-load-benchmark-secret",
           "TALENTMATCH_SEED_SAMPLE": "false"}
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--database-url", url, "--no-sample"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return time.perf_counter() - start
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"the server was not ready within {timeout:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def login(base: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/v1/auth/login", timeout=10,
                          json={"username": COUNSELOR[0], "password": COUNSELOR[1]})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def open_postings(base: str, headers: dict[str, str], limit: int = 2000) -> list[str]:
    ids: list[str] = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for page in range(1, limit // 200 + 1):
            body = client.get("/api/v1/postings", params={
                "status": "open", "page": page, "page_size": 200}).raise_for_status().json()
            ids += [p["id"] for p in body["items"] if p.get("status") == "open"]
            if len(body["items"]) < 200:
                break
    if not ids:
        raise RuntimeError("no open posting in the store")
    return ids


def run(base: str, headers: dict[str, str], paths: Callable[[random.Random], str], *,
        clients: int, requests: int, seconds: float, seed: int) -> dict[str, float]:
    """``requests`` GETs (or until ``seconds``) from ``clients`` threads; latency stats."""
    latencies: list[float] = []
    errors: list[int] = []
    remaining = iter(range(requests))
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        mine: list[float] = []
        bad = 0
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            while time.perf_counter() < deadline:
                with lock:
                    if next(remaining, None) is None:
                        break
                path = paths(rng)
                start = time.perf_counter()
                try:
                    ok = client.get(path).status_code == 200
                except httpx.TransportError:
                    ok = False  # counted, not raised: one failure must not stop a client
                mine.append(time.perf_counter() - start)
                bad += not ok
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    ms = np.asarray(latencies) * 1000
    return {"clients": clients, "requests": len(ms), "errors": sum(errors),
            "seconds": round(wall, 2), "rps": round(len(ms) / wall, 1),
            "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "p99_ms": round(float(np.percentile(ms, 99)), 1),
            "mean_ms": round(statistics.fmean(ms), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000,
                        help="loaded requests in all (bounded also by --seconds)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--baseline-requests", type=int, default=200)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--target-ms", type=float, default=50.0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--store-cache", type=Path, default=None,
                        help="reuse this seeded store file (written on the first run; "
                             "only for repeated runs with the same --trainees and --seed)")
    parser.add_argument("--server-log", type=Path, default=None,
                        help="keep the server's output in this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="talentmatch-load-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'load.db'}"
        start = time.perf_counter()
        if args.store_cache and args.store_cache.is_file():
            shutil.copy(args.store_cache, Path(tmp) / "load.db")
            counts = json.loads(args.store_cache.with_suffix(".json").read_text())
        else:
            counts = seed_store(url, args.trainees, args.seed)
            if args.store_cache:
                shutil.copy(Path(tmp) / "load.db", args.store_cache)
                args.store_cache.with_suffix(".json").write_text(json.dumps(counts))
        seed_s = time.perf_counter() - start
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, port, Path(tmp) / "server.log")
        try:
            ready_s = wait_ready(base, server, timeout=600)
            headers = login(base)
            postings = open_postings(base, headers)
            k = args.k

            def shortlist(rng: random.Random) -> str:
                return f"/api/v1/postings/{rng.choice(postings)}/shortlist?k={k}"

            # warm-up (first requests pay for lazy imports and caches)
            run(base, headers, shortlist, clients=1, requests=20, seconds=30, seed=0)
            single = run(base, headers, shortlist, clients=1,
                         requests=args.baseline_requests, seconds=args.seconds, seed=1)
            health = run(base, headers, lambda _rng: "/healthz", clients=args.clients,
                         requests=args.baseline_requests * 5, seconds=args.seconds, seed=2)
            loaded = run(base, headers, shortlist, clients=args.clients,
                         requests=args.requests, seconds=args.seconds, seed=3)
        except BaseException:
            sys.stderr.write((Path(tmp) / "server.log").read_text(errors="replace")[-4000:])
            raise
        finally:
            stop_server(server)
            if args.server_log:
                args.server_log.write_bytes((Path(tmp) / "server.log").read_bytes())

    result = {"store": {"trainees": counts["trainees"], "postings": counts["postings"],
                        "open_postings_sampled": len(postings), "seed_s": round(seed_s, 1),
                        "server_ready_s": round(ready_s, 1)},
              "k": args.k, "shortlist_1_client": single,
              f"healthz_{args.clients}_clients": health,
              f"shortlist_{args.clients}_clients": loaded,
              "p95_ratio_loaded_to_single": round(loaded["p95_ms"] / single["p95_ms"], 2),
              "target_p95_ms": args.target_ms,
              "meets_target": loaded["p95_ms"] <= args.target_ms and not loaded["errors"]}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"store: {counts['trainees']:,} trainees, {counts['postings']:,} postings "
          f"(seeded in {seed_s:.1f} s, server ready in {ready_s:.1f} s); k = {args.k}")
    print(f"{'run':<28}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}"
          f"{'p95 ms':>8}{'p99 ms':>8}")
    for name, r in (("shortlist, 1 client", single),
                    (f"/healthz, {args.clients} clients", health),
                    (f"shortlist, {args.clients} clients", loaded)):
        print(f"{name:<28}{r['requests']:>9}{r['errors']:>7}{r['rps']:>8}{r['p50_ms']:>8}"
              f"{r['p95_ms']:>8}{r['p99_ms']:>8}")
    print(f"p95 loaded / single client: {result['p95_ratio_loaded_to_single']}×; "
          f"target p95 ≤ {args.target_ms:.0f} ms: "
          f"{'met' if result['meets_target'] else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
