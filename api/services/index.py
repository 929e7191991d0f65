"""The matching index held by each process of the service, kept in step through the store.

:class:`MatchIndex` wraps a :class:`matcher.Matcher` built from the store, with a lock
(routes run in a thread pool and the matcher's updates are not thread-safe) and the
scorer that serves.

Several processes (``talentmatch serve --workers N``) each hold an index; a write
handled by one must reach all. Every write therefore adds entries to the change feed
(the ``index_changes`` table: "re-read trainee T0001", "re-read posting P0002", "serve
scorer 3") **in the same transaction** as the change (:meth:`MatchIndex.note`), and
every process applies the entries it has not applied yet before it answers from its
index (:meth:`MatchIndex.catch_up`, one indexed query when nothing changed). A write is
thus visible to the next request on any process: a trainee who withdrew consent, was
deleted or was placed leaves every shortlist at once.

Feed ids are assigned when a transaction inserts, not when it commits: on PostgreSQL an
entry with a lower id can become visible after one with a higher id. The reader keeps
the ids above its low-water mark that it has applied and keeps asking for the ones
below them (a gap left by a rolled-back transaction is given up after
``GAP_SECONDS``). SQLite serializes writers, so its ids commit in order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from api.db import write_lock
from api.models import Course, Enterprise, IndexChange, Posting, ScorerModel, Trainee, utcnow
from api.services.tables import (
    course_frame,
    enterprise_frame,
    indexable_trainees,
    market_frames,
    posting_frame,
    trainee_frame,
)
from matcher import Filters, LearnedScorer, Matcher, MatcherError, Normalizer, Recommendation
from matcher.learning import ScorerChoice, choose_scorer
from matcher.unlock import Unlock, what_unlocks

__all__ = ["GAP_SECONDS", "MatchIndex", "chunks", "latest_scorer"]

log = logging.getLogger("talentmatch.index")

_NEWEST = select(func.max(IndexChange.id))

#: Ids re-read per query (an import may change 10^5 rows at once).
CHUNK = 5000

#: How long a missing feed id is waited for before it is taken as rolled back.
GAP_SECONDS = 30.0


def latest_scorer(session: Session) -> LearnedScorer | None:
    """The most recently trained scorer kept in the store (None: none)."""
    body = session.scalar(select(ScorerModel.body).order_by(ScorerModel.id.desc()).limit(1))
    return None if body is None else _scorer_of(body)


def _scorer_of(body: str) -> LearnedScorer:
    try:
        return LearnedScorer.from_dict(json.loads(body))
    except (ValueError, TypeError, KeyError) as exc:  # JSONDecodeError: a ValueError
        raise MatcherError(f"unreadable stored scorer: {exc}") from exc


class MatchIndex:
    """The matcher of this process, with its lock, the chosen scorer and its feed position."""

    def __init__(self, matcher: Matcher, normalizer: Normalizer,
                 choice: ScorerChoice | None = None, *, applied: int = 0,
                 gap_seconds: float = GAP_SECONDS) -> None:
        self.normalizer = normalizer
        self.choice = choice or choose_scorer(None)
        self.matcher = matcher.with_scorer(self.choice.scorer)
        self.lock = threading.RLock()
        #: Every feed entry with an id up to this one has been applied (or given up).
        self.applied = applied
        self._ahead: set[int] = set()  # applied entries above ``applied``
        self._missing_since: float | None = None  # when the current gap was first seen
        self._gap_top = 0  # the highest applied id then
        self.gap_seconds = gap_seconds
        #: Feed entries that could not be applied (logged; see :meth:`catch_up`).
        self.skipped = 0

    @classmethod
    def build(cls, session: Session, normalizer: Normalizer,
              learned: LearnedScorer | None = None, *, gap_seconds: float = GAP_SECONDS
              ) -> MatchIndex:
        """The index of the store as it is now; ``learned`` if no scorer is stored."""
        # Read the feed position first, and only as far as entries older than the gap
        # time: on PostgreSQL an entry with a lower id may still be uncommitted now. The
        # first catch_up re-applies the recent ones (re-reading is idempotent).
        recent = utcnow() - dt.timedelta(seconds=gap_seconds)
        applied = session.scalar(select(func.max(IndexChange.id))
                                 .where(IndexChange.at < recent)) or 0
        try:
            stored = latest_scorer(session)
        except MatcherError:
            stored = None  # an unreadable model: the weighted score serves
        frames = market_frames(session)
        matcher = Matcher.from_tables(frames["trainees"], frames["postings"],
                                      enterprises=frames["enterprises"],
                                      courses=frames["courses"], normalizer=normalizer)
        return cls(matcher, normalizer, choose_scorer(stored or learned),
                   applied=applied, gap_seconds=gap_seconds)

    # -- the change feed ---------------------------------------------------------------

    @staticmethod
    def note(session: Session, kind: str, keys: Iterable[str]) -> None:
        """Add feed entries for ``keys`` to the session's transaction (before its commit)."""
        now = utcnow()
        rows = [{"kind": kind, "key": str(k), "at": now} for k in dict.fromkeys(keys)]
        if rows:
            session.execute(insert(IndexChange), rows)

    @staticmethod
    def note_dependents(session: Session, table: str, keys: Sequence[str]) -> None:
        """Feed entries for what a change of enterprises or courses alters in the index.

        A posting's profile holds its enterprise's industry and area; a trainee's, their
        course's occupation and level.
        """
        for chunk in chunks(keys):
            if table == "enterprises":
                MatchIndex.note(session, "posting", session.scalars(
                    select(Posting.id).where(Posting.enterprise_id.in_(chunk))))
            elif table == "courses":
                MatchIndex.note(session, "trainee", session.scalars(
                    select(Trainee.id).where(Trainee.course_id.in_(chunk))))

    def catch_up(self, session: Session) -> int:
        """Apply the feed entries this process has not applied yet; how many it applied."""
        with self.lock:
            if not self._ahead:  # the usual case: one cheap look at the newest id
                # on the connection: a Core statement, no ORM compile state
                newest = session.connection().execute(_NEWEST).scalar()
                if newest is None or newest <= self.applied:
                    return 0
            rows = session.execute(
                select(IndexChange.id, IndexChange.kind, IndexChange.key)
                .where(self._unseen()).order_by(IndexChange.id)).all()
            new = [r for r in rows if r.id not in self._ahead]
            if new:
                try:
                    self._apply(session, new)
                except DBAPIError:
                    raise  # the store is unreachable or busy: the next request tries again
                except Exception:
                    # An entry that cannot be applied must not fail every request of
                    # every process: skip it, loudly. (The shortlist still checks each
                    # candidate's consent in the store before showing them.)
                    log.exception("skipped %d change-feed entries that could not be "
                                  "applied", len(new))
                    self.skipped += len(new)
                self._ahead.update(r.id for r in new)
            self._advance()
            return len(new)

    def _apply(self, session: Session, rows: Sequence[object]) -> None:
        keys: dict[str, list[str]] = {"trainee": [], "posting": [], "scorer": []}
        for row in rows:
            keys.setdefault(row.kind, []).append(row.key)  # type: ignore[attr-defined]
        if keys["trainee"]:
            self._refresh_trainees(session, list(dict.fromkeys(keys["trainee"])))
        if keys["posting"]:
            self._refresh_postings(session, list(dict.fromkeys(keys["posting"])))
        if keys["scorer"]:
            body = session.scalar(select(ScorerModel.body).where(
                ScorerModel.id == int(keys["scorer"][-1])))
            if body is not None:
                with contextlib.suppress(MatcherError):  # unreadable: keep what serves
                    self.use(choose_scorer(_scorer_of(body)))

    def _unseen(self) -> Any:
        """The condition on feed ids not applied yet: above the low-water mark, without
        the ids already applied above it (a gap must not make every request re-read all
        entries written since, e.g. an import's tens of thousands)."""
        if not self._ahead:
            return IndexChange.id > self.applied
        top = max(self._ahead)
        missing: list[tuple[int, int]] = []  # runs of ids not seen, below ``top``
        previous = self.applied
        for i in sorted(self._ahead):
            if i > previous + 1:
                missing.append((previous + 1, i - 1))
                if len(missing) > 100:  # scattered: one plain range is the cheaper query
                    return IndexChange.id > self.applied
            previous = i
        return or_(IndexChange.id > top, *(IndexChange.id.between(a, b) for a, b in missing))

    def _advance(self) -> None:
        """Move the low-water mark over applied ids; give up ids missing for GAP_SECONDS.

        When a gap is first seen, every id up to the highest applied one is either
        applied or missing; those still missing ``gap_seconds`` later are given up
        together (a rolled-back import leaves thousands of ids that never come).
        """
        while True:
            while self.applied + 1 in self._ahead:
                self._ahead.discard(self.applied + 1)
                self.applied += 1
            if self._missing_since is not None and self.applied >= self._gap_top:
                self._missing_since = None  # that gap filled; one above has its own clock
            if not self._ahead:
                return
            now = time.monotonic()
            if self._missing_since is None:
                self._missing_since, self._gap_top = now, max(self._ahead)
            if now - self._missing_since < self.gap_seconds:
                return
            # rolled back (or pruned): nothing will ever appear up to the gap's top
            self.applied = max(self.applied, self._gap_top)
            self._ahead = {i for i in self._ahead if i > self.applied}
            self._missing_since = None

    def publish(self, session: Session, scorer: LearnedScorer) -> None:
        """Keep a trained scorer in the store; every process serves it if it wins.

        The scorer is announced on the feed, so each process switches at its next
        request (:func:`matcher.learning.choose_scorer` decides whether it serves), and
        a restarted process finds it in the store.
        """
        write_lock(session)
        stored = ScorerModel(body=json.dumps(scorer.to_dict(), ensure_ascii=False))
        session.add(stored)
        session.flush()
        self.note(session, "scorer", [str(stored.id)])
        session.commit()
        self.catch_up(session)

    @staticmethod
    def prune(session: Session, older_than_days: int = 7) -> int:
        """Delete feed entries older than ``older_than_days`` (every index is built later)."""
        cutoff = utcnow() - dt.timedelta(days=older_than_days)
        # The newest entry always stays: SQLite numbers a new row max(id) + 1, and ids
        # that started again at 1 would look already applied to running processes.
        newest = session.scalar(_NEWEST) or 0
        result = session.execute(delete(IndexChange).where(IndexChange.at < cutoff,
                                                           IndexChange.id < newest))
        return int(getattr(result, "rowcount", 0) or 0)

    # -- queries -----------------------------------------------------------------------

    def use(self, choice: ScorerChoice) -> None:
        with self.lock:
            self.choice = choice
            self.matcher = self.matcher.with_scorer(choice.scorer)

    def shortlist(self, posting_id: str, k: int, filters: Filters) -> list[Recommendation]:
        with self.lock:
            return self.matcher.shortlist(posting_id, k, filters)

    def suggest(self, trainee_id: str, k: int, filters: Filters
                ) -> tuple[list[Recommendation], list[Unlock]]:
        with self.lock:
            return (self.matcher.suggest(trainee_id, k, filters),
                    what_unlocks(self.matcher, trainee_id))

    def holds_trainee(self, trainee_id: str) -> bool:
        with self.lock:
            return trainee_id in self.matcher.trainees.row_of

    # -- re-reading from the store ---------------------------------------------------

    def _refresh_trainees(self, session: Session, ids: Sequence[str]) -> None:
        """Re-read these trainees: index those who may be indexed, drop the others."""
        for chunk in chunks(ids):
            keep = indexable_trainees(session, chunk)
            kept = {t.id for t in keep}
            courses = course_frame(session.scalars(
                select(Course).where(Course.id.in_({t.course_id for t in keep}))))
            with self.lock:
                self.matcher.remove_trainees([i for i in chunk if i not in kept])
                if keep:
                    self.matcher.add_trainees(trainee_frame(keep), courses)

    def _refresh_postings(self, session: Session, ids: Sequence[str]) -> None:
        for chunk in chunks(ids):
            postings = list(session.scalars(select(Posting).where(Posting.id.in_(chunk))
                                            .execution_options(populate_existing=True)))
            kept = {p.id for p in postings}
            enterprises = enterprise_frame(session.scalars(select(Enterprise).where(
                Enterprise.id.in_({p.enterprise_id for p in postings}))))
            with self.lock:
                self.matcher.remove_postings([i for i in chunk if i not in kept])
                if postings:
                    self.matcher.add_postings(posting_frame(postings), enterprises)


def chunks(ids: Sequence[str], size: int = CHUNK) -> Iterator[list[str]]:
    """``ids`` in lists of at most ``size``: a query binds one parameter per id, and the
    number is bounded (PostgreSQL's protocol: 65,535; SQLite: 32,766 unless built
    otherwise)."""
    for start in range(0, len(ids), size):
        yield list(ids[start:start + size])
