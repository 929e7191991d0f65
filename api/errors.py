"""One JSON error shape for every failure, with messages in Chinese and English.

Every error response is ``{"error": {"status", "code", "message_zh", "message_en",
"details"}}``. Routes and services raise :class:`ApiError` (or a subclass naming its
status); database constraint violations → 409; library errors are mapped here
(:class:`~matcher.matching.UnknownIdError` → 404, other
:class:`~matcher.errors.MatcherError` → 422), request validation → 422 with every bad
field (named by its import column's Chinese header, :func:`field_label`), unknown
routes → 404, and anything unexpected → 500 without internals.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from matcher.errors import MatcherError
from matcher.matching import UnknownIdError
from matcher.schemas import SCHEMAS

__all__ = ["ApiError", "ConflictError", "ForbiddenError", "NotFoundError",
           "UnauthorizedError", "UnprocessableError", "error_body", "field_label",
           "install_error_handlers"]

log = logging.getLogger("talentmatch.api")


class ApiError(Exception):
    """An error a person can act on: status, a code and the message in both languages."""

    status = 400
    code = "bad_request"

    def __init__(self, message_zh: str, message_en: str, *, details: Any = None,
                 headers: dict[str, str] | None = None, status: int | None = None,
                 code: str | None = None) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details
        self.headers = headers
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class UnauthorizedError(ApiError):
    status, code = 401, "unauthorized"


class ForbiddenError(ApiError):
    status, code = 403, "forbidden"


class NotFoundError(ApiError):
    status, code = 404, "not_found"


class ConflictError(ApiError):
    status, code = 409, "conflict"


class UnprocessableError(ApiError):
    status, code = 422, "invalid"


def not_found(what_zh: str, what_en: str, key: object) -> NotFoundError:
    return NotFoundError(f"未找到{what_zh}：{key}", f"no {what_en} with id {key!r}")


def error_body(status: int, code: str, message_zh: str, message_en: str,
               details: Any = None) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message_zh": message_zh,
                      "message_en": message_en, "details": details}}


def _json(status: int, code: str, zh: str, en: str, details: Any = None,
          headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, zh, en, details), status_code=status,
                        headers=headers)


_HTTP_MESSAGES = {
    404: ("not_found", "请求的地址不存在", "no such endpoint"),
    405: ("method_not_allowed", "该地址不支持此请求方法", "this method is not allowed here"),
    413: ("too_large", "请求内容过大", "the request body is too large"),
}


#: Chinese for pydantic's error types (``ctx`` values fill the braces).
_VALIDATION_ZH = {
    "missing": "必填", "extra_forbidden": "不能有此字段", "json_invalid": "JSON 格式有误",
    "string_too_long": "最长 {max_length} 个字符", "string_too_short": "至少 {min_length} 个字符",
    "string_pattern_mismatch": "格式不符（须符合 {pattern}）", "string_type": "须为文本",
    "greater_than_equal": "须 ≥ {ge}", "less_than_equal": "须 ≤ {le}",
    "greater_than": "须 > {gt}", "less_than": "须 < {lt}",
    "int_parsing": "须为整数", "int_type": "须为整数", "int_from_float": "须为整数",
    "float_parsing": "须为数字", "float_type": "须为数字",
    "bool_parsing": "须为 true 或 false", "bool_type": "须为 true 或 false",
    "date_from_datetime_parsing": "须为日期，如 2025-06-30",
    "date_parsing": "须为日期，如 2025-06-30", "date_type": "须为日期，如 2025-06-30",
    "literal_error": "取值须为：{expected}", "enum": "取值须为：{expected}",
    "too_long": "最多 {max_length} 项", "too_short": "至少 {min_length} 项",
    "list_type": "须为列表", "dict_type": "须为对象", "model_type": "须为对象",
    "model_attributes_type": "须为 JSON 对象",
}


def validation_zh(error: Any) -> str:
    """A person's reading of one of pydantic's errors, in Chinese."""
    kind = str(error.get("type", ""))
    if kind == "value_error":  # our validators' own (bilingual) messages
        return str(error.get("msg", "")).removeprefix("Value error, ")
    try:
        return _VALIDATION_ZH[kind].format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return "取值无效"


def _location(error: Any) -> list[str]:
    """Where the error is; for JSON that cannot be parsed, the body (pydantic adds the
    character position, which is no field)."""
    location = [str(p) for p in error.get("loc", ())]
    return location[:1] if error.get("type") == "json_invalid" else location


#: Request fields of a table other than the one a path names: (table, column).
_FIELD_COLUMNS = {"consent_recommend": ("trainees", "consent"),
                  "consent_share_contact": ("trainees", "consent_share_contact")}
#: Chinese names of request fields that are no import column.
_REQUEST_FIELDS = {"posting_ids": "岗位编号列表", "trainee_ids": "学员编号列表",
                   "mode": "方案类型", "length": "名单长度", "per_trainee": "每人名单数上限",
                   "fill": "补足名单", "level_tolerance": "等级放宽级数",
                   "require_area": "限定意向区域", "reason": "原因", "k": "名单人数",
                   "page": "页码", "page_size": "每页条数",
                   "spread": "分散推荐"}


def field_label(field: str, table: str | None = None) -> str:
    """The Chinese name of a request field of ``table`` (an import table, or None): the
    header of its column in the import template (:data:`matcher.schemas.SCHEMAS`), the
    table's key for ``id``; an id of another table (``posting_id``…) by that table's
    key; otherwise the field as it is called.

    Examples
    --------
    >>> field_label("expected_wage", "trainees"), field_label("area", "postings")
    ('期望月薪', '工作地点')
    >>> field_label("id", "courses"), field_label("trainee_id"), field_label("page")
    ('班次编号', '学员编号', '页码')
    >>> field_label("per_trainee")
    '每人名单数上限'
    """
    table, name = _FIELD_COLUMNS.get(field, (table, field))
    if table in SCHEMAS:
        schema = SCHEMAS[table]
        name = schema.key if name == "id" else name
        if any(name == c.name for c in schema.columns):
            return schema.column(name).label
    # other tables only by their key: a column name alone (area, status) may be another
    # thing in another table (所在区域, 工作地点)
    return next((s.column(s.key).label for s in SCHEMAS.values() if s.key == name),
                _REQUEST_FIELDS.get(field, field))


def _table_of(path: str) -> str | None:
    """The import table a request path is about (``/api/v1/trainees/T1`` → trainees)."""
    return next((part for part in path.split("/") if part in SCHEMAS), None)


def _field(location: list[str], table: str | None = None) -> str:
    """Where a validation error is, as a person reads it: the fields' Chinese names."""
    parts = [field_label(p, table) for p in location
             if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ("请求体" if location[:1] == ["body"] else "请求")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_request: Request, exc: ApiError) -> JSONResponse:
        return _json(exc.status, exc.code, exc.message_zh, exc.message_en, exc.details,
                     exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        table = _table_of(request.url.path)
        details = [{"location": _location(e), "label": _field(_location(e), table),
                    "message": e.get("msg"), "message_zh": validation_zh(e),
                    "type": e.get("type")} for e in exc.errors()]
        fields = "；".join(f"{d['label']}：{d['message_zh']}" for d in details[:5])
        return _json(422, "invalid", f"请求参数有误：{fields}。请修改后重试",
                     "the request is invalid: fix the fields listed in details", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, zh, en = _HTTP_MESSAGES.get(
            exc.status_code, ("http_error", "请求无法处理", str(exc.detail)))
        return _json(exc.status_code, code, zh, en, None, getattr(exc, "headers", None))

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, _exc: IntegrityError) -> JSONResponse:
        # e.g. a USCC another enterprise has: a conflict with stored data, not a crash
        return _json(409, "conflict", "与已有记录冲突（例如统一社会信用代码重复），请核对后重试",
                     "this conflicts with a stored record (e.g. a duplicate USCC): check "
                     "the values and try again")

    @app.exception_handler(DataError)
    async def _data(_request: Request, _exc: DataError) -> JSONResponse:
        # the store refused a value of the request (PostgreSQL: a NUL character in text,
        # a number out of range): the request is at fault, not the server
        return _json(422, "invalid", "请求中有无法处理的字符或数值（例如空字符 \\0），请修改后重试",
                     "the request holds a character or value the store cannot take "
                     "(e.g. a NUL character): fix it and try again")

    @app.exception_handler(UnknownIdError)
    async def _unknown(_request: Request, exc: UnknownIdError) -> JSONResponse:
        return _json(404, "not_found", f"匹配索引中没有该编号：{exc}", str(exc))

    @app.exception_handler(MatcherError)
    async def _matcher(_request: Request, exc: MatcherError) -> JSONResponse:
        return _json(422, "invalid", f"无法处理：{exc}", str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _json(500, "internal", "服务器内部错误，请稍后重试或联系管理员",
                     "internal server error: try again later or contact the administrator")
