"""The console script: ``serve`` added to the library's commands, the rest delegated."""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from api.cli import build_parser, main
from api.workers import MAX_RESTART_DELAY, restart_delay, reuse_port_supported


def test_serve_options() -> None:
    args = build_parser().parse_args(["serve", "--no-sample", "--host", "0.0.0.0",
                                      "--port", "9000"])
    assert (args.command, args.no_sample, args.host, args.port) == ("serve", True,
                                                                    "0.0.0.0", 9000)


def test_other_commands_are_the_librarys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["normalize", "焊工证（中级）"]) == 0
    assert "6-18-02-04" in capsys.readouterr().out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_two_workers_answers_from_either_in_step(tmp_path: Path) -> None:
    """The real multi-process server: seeded once, and a write is seen by every worker."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2",
         "--database-url", f"sqlite:///{tmp_path / 'two.db'}"],
        stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "TALENTMATCH_SECRET_KEY": "two-workers-test-key-0123",
             "TALENTMATCH_THREADS": "1", "TALENTMATCH_KEEPALIVE_REQUESTS": "3"})
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the server did not get ready"
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            time.sleep(0.5)
        token = httpx.post(f"{base}/api/v1/auth/login", json={
            "username": "counselor", "password": "demo-counselor-pass"}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            enterprise = client.get("/api/v1/enterprises?page_size=1").json()["items"][0]
            made = client.post("/api/v1/postings", json={
                "enterprise_id": enterprise["id"], "title": "招聘电焊工",
                "headcount": 1, "wage_min": 4000, "wage_max": 6000, "area": "达川区",
                "closes": "2030-01-01"})
            assert made.status_code == 201, made.text
            pid = made.json()["id"]
            # each request may land on either process; every one must know the posting
            answers = {client.get(f"/api/v1/postings/{pid}/shortlist?k=5").status_code
                       for _ in range(20)}
        assert answers == {200}

        # More concurrent requests than threads and pooled connections: admitted a few
        # at a time, none waits for a thread while holding a connection (no pool time-out)
        def get(_: int) -> int:
            with httpx.Client(base_url=base, headers=headers, timeout=60) as one:
                return one.get(f"/api/v1/postings/{pid}/shortlist?k=5").status_code

        with ThreadPoolExecutor(max_workers=40) as pool:
            assert set(pool.map(get, range(80))) == {200}

        # A kept-alive connection is closed by the server after its third request
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            stream = sock.makefile("rb")
            said = []
            for _ in range(3):
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                assert b" 200 " in stream.readline()
                fields = {}
                while (line := stream.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode().partition(":")
                    fields[name.strip().lower()] = value.strip()
                stream.read(int(fields["content-length"]))
                said.append(fields.get("connection"))
            assert said == [None, None, "close"]
            assert stream.read() == b""  # closed

        # Clients that send half a body hold no place: the others are still served
        slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(6)]
        try:
            for sock in slow:
                sock.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Type: application/json\r\nContent-Length: 1000\r\n"
                             b"\r\n{\"username\": ")
            time.sleep(0.5)
            with httpx.Client(base_url=base, headers=headers, timeout=10) as one:
                assert one.get("/api/v1/auth/me").status_code == 200
        finally:
            for sock in slow:
                sock.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
        log.close()
    output = (tmp_path / "server.log").read_text()
    assert output.count("demo account  admin") == 1  # prepared once, not per worker
    assert "2 worker processes" in output


@pytest.mark.parametrize(("argv", "env", "named"), [
    (["serve", "--workers", "0"], {}, "setting workers (TALENTMATCH_WORKERS) = 0"),
    (["serve"], {"TALENTMATCH_THREADS": "abc"}, "setting threads (TALENTMATCH_THREADS) = 'abc'"),
    (["serve", "--workers", "2", "--database-url", "sqlite://"], {},
     "several workers need a database they can share"),
    (["serve", "--workers", "2", "--port", "0"], {}, "several workers need a fixed --port"),
], ids=["workers-zero", "threads-not-a-number", "workers-on-a-memory-database",
        "workers-on-port-zero"])
def test_a_bad_setting_is_named_without_a_traceback(
        argv: list[str], env: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err


def _supervise(app: str, starts: Path, *, workers: int = 2, seconds: float = 60,
               until: int | None = None) -> tuple[int | None, list[str]]:
    """``run_workers`` (``workers`` workers of ``app``) in a process of its own, until it
    exits, ``until`` starts are recorded or ``seconds`` pass; its exit status (None: it
    was still running, and was stopped) and the starts recorded."""
    code = ("import sys; from api.workers import run_workers; "
            f"sys.exit(run_workers({workers}, '127.0.0.1', {_free_port()}, app={app!r}))")
    supervisor = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL,
                                  env={**os.environ, "TALENTMATCH_TEST_STARTS": str(starts)})

    def recorded() -> list[str]:
        return starts.read_text().splitlines() if starts.exists() else []

    deadline = time.monotonic() + seconds
    status: int | None = None
    try:
        while time.monotonic() < deadline:
            status = supervisor.poll()
            if status is not None or (until is not None and len(recorded()) >= until):
                break
            time.sleep(0.1)
    finally:
        if supervisor.poll() is None:
            supervisor.terminate()
            supervisor.wait(timeout=30)
    return status, recorded()


@pytest.mark.skipif(not reuse_port_supported(), reason="the supervisor runs on Linux only")
@pytest.mark.parametrize("app", ["cannot_load", "fails_startup"])
def test_a_worker_that_never_starts_stops_the_server(app: str, tmp_path: Path) -> None:
    """Whatever its exit status (1: not loadable, 3: start-up failed), no busy restarts."""
    status, starts = _supervise(f"tests.api.worker_apps:{app}", tmp_path / "starts")
    assert status == 1
    assert 1 <= len(starts) <= 2  # each worker tried once at most, none replaced


@pytest.mark.skipif(not reuse_port_supported(), reason="the supervisor runs on Linux only")
def test_a_worker_that_keeps_dying_is_replaced_ever_more_slowly(tmp_path: Path) -> None:
    """One worker living ~0.3 s each time: replaced after 0.5, 1 and 2 s (plus its own
    start-up), not at once."""
    status, starts = _supervise("tests.api.worker_apps:dies_after_start",
                                tmp_path / "starts", workers=1, seconds=120, until=4)
    assert status is None and len(starts) == 4, starts
    times = [float(line.split()[1]) for line in starts]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert [g >= d + 0.3 for g, d in zip(gaps, (0.5, 1.0, 2.0), strict=True)] == [True] * 3, gaps


@pytest.mark.skipif(not reuse_port_supported(), reason="the supervisor runs on Linux only")
def test_a_replacement_that_cannot_start_is_retried_not_fatal(tmp_path: Path) -> None:
    """A worker that had started dies, and its replacements fail to start (the store
    briefly unreachable, memory short): retried with growing delays, the server stays."""
    status, starts = _supervise("tests.api.worker_apps:dies_then_cannot_start",
                                tmp_path / "starts", workers=1, seconds=120, until=3)
    assert status is None, starts  # still supervising
    assert [line.split()[0] for line in starts] == ["started", "startup", "startup"]


def test_restart_delay_doubles_up_to_a_limit() -> None:
    assert [restart_delay(n) for n in range(5)] == [0.0, 0.5, 1.0, 2.0, 4.0]
    assert restart_delay(100) == MAX_RESTART_DELAY
