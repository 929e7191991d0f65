"""Load the shortlist route of a running service: latency percentiles and throughput.

Builds a temporary SQLite store holding a synthetic market of ``--trainees`` trainees
(:func:`matcher.sample.generate_market`, loaded through the service's own seeding code,
:func:`api.services.bootstrap.seed_sample`), starts ``talentmatch serve --workers N``
on ``127.0.0.1`` as a subprocess, signs in as the demo counselor and sends
``GET /api/v1/postings/{id}/shortlist?k=20`` for random open postings:

1. a baseline from one client (``--baseline-requests`` requests, one at a time), and
   ``/healthz`` from the same number of concurrent clients (the floor set by the HTTP
   stack alone);
2. the load: ``--clients`` concurrent clients until ``--requests`` requests are done or
   ``--seconds`` have passed, whichever comes first.

The clients are kept-alive HTTP/1.1 connections driven by one asyncio loop with a
minimal request writer and response reader, so that the load generator takes little of
the CPU it shares with the server. Every shortlist is a real one: the token is checked,
the index follows the change feed, the served recommendations and the audit entries
are written to the store.

Reports p50/p95/p99 latency (ms), requests per second, errors, the server's CPU time
per loaded request (all its processes) and the ratio of the loaded p95 to the
single-client p95. The target of the service issue: **p95 ≤ 50 ms for k = 20 at 20
concurrent clients with 100,000 trainees.** Only loopback traffic; every loop is
bounded; the server is stopped at the end and the store deleted.

Usage: ``python benchmarks/api_load.py [--trainees 100000] [--clients 20]
[--requests 2000] [--seconds 60] [--k 20] [--workers 2] [--threads N]
[--seed 20250101] [--json] [--store-cache FILE]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
import numpy as np
import uvloop

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


def machine_speed() -> float:
    """Milliseconds a fixed pure-Python loop takes here now (lower: a faster machine).

    On a shared virtual machine the speed of a core changes from minute to minute (the
    same loop was seen to take 290–560 ms); the figure, measured before and after the
    load, says how fast the machine was while it ran, so that runs can be compared.
    """
    start = time.process_time()
    total = 0
    for i in range(2_000_000):
        total += i * i
    return round((time.process_time() - start) * 1000, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, log: Path, *, workers: int, threads: int | None
                 ) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TALENTMATCH_SECRET_KEY": "api-load-benchmark-secret",
           "TALENTMATCH_SEED_SAMPLE": "false"}
    if threads is not None:
        env["TALENTMATCH_THREADS"] = str(threads)
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--database-url", url, "--no-sample",
             "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and of all its descendants alive now."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue  # gone meanwhile
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        todo += [int(c) for c in children]
    return total


def wait_ready(base: str, server: subprocess.Popen[bytes], log: Path, workers: int,
               timeout: float) -> float:
    """Wait until ``/readyz`` answers and every worker process has started.

    One worker answers ``/readyz`` as soon as *its* index is built; another may still be
    building its own, taking a core and accepting no connection. Loading then would
    measure one worker sharing the CPU with a start-up, so this also waits for uvicorn's
    "Application startup complete" line from each worker in the server's log.
    """
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        started = log.read_bytes().count(b"Application startup complete")
        try:
            if started >= workers and \
                    httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
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


async def _fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 request: bytes) -> tuple[int, bool]:
    """Send one HTTP/1.1 request on a kept-alive connection: the response's status and
    whether the server keeps the connection open (no ``Connection: close``)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length, keep = 0, True
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            keep = False
    await reader.readexactly(length)
    return int(lines[0].split()[1]), keep


