"""Kept-alive connections spread evenly over the worker processes.

Each worker of ``talentmatch serve --workers N`` listens on its own ``SO_REUSEPORT``
socket (:mod:`api.workers`) and the kernel hands a new connection to one of them by a
hash of its addresses: 20 connections opened together land 10/10 only by chance (13/7
was seen in the load benchmark), and a kept-alive connection stays where it landed.
Every process runs its share of the requests on one core, so the clients of the busier
one wait longer, for as long as they keep their connections.

Here the workers share their numbers of open connections (an array of shared memory,
one slot per worker, written without a lock: each writes only its own). Ten times a
second a worker publishes its own count and computes how many it holds over an even
share, ``ceil(total / workers)``; :class:`api.middleware.KeepAliveLimit` then answers
that many of its requests with ``Connection: close`` — after the response, so no
request is lost — and their clients connect again, to whichever worker the kernel
picks. Connections are moved only from a worker over its share, so the counts settle
at the even split within a few rounds. A least-connections balancer, by closing.
"""

from __future__ import annotations

import math
import threading
from collections.abc import MutableSequence

__all__ = ["ConnectionShare", "current", "install"]


class ConnectionShare:
    """This worker's slot among the workers' shared connection counts."""

    def __init__(self, counts: MutableSequence[int], slot: int) -> None:
        if not 0 <= slot < len(counts):
            raise ValueError(f"slot {slot} is not one of the {len(counts)} workers")
        self.counts = counts
        self.slot = slot
        self._excess = 0
        self._lock = threading.Lock()

    def tick(self, open_connections: int) -> int:
        """Publish this worker's open connections; how many it holds over an even share
        (that many of its connections are to be closed after their next response)."""
        self.counts[self.slot] = open_connections
        total = sum(self.counts[i] for i in range(len(self.counts)))
        share = math.ceil(total / len(self.counts))
        with self._lock:
            self._excess = max(0, open_connections - share)
            return self._excess

    def take(self) -> bool:
        """Whether to close the connection of the request at hand (one of the excess)."""
        if not self._excess:  # the usual case, without the lock
            return False
        with self._lock:
            if self._excess <= 0:
                return False
            self._excess -= 1
            return True


_current: ConnectionShare | None = None


def install(share: ConnectionShare | None) -> None:
    """Make ``share`` this process's (a worker of several); None: a single process."""
    global _current
    _current = share


def current() -> ConnectionShare | None:
    """This process's share, if it is one of several workers."""
    return _current
