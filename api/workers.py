"""Several worker processes on one port, each with its own listening socket.

``talentmatch serve --workers N`` runs N uvicorn servers of :func:`api.app.create_app`.
uvicorn's own supervisor hands every worker one shared listening socket; whichever
process wakes first then accepts every connection waiting, and with kept-alive clients
that connect together (a proxy's pool, a job-fair's counters opening at once) one
process can end up serving all of them while the other idles: measured with
``benchmarks/api_load.py``, all 20 connections on one of two workers, half the
throughput. Here each worker binds its own socket to the port with ``SO_REUSEPORT`` and
the kernel spreads new connections over the workers that listen (gunicorn's
``--reuse-port``, nginx's ``reuseport``). A worker starts listening only once its
application has started (its index built), so no connection waits on a worker that is
still starting; one that dies is replaced.

Linux only: elsewhere :func:`reuse_port_supported` is false and the CLI uses uvicorn's
supervisor.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import threading
from types import FrameType

__all__ = ["STARTUP_FAILURE", "reuse_port_supported", "run_workers"]

log = logging.getLogger("talentmatch.workers")

#: The exit status of a worker whose application failed to start (uvicorn's).
STARTUP_FAILURE = 3


def reuse_port_supported() -> bool:
    """Linux spreads connections over the sockets sharing a port (macOS and the BSDs
    accept ``SO_REUSEPORT`` without doing so)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _worker(host: str, port: int, log_level: str) -> None:
    """One worker process: its own socket on the port, bound now, listening once started."""
    import uvicorn

    try:
        sock = _socket(host, port, reuse_port=True)
    except OSError as exc:  # taken meanwhile by a server of its own: every retry would fail
        print(f"talentmatch worker: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        sys.exit(STARTUP_FAILURE)
    config = uvicorn.Config("api.app:create_app", factory=True, host=host, port=port,
                            log_level=log_level, proxy_headers=False)  # the app's (api.app)
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(workers: int, host: str, port: int, *, log_level: str = "info") -> int:
    """Run ``workers`` processes until SIGINT or SIGTERM; the exit status.

    The port is checked first with an ordinary socket, so that another server already
    on it is reported instead of sharing the port. A worker that exits is started again,
    unless it failed to start at all (then every replacement would too: stop, status 1).
    """
    try:
        _socket(host, port, reuse_port=False).close()
    except OSError as exc:
        print(f"talentmatch serve: cannot listen on {host}:{port} ({exc.strerror}): stop "
              "the server using it or choose another --port", file=sys.stderr)
        return 1
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def start(number: int) -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_worker, args=(host, port, log_level),
                                  name=f"talentmatch-worker-{number}")
        process.start()
        return process

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [start(n) for n in range(workers)]
    status = 0
    try:
        while not stop.wait(0.5):
            for number, process in enumerate(processes):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("worker %d failed to start (its error is above): stopping", number)
                    stop.set()
                    status = 1
                    break
                log.warning("worker %d (pid %s) exited with %s: starting another", number,
                            process.pid, process.exitcode)
                processes[number] = start(number)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes its requests and stops
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
