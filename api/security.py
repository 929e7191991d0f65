"""Passwords, login tokens and the login rate limit.

Passwords are stored as scrypt hashes (``scrypt$n$r$p$salt$hash``, compared in constant
time). Tokens are stateless and signed (HMAC-SHA256 over the user id and expiry with the
service's signing key, see :mod:`api.services.keys`). :class:`LoginLimiter` counts
failed attempts per user name and client in a sliding window; over the limit, login
answers 429 with ``Retry-After``. Its memory is bounded: expired entries are dropped and
at most ``max_keys`` keys are tracked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque

__all__ = ["LoginLimiter", "hash_password", "issue_token", "read_token", "verify_password"]

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n),
                                r=int(r), p=int(p), dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual.hex(), digest)


def _sign(secret: str, payload: str) -> str:
    mac = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def issue_token(secret: str, user_id: int, ttl_seconds: int, *, now: float | None = None
                ) -> str:
    expires = int((now if now is not None else time.time()) + ttl_seconds)
    payload = f"{user_id}.{expires}"
    return f"{payload}.{_sign(secret, payload)}"


def read_token(secret: str, token: str, *, now: float | None = None) -> int | None:
    """The user id of a valid, unexpired token; None otherwise."""
    if not token.isascii():  # a tampered token; compare_digest refuses non-ASCII str
        return None
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_sign(secret, payload), parts[2]):
        return None
    if int(parts[1]) < (now if now is not None else time.time()):
        return None
    return int(parts[0])


class LoginLimiter:
    """Failed logins per key in a sliding window (in memory, per process).

    A key keeps only its last ``attempts`` failures (all the window needs), and keys are
    ordered by their last failure: keys whose failures all expired are dropped from the
    front, and past ``max_keys`` the key that failed longest ago is forgotten, so that a
    flood of made-up user names cannot exhaust the memory.
    """

    def __init__(self, attempts: int, window_seconds: float, *, max_keys: int = 10_000
                 ) -> None:
        self.attempts = attempts
        self.window = window_seconds
        self.max_keys = max_keys
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """The number of keys tracked."""
        return len(self._failures)

    def _drop_expired(self, now: float) -> None:
        while self._failures:
            newest = next(iter(self._failures.values()))[-1]
            if newest > now - self.window:
                break
            self._failures.popitem(last=False)

    def retry_after(self, key: str, *, now: float | None = None) -> int:
        """Seconds to wait before trying again (0: may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._drop_expired(now)
            failures = self._failures.get(key)
            if failures is None or len(failures) < self.attempts:
                return 0
            oldest = failures[0]
            if oldest <= now - self.window:
                return 0
            return max(1, int(oldest + self.window - now + 0.999))

    def failed(self, key: str, *, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._drop_expired(now)
            failures = self._failures.pop(key, None) or deque(maxlen=self.attempts)
            failures.append(now)
            self._failures[key] = failures  # now the most recent key: at the end
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
