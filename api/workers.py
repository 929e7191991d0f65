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
still starting. The kernel's spread is by a hash, even only on average: the workers
also share their counts of open connections and move the excess (:mod:`api.balance`).
One that dies is replaced, after a growing delay if it keeps dying soon
after it started; a first worker that dies before it has started stops the server.

Linux only: elsewhere :func:`reuse_port_supported` is false and the CLI uses uvicorn's
supervisor.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import signal
import socket
import sys
import time
from collections.abc import MutableSequence
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from types import FrameType

import uvicorn

from api import balance
from api.balance import ConnectionShare

__all__ = ["STARTUP_FAILURE", "restart_delay", "reuse_port_supported", "run_workers"]

log = logging.getLogger("talentmatch.workers")

#: The exit status of a worker whose application failed to start (uvicorn's).
STARTUP_FAILURE = 3
#: A worker that exits within this many seconds of starting is replaced after a delay.
QUICK_EXIT_SECONDS = 30.0
#: The longest wait before replacing a worker that keeps exiting soon after it started.
MAX_RESTART_DELAY = 30.0


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


class _Server(uvicorn.Server):
    """A uvicorn server that says when it has started (its application's start-up done,
    its socket listening): it sets a byte of shared memory the supervisor reads without
    a lock (a worker killed at any moment can leave no lock held). Ten times a second
    it publishes its open connections to the other workers (:mod:`api.balance`)."""

    def __init__(self, config: uvicorn.Config, ready: Synchronized[int],
                 share: ConnectionShare | None = None) -> None:
        super().__init__(config)
        self._ready = ready
        self._share = share
        if share is not None:
            share.connections = lambda: len(self.server_state.connections)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._ready.value = 1

    async def on_tick(self, counter: int) -> bool:
        if self._share is not None and self.started:
            self._share.tick(len(self.server_state.connections))
        return await super().on_tick(counter)


def _worker(host: str, port: int, log_level: str, app: str, ready: Synchronized[int],
            counts: MutableSequence[int] | None = None, slot: int = 0) -> None:
    """One worker process: its own socket on the port, bound now, listening once started;
    ``counts``: the workers' open connections, this one's at ``slot``."""
    share = ConnectionShare(counts, slot) if counts is not None else None
    balance.install(share)
    try:
        sock = _socket(host, port, reuse_port=True)
    except OSError as exc:  # taken meanwhile by a server of its own: every retry would fail
        print(f"talentmatch worker: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        sys.exit(STARTUP_FAILURE)
    config = uvicorn.Config(app, factory=True, host=host, port=port, log_level=log_level,
                            proxy_headers=False)  # the app applies them (api.app)
    _Server(config, ready, share).run(sockets=[sock])


@dataclass
class _Worker:
    """A worker process as the supervisor follows it."""

    process: multiprocessing.process.BaseProcess
    ready: Synchronized[int]  #: 1 once the process has started
    quick_exits: int = 0  #: its predecessors' exits soon after they started, in a row
    replacement: bool = False  #: a worker of this slot has started before
    ready_at: float | None = None  #: when the supervisor first saw it started
    restart_at: float | None = None  #: when to replace it (it has exited)

    @property
    def started(self) -> bool:
        return bool(self.ready.value)


def restart_delay(quick_exits: int) -> float:
    """Seconds to wait before replacing a worker that died soon after it started, for the
    ``quick_exits``-th time in a row: 0.5 s, doubling, at most :data:`MAX_RESTART_DELAY`."""
    if quick_exits <= 0:
        return 0.0
    return min(MAX_RESTART_DELAY, 0.5 * 2.0 ** (quick_exits - 1))


def _exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


def run_workers(workers: int, host: str, port: int, *, log_level: str = "info",
                app: str = "api.app:create_app") -> int:
    """Run ``workers`` processes of the factory ``app`` until SIGINT or SIGTERM; the exit
    status.

    The port is checked first with an ordinary socket, so that another server already
    on it is reported instead of sharing the port. A first worker that exits before it
    has started (whatever its status: the application could not be loaded, its start-up
    failed, the port was taken) stops the server with status 1, since every replacement
    would fail the same way. A worker that exits later is replaced, and so is a
    replacement that exits before it has started (a worker killed for memory may see its
    replacement killed too, or the store may be briefly unreachable: the server that is
    up keeps serving); when one keeps exiting within :data:`QUICK_EXIT_SECONDS` of
    starting, after a growing :func:`restart_delay`, not in a busy loop.
    """
    try:
        _socket(host, port, reuse_port=False).close()
    except OSError as exc:
        print(f"talentmatch serve: cannot listen on {host}:{port} ({exc.strerror}): stop "
              "the server using it or choose another --port", file=sys.stderr)
        return 1
    context = multiprocessing.get_context("spawn")
    # Set by the handler, read by the loop: a plain flag (an Event's lock, taken by a
    # handler that interrupts the loop's own wait on it, could deadlock).
    stopping: list[int] = []
    # each worker's open connections (api.balance), written by that worker only once
    # it listens; -1 while it does not (starting, or dead)
    counts: MutableSequence[int] = context.RawArray("i", [-1] * workers)

    def start(number: int, quick_exits: int = 0, *, replacement: bool = False) -> _Worker:
        ready: Synchronized[int] = context.Value("b", 0, lock=False)  # type: ignore[assignment]
        counts[number] = -1  # not listening yet
        process = context.Process(target=_worker, args=(host, port, log_level, app, ready,
                                                        counts, number),
                                  name=f"talentmatch-worker-{number}")
        process.start()
        return _Worker(process, ready, quick_exits, replacement)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    pool = [start(n) for n in range(workers)]
    status = 0
    try:
        while not stopping:
            # Wakes at once when a worker dies (its sentinel), else every 0.2 s.
            multiprocessing.connection.wait(
                [w.process.sentinel for w in pool if w.restart_at is None], timeout=0.2)
            now = time.monotonic()
            for number, worker in enumerate(pool):
                if worker.ready_at is None and worker.started:
                    worker.ready_at = now
                if worker.restart_at is not None:
                    if now >= worker.restart_at and not stopping:
                        pool[number] = start(number, worker.quick_exits, replacement=True)
                    continue
                if worker.process.is_alive():
                    continue
                how = _exit_text(worker.process.exitcode)
                if not worker.started and not worker.replacement:
                    log.error("worker %d %s before it had started (its log is above): "
                              "stopping", number, how)
                    stopping.append(0)
                    status = 1
                    break
                ran = now - worker.ready_at if worker.ready_at is not None else 0.0
                worker.quick_exits = worker.quick_exits + 1 if ran < QUICK_EXIT_SECONDS else 0
                delay = restart_delay(worker.quick_exits)
                log.warning("worker %d (pid %s) %s %s: starting another in %.1f s", number,
                            worker.process.pid, how,
                            f"after {ran:.1f} s" if worker.started else "while starting",
                            delay)
                worker.restart_at = now + delay
                counts[number] = -1  # not listening: no share of the connections
    finally:
        for worker in pool:
            if worker.process.is_alive():
                worker.process.terminate()  # SIGTERM: uvicorn finishes its requests and stops
        for worker in pool:
            worker.process.join(timeout=30)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
