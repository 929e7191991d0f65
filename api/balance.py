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
share, ``ceil(total / listening workers)``; :class:`api.middleware.KeepAliveLimit` then answers
that many of its requests with ``Connection: close`` — after the response, so no
request is lost — and their clients connect again, to whichever worker the kernel
picks. Connections are moved only from a worker over its share, and one told to close
is not counted again, so the counts settle at the even split within a few rounds. A
least-connections balancer, by closing. Idle kept-alive connections count as much as
busy ones (uvicorn closes them after its keep-alive timeout, 5 s by default).
"""

from __future__ import annotations

import math
from collections.abc import Callable, MutableSequence

__all__ = ["ConnectionShare", "current", "install"]


class ConnectionShare:
    """This worker's slot among the workers' shared connection counts.

    A slot holds -1 while its worker is not listening (starting, or dead and waiting
    for its replacement): the share is taken over the listening workers only, so a
    lone survivor never finds itself over its share. The event loop's thread alone
    calls :meth:`tick`, :meth:`take` and :meth:`moved` (uvicorn's tick and a pure ASGI
    middleware), so they need no lock.
    """

    def __init__(self, counts: MutableSequence[int], slot: int) -> None:
        if not 0 <= slot < len(counts):
            raise ValueError(f"slot {slot} is not one of the {len(counts)} workers")
        self.counts = counts
        self.slot = slot
        self._excess = 0
        self._share = 0
        self._moving = 0  # connections told to close whose response is not done yet
        #: this worker's open connections now (set by the server): :meth:`take` moves
        #: none once they are down to the share, whatever the last tick found
        self.connections: Callable[[], int] | None = None

    def tick(self, open_connections: int) -> int:
        """Publish this worker's open connections, less those already told to close
        (they leave; counted, they would be moved again at every tick until they have);
        how many more it holds over an even share of the listening workers'."""
        staying = max(0, open_connections - self._moving)
        self.counts[self.slot] = staying
        listening = [c for c in (self.counts[i] for i in range(len(self.counts))) if c >= 0]
        # those leaving will connect again, to some worker: still part of the total
        self._share = math.ceil((sum(listening) + self._moving) / len(listening))
        self._excess = max(0, staying - self._share)
        return self._excess

    def take(self) -> bool:
        """Whether to close the connection of the request at hand (one of the excess);
        when it is, call :meth:`moved` once its response is done."""
        if self._excess <= 0:
            return False
        if self.connections is not None and self.connections() - self._moving <= self._share:
            self._excess = 0  # clients left since the tick: nothing to move
            return False
        self._excess -= 1
        self._moving += 1
        return True

    @property
    def moving(self) -> int:
        """Connections told to close whose last response is not done yet."""
        return self._moving

    def moved(self) -> None:
        """A connection :meth:`take` chose has had its last response: it is closing."""
        self._moving = max(0, self._moving - 1)


_current: ConnectionShare | None = None


def install(share: ConnectionShare | None) -> None:
    """Make ``share`` this process's (a worker of several); None: a single process."""
    global _current
    _current = share


def current() -> ConnectionShare | None:
    """This process's share, if it is one of several workers."""
    return _current
