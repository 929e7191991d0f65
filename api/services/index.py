"""The matching index held by the running service, kept in step with the store.

:class:`MatchIndex` wraps a :class:`matcher.Matcher` built from the store, with a lock
(routes run in a thread pool and the matcher's updates are not thread-safe) and the
scorer that serves. After each write, the routes call :meth:`refresh_trainees` or
:meth:`refresh_postings`: a trainee who withdrew consent, was deleted or is no longer
seeking leaves the index at once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Course, Enterprise, Posting
from api.services.tables import (
    course_frame,
    enterprise_frame,
    indexable_trainees,
    market_frames,
    posting_frame,
    trainee_frame,
)
from matcher import Filters, LearnedScorer, Matcher, Normalizer, Recommendation
from matcher.learning import ScorerChoice, choose_scorer
from matcher.unlock import Unlock, what_unlocks

__all__ = ["MatchIndex"]


class MatchIndex:
    """The matcher of this process, with its lock and the chosen scorer."""

    def __init__(self, matcher: Matcher, normalizer: Normalizer,
                 choice: ScorerChoice | None = None) -> None:
        self.normalizer = normalizer
        self.choice = choice or choose_scorer(None)
        self.matcher = matcher.with_scorer(self.choice.scorer)
        self.lock = threading.RLock()

    @classmethod
    def build(cls, session: Session, normalizer: Normalizer,
              learned: LearnedScorer | None = None) -> MatchIndex:
        frames = market_frames(session)
        matcher = Matcher.from_tables(frames["trainees"], frames["postings"],
                                      enterprises=frames["enterprises"],
                                      courses=frames["courses"], normalizer=normalizer)
        return cls(matcher, normalizer, choose_scorer(learned))

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

    def refresh_trainees(self, session: Session, ids: Sequence[str]) -> None:
        """Re-read these trainees: index those who may be indexed, drop the others."""
        keep = indexable_trainees(session, ids)
        courses = course_frame(session.scalars(
            select(Course).where(Course.id.in_({t.course_id for t in keep}))))
        with self.lock:
            self.matcher.remove_trainees([i for i in ids if i not in {t.id for t in keep}])
            if keep:
                self.matcher.add_trainees(trainee_frame(keep), courses)

    def refresh_postings(self, session: Session, ids: Sequence[str]) -> None:
        postings = list(session.scalars(select(Posting).where(Posting.id.in_(list(ids)))
                                        .execution_options(populate_existing=True)))
        enterprises = enterprise_frame(session.scalars(select(Enterprise).where(
            Enterprise.id.in_({p.enterprise_id for p in postings}))))
        with self.lock:
            self.matcher.remove_postings([i for i in ids if i not in {p.id for p in postings}])
            if postings:
                self.matcher.add_postings(posting_frame(postings), enterprises)
