"""Request-level protections: a body size limit (413) and idempotent POSTs; and a limit
on the requests one kept-alive connection serves (:class:`KeepAliveLimit`).

:class:`BodyLimit` refuses a body over ``max_body_bytes`` — at once when
``Content-Length`` says so, else as soon as the streamed body passes the limit.
:class:`Idempotency`: a POST with an ``Idempotency-Key`` header is run once per user and
key; a repeat gets the stored response (header ``Idempotent-Replayed: true``), a repeat
while the first is still running gets 409. Only successful responses are kept: a failed
request changed nothing, so it may be repeated with the same key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import Any

import anyio
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import balance
from api.db import write_lock
from api.errors import error_body
from api.models import IdempotencyKey
from api.security import read_token

__all__ = ["BodyLimit", "Idempotency", "KeepAliveLimit"]


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(error_body(
        413, "too_large", f"请求内容超过 {limit} 字节上限，请拆分后再提交",
        f"the request body exceeds the limit of {limit} bytes: split it into smaller parts"),
        status_code=413)


class _TooLargeError(Exception):
    pass


class KeepAliveLimit:
    """Close a kept-alive connection after it served ``max_requests`` requests.

    nginx's ``keepalive_requests``: the response to the last request says
    ``Connection: close`` (uvicorn then closes the connection) and the client opens a
    new one. With several worker processes a connection stays with the process that
    accepted it, and however connections are shared out (the kernel's ``SO_REUSEPORT``
    hash, :mod:`api.workers`), some processes get more of them; for as long as clients
    keep their connections, the busier process's clients wait longer. A new connection
    is shared out afresh, so recycling connections evens the processes out over time.
    ``max_requests`` = 0 keeps connections for as long as the client wants.

    Requests are counted per client address (host and port): the address of a closed
    connection can come back for a new one, which then closes a little sooner.

    A worker holding more connections than an even share closes the excess the same
    way, at once, whatever their count (:mod:`api.balance`).
    """

    def __init__(self, app: ASGIApp, max_requests: int) -> None:
        self.app = app
        self.max_requests = max_requests
        self._served: dict[tuple[Any, ...], int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or client is None:
            await self.app(scope, receive, send)
            return
        share = balance.current()
        # this worker holds more than its share of connections: move this one
        moved = share is not None and share.take()
        if moved:
            self._served.pop(tuple(client), None)
        else:
            if not self.max_requests:
                await self.app(scope, receive, send)
                return
            key = tuple(client)
            served = self._served.pop(key, 0) + 1
            if served < self.max_requests:
                if len(self._served) >= 10_000:  # addresses of connections long closed
                    self._served.clear()
                self._served[key] = served
                await self.app(scope, receive, send)
                return

        async def closing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ())
                           if k.lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, receive, closing_send)
        finally:
            if moved and share is not None:
                share.moved()


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await _too_large(self.max_bytes)(scope, receive, send)
            return
        seen = 0
        too_large = started = False

        async def limited_receive() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    too_large = True
                    raise _TooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large and not started:
                # the app's answer to a body cut off at the limit (FastAPI: 400, "error
                # parsing the body") is replaced by the 413 below
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await _too_large(self.max_bytes)(scope, receive, send)


class Idempotency:
    """Idempotent POSTs; every other request passes straight through.

    Only a POST with the header pays for :class:`BaseHTTPMiddleware` (an extra task and
    a streamed copy of the response per request): reads such as shortlists do not.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.keyed = _KeyedPosts(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and any(
                name == b"idempotency-key" for name, _ in scope.get("headers", ())):
            await self.keyed(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class _KeyedPosts(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        key = request.headers.get("idempotency-key")
        if request.method != "POST" or not key:
            return await call_next(request)
        if len(key) > 200:
            return JSONResponse(error_body(422, "invalid", "Idempotency-Key 最长 200 个字符",
                                           "the Idempotency-Key may be 200 characters at most"),
                                status_code=422)
        app = request.app
        auth = request.headers.get("authorization", "")
        user_id = (read_token(app.state.secret_key, auth[7:])
                   if auth.lower().startswith("bearer ") else None)
        if user_id is None:
            return await call_next(request)  # the route answers 401
        path = request.url.path
        body = await request.body()  # kept for the route (Starlette replays it)
        fingerprint = request_fingerprint(path, request.url.query,
                                          request.headers.get("content-type", ""), body)
        sessions = app.state.sessionmaker

        def claim() -> Response | None:
            """The stored answer, 409 while the first runs, or None after claiming the key."""
            with sessions() as session:
                write_lock(session)  # SQLite: read-then-write holds the lock from the start
                stored = session.scalar(select(IdempotencyKey).where(
                    IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
                if stored is not None:
                    return _replay(stored, path, fingerprint)
                session.add(IdempotencyKey(user_id=user_id, key=key, method="POST",
                                           path=path, fingerprint=fingerprint))
                try:
                    session.commit()
                except IntegrityError:
                    return _in_progress()
            return None

        def settle(status: int, replayable: bool, body: bytes) -> None:
            with sessions() as session:
                write_lock(session)
                row = session.scalar(select(IdempotencyKey).where(
                    IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
                if row is not None and 200 <= status < 300 and replayable:
                    row.status_code = status
                    row.body = body.decode("utf-8", errors="replace")
                else:
                    session.execute(delete(IdempotencyKey).where(
                        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
                session.commit()

        # The store is used from a worker thread: waiting for its lock must not stop the
        # event loop (and with it every other request of the process).
        answer = await anyio.to_thread.run_sync(claim)
        if answer is not None:
            return answer
        response = await call_next(request)
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        # only JSON is replayed (an Excel export is simply run again)
        replayable = response.headers.get("content-type", "").startswith("application/json")
        await anyio.to_thread.run_sync(settle, response.status_code, replayable, body)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(body, status_code=response.status_code, headers=headers,
                        media_type=response.media_type)


def request_fingerprint(path: str, query: str, content_type: str, body: bytes) -> str:
    """SHA-256 of what a POST asks for, the same for the same request sent again.

    A retry is the same request even where its bytes differ: JSON with its keys in
    another order or other spacing, or a multipart upload (a file) whose client picked
    a new boundary, as clients do on every try.
    """
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        with contextlib.suppress(ValueError):  # not JSON after all: the bytes (a 422 follows)
            body = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False,
                              separators=(",", ":")).encode()
    elif kind == "multipart/form-data":
        boundary = next((p.split("=", 1)[1].strip().strip('"').encode()
                         for p in content_type.split(";")[1:]
                         if p.strip().lower().startswith("boundary=")), b"")
        if boundary:
            body = body.replace(boundary, b"")
    return hashlib.sha256(b"\n".join([b"POST", path.encode(), query.encode(), body])
                          ).hexdigest()


def _in_progress() -> JSONResponse:
    return JSONResponse(error_body(
        409, "in_progress", "使用同一 Idempotency-Key 的请求正在处理，请稍后再查询结果",
        "a request with this Idempotency-Key is still being processed: retry shortly"),
        status_code=409)


def _replay(stored: IdempotencyKey, path: str, fingerprint: str) -> Response:
    if stored.path != path or stored.fingerprint not in (None, fingerprint):
        return JSONResponse(error_body(
            422, "key_reused", "该 Idempotency-Key 已用于另一请求，请为新请求换一个键",
            "this Idempotency-Key was used for another request: use a new key"),
            status_code=422)
    if stored.status_code is None:
        return _in_progress()
    content: Any = json.loads(stored.body) if stored.body else None
    return JSONResponse(content, status_code=stored.status_code,
                        headers={"Idempotent-Replayed": "true"})
