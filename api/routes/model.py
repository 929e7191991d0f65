"""Which scorer serves, training the learned scorer, and the normalization preview."""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter
from sqlalchemy import select

from api import access
from api.deps import FreshLog, IndexDep, SessionDep, SettingsDep, UserDep
from api.errors import ConflictError
from api.models import Interaction
from api.schemas import ModelInfo, NormalizedText, NormalizeRequest, OccupationRead, TrainResult
from api.services.index import MatchIndex
from matcher import LearnedScorer
from matcher.learning import NotEnoughOutcomesError, train_scorer
from matcher.levels import format_level

router = APIRouter(tags=["model"])


def _info(index: MatchIndex) -> dict[str, Any]:
    scorer = index.choice.scorer
    # the evaluation of the last trained model, also when the weighted score still serves
    metrics = getattr(index.choice.candidate, "metrics_", None)
    return {"scorer": type(scorer).__name__,
            "learned_available": isinstance(scorer, LearnedScorer),
            "reason_zh": index.choice.reason_zh, "reason_en": index.choice.reason_en,
            "metrics": {k: v for k, v in (metrics or {}).items()
                        if isinstance(v, int | float)} or None}


@router.get("/model", response_model=ModelInfo)
def model_info(who: UserDep, index: IndexDep) -> ModelInfo:
    """Which scorer serves the shortlists, and why."""
    access.check_role(who, "admin", "counselor")
    return ModelInfo(**_info(index))


@router.post("/model/train", response_model=TrainResult, dependencies=[FreshLog])
def train(session: SessionDep, who: UserDep, index: IndexDep, settings: SettingsDep
          ) -> TrainResult:
    """Train the learned scorer on the logged outcomes; it serves only if it is better."""
    access.check_role(who, "admin")
    # in the order the steps happened: a hire_cancelled undoes the hire before it
    rows = session.execute(select(Interaction.kind, Interaction.posting_id,
                                  Interaction.trainee_id).order_by(Interaction.id)).all()
    log = pd.DataFrame(rows, columns=["event", "posting_id", "trainee_id"])
    try:
        with index.lock:
            scorer, _metrics = train_scorer(index.matcher, log)
    except NotEnoughOutcomesError as exc:
        raise ConflictError(f"录用结果不足，暂不能训练模型：{exc.zh}；继续使用加权评分",
                       f"not enough outcomes to train yet ({exc}); the weighted score keeps "
                       "serving", code="not_enough_outcomes") from None
    index.publish(session, scorer)
    if settings.model_path:
        scorer.save(settings.model_path)
    info = _info(index)
    info["metrics"] = {k: v for k, v in scorer.metrics_.items() if isinstance(v, int | float)}
    return TrainResult(**info, trained=True)


@router.post("/normalize", response_model=list[NormalizedText])
def normalize(body: NormalizeRequest, who: UserDep, index: IndexDep) -> list[NormalizedText]:
    """Preview what texts (titles, certificates, skills) are read as."""
    out = []
    norm = index.normalizer
    for text in body.texts:
        with index.lock:
            m = norm.normalize(text)
            found = norm.extract(text)
        out.append(NormalizedText(
            text=text, occupation_code=m.code if m else None,
            occupation_name=m.name if m else None, level=m.level if m else None,
            level_label=format_level(m.level) if m and m.level is not None else None,
            kind=m.kind if m else None, score=m.score if m else None,
            matched=m.matched if m else None,
            found=[OccupationRead(code=f.code, name=f.skill or f.permit or f.name,
                                  score=f.score, matched=f.matched, method=f.kind)
                   for f in found]))
    return out
