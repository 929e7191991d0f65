"""The FastAPI application: :func:`create_app` wires settings, store, index and routes.

Nothing is created at import: the lifespan opens the engine, migrates the database,
seeds the bundled sample market into an empty store (unless ``seed_sample`` is off),
creates the demo accounts, reads (or generates) the token signing key, builds the
matching index from the store and keeps them on ``app.state``.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
from anyio import to_thread
from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy import Engine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.db import GroupWriter, make_engine, make_sessionmaker, migrate, write_lock
from api.deps import admit
from api.errors import install_error_handlers
from api.middleware import BodyLimit, Idempotency, KeepAliveLimit
from api.routes import (
    auth,
    courses,
    enterprises,
    imports,
    matching,
    metrics,
    model,
    outcomes,
    plans,
    postings,
    reports,
    system,
    trainees,
)
from api.services.bootstrap import DemoAccount, ensure_demo_accounts, is_empty, seed_sample
from api.services.index import MatchIndex
from api.services.keys import signing_key
from api.services.logins import StoredLoginLimiter
from api.services.outcomes import credit_late_recommendations
from api.settings import Settings
from matcher import LearnedScorer, MatcherError, Normalizer

__all__ = ["Prepared", "create_app", "prepare_store"]

log = logging.getLogger("talentmatch.api")


def _learned(settings: Settings) -> LearnedScorer | None:
    if settings.model_path and Path(settings.model_path).is_file():
        try:
            return LearnedScorer.load(settings.model_path)
        except MatcherError as exc:
            log.warning("ignoring the model at %s: %s", settings.model_path, exc)
    return None


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare_store` did: the rows seeded, the demo accounts made, the key."""

    seeded: dict[str, int] | None
    accounts: list[DemoAccount]
    secret_key: str


def prepare_store(engine: Engine, settings: Settings, normalizer: Normalizer) -> Prepared:
    """Migrate the store, seed the sample into an empty one, make the demo accounts.

    Run once by ``talentmatch serve`` before it starts several worker processes (so that
    they do not seed concurrently), and by every process's start-up (then a no-op).
    Feed entries older than a week are pruned: every index is built after them.
    """
    migrate(engine)
    with make_sessionmaker(engine)() as session:
        # Workers start together and each prepares too: take SQLite's write lock up front
        # (a read transaction that turns into a write fails at once with "database is
        # locked" when another process wrote meanwhile; this waits its turn).
        write_lock(session)
        seeded = None
        if settings.seed_sample and is_empty(session):
            seeded = seed_sample(session, normalizer)
        accounts = ensure_demo_accounts(session) if settings.demo_accounts else []
        MatchIndex.prune(session)
        session.commit()
        secret_key = signing_key(session, settings.secret_key)
    return Prepared(seeded, accounts, secret_key)


def create_app(settings: Settings | None = None, *, normalizer: Normalizer | None = None
               ) -> FastAPI:
    """The service. ``normalizer`` may be shared between apps (tests); it is built once."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, threads=settings.threads)
        sessions = make_sessionmaker(engine)
        norm = normalizer or Normalizer.default()
        prepared = prepare_store(engine, settings, norm)
        with sessions() as session:
            index = MatchIndex.build(session, norm, _learned(settings))
        if prepared.seeded:
            log.info("seeded the sample market: %s", prepared.seeded)
        for a in prepared.accounts:
            print(a.line())
        app.state.engine = engine
        app.state.sessionmaker = sessions
        app.state.secret_key = prepared.secret_key
        app.state.index = index
        app.state.writer = GroupWriter(sessions, delay=settings.log_delay_ms / 1000,
                                       after_insert=credit_late_recommendations)
        app.state.demo_accounts = prepared.accounts
        app.state.login_limiter = StoredLoginLimiter(settings.login_attempts,
                                                     settings.login_window_seconds)
        # Routes that score are CPU-bound Python: threads beyond a few only fight over
        # the GIL (measured: 12 → 6 ms of CPU per shortlist going from 40 threads to 2).
        # As many requests are let in at once (api.deps.admit), so none waits for a
        # thread while it holds a database connection.
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        app.state.admission = anyio.Semaphore(settings.threads)
        # The index and the normalizer are ~500k Python objects at 100k trainees that
        # live as long as the process. Left to the garbage collector, every full
        # collection walks them all (270 ms at 100k trainees, measured), stopping every
        # request of the process meanwhile. Frozen, collections skip them (objects made
        # later, e.g. by index updates, are collected as usual).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()  # an app started again in this process (tests) must not pile up
            app.state.writer.close()
            engine.dispose()

    app = FastAPI(title="talentmatch", version="0.1.0", lifespan=lifespan,
                  description="达州技能人才岗位匹配服务 / Dazhou skilled-worker matching service")
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(Idempotency)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # X-Forwarded-For from a trusted proxy, applied here (uvicorn's own is off, see
    # api.cli): KeepAliveLimit, outside it, still sees the connection's own address.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    app.add_middleware(KeepAliveLimit, max_requests=settings.keepalive_requests)
    app.include_router(system.router)
    v1 = APIRouter(prefix="/api/v1", dependencies=[Depends(admit)])
    for module in (auth, enterprises, postings, courses, trainees, matching, outcomes,
                   imports, metrics, model, plans, reports):
        v1.include_router(module.router)
    app.include_router(v1)
    return app
