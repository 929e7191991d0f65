"""Learning a scorer from logged outcomes, and choosing which scorer serves.

:func:`outcome_labels` turns an interaction log (recommended, viewed, applied,
interviewed, hired, rejected; rows in the order they happened) into labelled pairs: a
hire is a positive — unless a ``hire_cancelled`` of its pair follows it (recorded by
mistake) — an interview that did not end in a hire a weaker positive (weight 0.3), any
other recommended pair a negative. :func:`train_scorer` fits a
:class:`~matcher.scoring.LearnedScorer` on the pairs of some postings and evaluates it
on the pairs of *other* postings (no posting on both sides), next to the weighted scorer
on the same pairs. :func:`choose_scorer` says which scorer should serve, and why, in a
sentence a bureau can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import GroupShuffleSplit

from matcher.errors import MatcherError
from matcher.matching import Matcher
from matcher.scoring import LearnedScorer, Scorer, WeightedScorer

__all__ = ["MIN_HIRES", "NotEnoughOutcomesError", "ScorerChoice", "choose_scorer",
           "outcome_labels", "train_scorer"]

#: Fewer hires than this in the log: the learned scorer is not trained (it would learn
#: noise), and the weighted scorer keeps serving.
MIN_HIRES = 30
_INTERVIEW_WEIGHT = 0.3


class NotEnoughOutcomesError(MatcherError):
    """The log holds too few outcomes to learn from; ``zh`` says what, in Chinese."""

    def __init__(self, message: str, zh: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh or message

    def __reduce__(self) -> tuple[type[NotEnoughOutcomesError], tuple[str, str]]:
        return type(self), (str(self), self.zh)  # pickles (e.g. across processes)


@dataclass(frozen=True)
class ScorerChoice:
    """The scorer that serves, and the reason in Chinese and English.

    ``candidate`` is the trained scorer that was judged, whether or not it serves: its
    ``metrics_`` say how it did (None at a cold start).
    """

    scorer: Scorer
    reason_zh: str
    reason_en: str
    candidate: LearnedScorer | None = None


def outcome_labels(log: pd.DataFrame) -> pd.DataFrame:
    """Labelled pairs from an interaction log: posting_id, trainee_id, label, weight.

    Examples
    --------
    >>> log = pd.DataFrame({"event": ["recommended", "recommended", "interviewed",
    ...                               "recommended", "hired"],
    ...                     "posting_id": ["p", "p", "p", "q", "q"],
    ...                     "trainee_id": ["a", "b", "b", "c", "c"]})
    >>> outcome_labels(log).to_dict("records")[1]
    {'posting_id': 'p', 'trainee_id': 'b', 'label': 1, 'weight': 0.3}
    """
    missing = {"event", "posting_id", "trainee_id"} - set(log.columns)
    if missing:
        raise ValueError(f"the log needs columns {sorted(missing)}")
    pairs = log[["posting_id", "trainee_id"]].astype(str)
    events = log["event"].astype(str).to_numpy()
    out = pairs[events == "recommended"].drop_duplicates().reset_index(drop=True)
    keys = pd.MultiIndex.from_frame(out)
    is_hired = keys.isin(pd.MultiIndex.from_frame(_hires(pairs, events)))
    is_interviewed = keys.isin(pd.MultiIndex.from_frame(pairs[events == "interviewed"]))
    is_interviewed &= ~is_hired
    out["label"] = (is_hired | is_interviewed).astype(int)
    out["weight"] = np.where(is_interviewed, _INTERVIEW_WEIGHT, 1.0)
    return out


def _hires(pairs: pd.DataFrame, events: np.ndarray) -> pd.DataFrame:
    """The pairs hired: a ``hired`` event not followed, later in the log, by a
    ``hire_cancelled`` of its pair (a hire recorded by mistake, then cancelled).

    >>> log = pd.DataFrame({"posting_id": ["p", "p", "q", "q", "q"],
    ...                     "trainee_id": ["a", "a", "b", "b", "b"]})
    >>> _hires(log, np.array(["hired", "hire_cancelled", "hired", "hire_cancelled",
    ...                       "hired"])).to_dict("records")
    [{'posting_id': 'q', 'trainee_id': 'b'}]
    """
    frame = pairs.assign(position=np.arange(len(pairs)))
    hires = frame[events == "hired"]
    cancels = frame[events == "hire_cancelled"]
    if len(cancels) and len(hires):
        last = cancels.groupby(["posting_id", "trainee_id"])["position"].max()
        cancelled = hires.join(last.rename("cancelled_at"), on=["posting_id", "trainee_id"])
        hires = hires[~(cancelled["cancelled_at"] > cancelled["position"])]
    return hires[["posting_id", "trainee_id"]]


def train_scorer(matcher: Matcher, log: pd.DataFrame, *, test_size: float = 0.25,
                 random_state: int = 0, min_hires: int = MIN_HIRES
                 ) -> tuple[LearnedScorer, dict[str, Any]]:
    """Train a learned scorer on a log; evaluate it on held-out postings.

    Returns the scorer (fitted on all postings of the training side) and its metrics:
    AUC, log loss and Brier score on the test postings, the weighted scorer's AUC on
    the same pairs, and the counts of pairs, hires and postings on each side.
    """
    labels = outcome_labels(log)
    known = labels["posting_id"].isin(matcher.postings.row_of) & labels["trainee_id"].isin(
        matcher.trainees.row_of)
    labels = labels[known].reset_index(drop=True)
    hires = int(((labels["label"] == 1) & (labels["weight"] == 1.0)).sum())
    if hires < min_hires:
        raise NotEnoughOutcomesError(
            f"{hires} hires of recommended trainees logged; at least {min_hires} are needed "
            "to learn from outcomes (hires without a recommendation teach nothing)",
            f"推荐后被录用的记录 {hires} 条，至少需要 {min_hires} 条（未经推荐的录用不能用于学习）")
    features = matcher.pair_features(labels["posting_id"].tolist(),
                                     labels["trainee_id"].tolist())
    y = labels["label"].to_numpy()
    weight = labels["weight"].to_numpy()
    groups = labels["posting_id"].to_numpy()
    if len(np.unique(groups)) < 2:  # one posting to learn from and one to test on, at least
        raise NotEnoughOutcomesError(
            "outcomes of one posting logged; at least two are needed to learn on some "
            "postings and test on others",
            "只有一个岗位有推荐结果，至少需要两个（一部分用于学习，一部分用于检验）")
    split = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train, test = next(split.split(features.values, y, groups))
    if len(np.unique(y[test])) < 2 or len(np.unique(y[train])) < 2:
        raise NotEnoughOutcomesError("the held-out postings have no outcomes of one kind",
                                     "检验用的岗位只有一种结果（全部录用或全部未录用），无法检验")
    scorer = LearnedScorer(random_state=random_state).fit(
        features.values[train], y[train], sample_weight=weight[train], groups=groups[train])
    p = scorer.predict_proba(features.values[test])[:, 1]
    weighted = WeightedScorer().score_pairs(features.take(test)).scores
    metrics: dict[str, Any] = {
        "pairs_train": len(train), "pairs_test": len(test),
        "postings_train": len(np.unique(groups[train])),
        "postings_test": len(np.unique(groups[test])),
        "hires": hires,
        "auc": float(roc_auc_score(y[test], p, sample_weight=weight[test])),
        "auc_weighted": float(roc_auc_score(y[test], weighted, sample_weight=weight[test])),
        "log_loss": float(log_loss(y[test], p, sample_weight=weight[test])),
        "brier": float(brier_score_loss(y[test], p, sample_weight=weight[test])),
    }
    scorer.metrics_ = metrics
    return scorer, metrics


def choose_scorer(learned: LearnedScorer | None, *, min_hires: int = MIN_HIRES) -> ScorerChoice:
    """The learned scorer when it was trained on enough outcomes and beats the weighted
    score on held-out postings; the weighted scorer otherwise.

    Examples
    --------
    >>> choose_scorer(None).reason_en
    'no learned model yet: the transparent weighted score serves (cold start)'
    """
    if learned is None:
        return ScorerChoice(WeightedScorer(), "尚无学习模型：使用透明加权评分（冷启动）",
                            "no learned model yet: the transparent weighted score serves "
                            "(cold start)")
    m = getattr(learned, "metrics_", {}) or {}
    if m.get("hires", 0) < min_hires:
        return ScorerChoice(WeightedScorer(), f"录用结果不足 {min_hires} 条：使用加权评分",
                            f"fewer than {min_hires} hires logged: the weighted score serves",
                            learned)
    if m.get("auc", 0) <= m.get("auc_weighted", 1):
        return ScorerChoice(
            WeightedScorer(),
            f"学习模型在留出岗位上的 AUC {m.get('auc', 0):.3f} 未超过加权评分的 "
            f"{m.get('auc_weighted', 0):.3f}：使用加权评分",
            f"the learned model's held-out AUC {m.get('auc', 0):.3f} does not beat the "
            f"weighted score's {m.get('auc_weighted', 0):.3f}: the weighted score serves",
            learned)
    return ScorerChoice(
        learned,
        f"学习模型基于 {m['hires']} 条录用结果训练，留出岗位 AUC {m['auc']:.3f}"
        f"（加权评分 {m['auc_weighted']:.3f}）",
        f"the learned model, trained on {m['hires']} hires, has held-out AUC "
        f"{m['auc']:.3f} (weighted score {m['auc_weighted']:.3f})", learned)

