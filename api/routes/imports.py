"""Imports of the four market tables from CSV or XLSX, and their templates."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api import access
from api.deps import IndexDep, SessionDep, SettingsDep, UserDep
from api.errors import ApiError
from api.services import imports
from matcher.schemas import SCHEMAS

router = APIRouter(prefix="/imports", tags=["imports"])
Table = Annotated[str, Path(pattern="^(enterprises|postings|courses|trainees)$")]


@router.post("/{table}")
async def import_table(table: Table, file: UploadFile, session: SessionDep, who: UserDep,
                       index: IndexDep, settings: SettingsDep,
                       dry_run: Annotated[bool, Query()] = True) -> dict[str, Any]:
    """Upload a table (dry run by default): all rows stored, or none and every problem."""
    access.check_role(who, "admin", "counselor")
    limit = settings.max_upload_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise ApiError(f"文件超过 {limit} 字节上限，请拆分后分批导入",
                       f"the file exceeds the limit of {limit} bytes: split it and import "
                       "the parts", status=413, code="too_large")
    frame = imports.read_table(file.filename or "", content)
    # validation and storing are CPU- and IO-bound: run off the event loop
    return await run_in_threadpool(imports.import_table, session, index, table, frame,
                                   dry_run=dry_run, areas=who.areas)


@router.get("/{table}/template", response_class=Response)
def import_template(table: Table, who: UserDep,
                    format: Annotated[str, Query(pattern="^(xlsx|csv)$")] = "xlsx"
                    ) -> Response:
    """An empty table with the Chinese headers of the import."""
    media = ("text/csv" if format == "csv" else
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = quote(f"{SCHEMAS[table].label}导入模板.{format}")
    return Response(imports.template(table, format), media_type=media,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})