def run(base: str, headers: dict[str, str], paths: Callable[[random.Random], str], *,
        clients: int, requests: int, seconds: float, seed: int) -> dict[str, float]:
    """``requests`` GETs (or until ``seconds``) from ``clients`` connections; latency stats.

    The clients are kept-alive HTTP/1.1 connections driven by one asyncio loop with a
    minimal request writer and response reader: on a two-core machine the load
    generator shares the CPU with the server, and a heavier client (a thread and an
    HTTP library per client) would take a good part of it.
    """
    host, port = base.removeprefix("http://").split(":")
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    latencies: list[float] = []
    errors = [0]
    remaining = iter(range(requests))

    async def client(n: int, deadline: float) -> None:
        rng = random.Random(seed * 1000 + n)
        reader, writer = await asyncio.open_connection(host, int(port))
        keep = True  # False: the server asked for a new connection (Connection: close)
        try:
            while time.perf_counter() < deadline and next(remaining, None) is not None:
                request = (f"GET {paths(rng)} HTTP/1.1\r\nHost: {host}\r\n{head}\r\n"
                           .encode())
                start = time.perf_counter()
                if not keep:  # the server closed the last one: its time counts here
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                try:
                    status, keep = await _fetch(reader, writer, request)
                    ok = status == 200
                except (OSError, ValueError, IndexError, asyncio.IncompleteReadError,
                        asyncio.LimitOverrunError):
                    ok = keep = False  # counted, not raised: one failure must not stop a client
                latencies.append(time.perf_counter() - start)
                errors[0] += not ok
        finally:
            writer.close()

    async def all_clients() -> float:
        start = time.perf_counter()
        await asyncio.gather(*(client(n, start + seconds) for n in range(clients)))
        return time.perf_counter() - start

    cpu = time.process_time()
    wall = uvloop.run(all_clients())
    cpu = time.process_time() - cpu
    ms = np.asarray(latencies) * 1000
    return {"clients": clients, "requests": len(ms), "errors": errors[0],
            "seconds": round(wall, 2), "rps": round(len(ms) / wall, 1),
            "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "p99_ms": round(float(np.percentile(ms, 99)), 1),
            "mean_ms": round(statistics.fmean(ms), 1),
            "client_cpu_ms_per_request": round(1000 * cpu / max(len(ms), 1), 2)}


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
    parser.add_argument("--workers", type=int, default=2,
                        help="server worker processes (talentmatch serve --workers)")
    parser.add_argument("--threads", type=int, default=None,
                        help="TALENTMATCH_THREADS of each worker (default: the setting's)")
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
        server = start_server(url, port, Path(tmp) / "server.log", workers=args.workers,
                              threads=args.threads)
        try:
            ready_s = wait_ready(base, server, Path(tmp) / "server.log", args.workers,
                                 timeout=600)
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
            speed_before = machine_speed()
            cpu = cpu_seconds(server.pid)
            loaded = run(base, headers, shortlist, clients=args.clients,
                         requests=args.requests, seconds=args.seconds, seed=3)
            loaded["server_cpu_ms_per_request"] = round(
                1000 * (cpu_seconds(server.pid) - cpu) / max(loaded["requests"], 1), 2)
            speed = [speed_before, machine_speed()]
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
              "k": args.k, "workers": args.workers, "threads": args.threads,
              "cores": os.cpu_count(), "shortlist_1_client": single,
              f"healthz_{args.clients}_clients": health,
              f"shortlist_{args.clients}_clients": loaded,
              "p95_ratio_loaded_to_single": round(loaded["p95_ms"] / single["p95_ms"], 2),
              "reference_loop_ms_before_after": speed,
              "target_p95_ms": args.target_ms,
              "meets_target": loaded["p95_ms"] <= args.target_ms and not loaded["errors"]}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"store: {counts['trainees']:,} trainees, {counts['postings']:,} postings "
          f"(seeded in {seed_s:.1f} s, server ready in {ready_s:.1f} s); k = {args.k}; "
          f"{args.workers} worker(s), threads {args.threads or 'default'}, "
          f"{os.cpu_count()} cores shared with this load generator")
    print(f"{'run':<28}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}"
          f"{'p95 ms':>8}{'p99 ms':>8}")
    for name, r in (("shortlist, 1 client", single),
                    (f"/healthz, {args.clients} clients", health),
                    (f"shortlist, {args.clients} clients", loaded)):
        print(f"{name:<28}{r['requests']:>9}{r['errors']:>7}{r['rps']:>8}{r['p50_ms']:>8}"
              f"{r['p95_ms']:>8}{r['p99_ms']:>8}")
    print(f"reference loop (machine speed, lower is faster): {speed[0]} ms before the "
          f"load, {speed[1]} ms after")
    print(f"CPU per loaded request: server {loaded['server_cpu_ms_per_request']} ms, "
          f"this load generator {loaded['client_cpu_ms_per_request']} ms")
    print(f"p95 loaded / single client: {result['p95_ratio_loaded_to_single']}×; "
          f"target p95 ≤ {args.target_ms:.0f} ms: "
          f"{'met' if result['meets_target'] else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
