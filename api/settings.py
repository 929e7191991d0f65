"""Service settings, read once from the environment (prefix ``TALENTMATCH_``).

``TALENTMATCH_DATABASE_URL`` chooses the store: the embedded SQLite file by default,
PostgreSQL (``postgresql+psycopg://user@host/db``) for a multi-user deployment.
Limits on ``k``, page size, upload and body size protect the service from requests
that would otherwise make it slow for everyone.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Everything the service can be configured with."""

    model_config = SettingsConfigDict(env_prefix="TALENTMATCH_", env_file=None)

    database_url: str = "sqlite:///./talentmatch.db"
    #: Signs login tokens. Unset: a random key generated on the first start and kept in
    #: the database (shared by every process on it; see :mod:`api.services.keys`).
    secret_key: str | None = Field(default=None, min_length=16)
    token_ttl_seconds: int = Field(default=8 * 3600, ge=60)
    seed_sample: bool = True
    #: Create the demo accounts (printed at start) when the store has no user yet.
    demo_accounts: bool = True
    max_k: int = Field(default=200, ge=1)
    max_page_size: int = Field(default=200, ge=1)
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_body_bytes: int = Field(default=12 * 1024 * 1024, ge=1024)
    login_attempts: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    #: Threads of a process that run the (CPU-bound) routes at the same time.
    threads: int = Field(default=2, ge=1, le=64)
    #: Processes serving requests (``talentmatch serve --workers``); each holds an index
    #: kept in step through the change feed.
    workers: int = Field(default=1, ge=1, le=64)
    #: Requests one kept-alive connection serves before the server closes it (0: no
    #: limit), so that clients spread again over the worker processes (see
    #: :class:`api.middleware.KeepAliveLimit`).
    keepalive_requests: int = Field(default=1000, ge=0)
    #: Proxies whose X-Forwarded-For names the client (comma-separated; "*": any).
    forwarded_allow_ips: str = "127.0.0.1,::1"
    #: Served recommendations and audit entries are committed behind the request, every
    #: this many milliseconds, in one transaction per process (0: inside each request).
    log_delay_ms: int = Field(default=20, ge=0, le=5000)
    #: Where ``POST /model/train`` also saves the learned scorer (JSON) and start-up loads it.
    model_path: str | None = None


@lru_cache
def get_settings() -> Settings:
    """The settings of this process (read once)."""
    return Settings()
