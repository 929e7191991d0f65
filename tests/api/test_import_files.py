"""Files as counselors' Excel saves them: GBK CSV is read; unreadable files say what to do."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.test_imports import GOOD

H = dict[str, dict[str, str]]


def _dry_run(client: TestClient, tokens: H, name: str, content: bytes) -> object:
    return client.post("/api/v1/imports/trainees?dry_run=true", headers=tokens["admin"],
                       files={"file": (name, content, "application/octet-stream")})


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_a_csv_saved_by_chinese_excel_is_read(client: TestClient, tokens: H,
                                              encoding: str) -> None:
    response = _dry_run(client, tokens, "学员.csv", GOOD.encode(encoding))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] and body["created"] + body["updated"] == 2, body["problems"]


@pytest.mark.parametrize(("name", "content", "says"), [
    ("t.csv", b"", "文件是空的"),
    ("t.csv", b"\r\n \n", "文件是空的"),
    ("t.xlsx", b"PK\x03\x04 not really a workbook", "有效的 Excel"),
    ("t.csv", b"\xff\xfe\xff\xff", "编码"),
], ids=["empty", "blank", "damaged-xlsx", "unknown-encoding"])
def test_an_unreadable_file_says_what_to_do(client: TestClient, tokens: H, name: str,
                                            content: bytes, says: str) -> None:
    response = _dry_run(client, tokens, name, content)
    assert response.status_code == 422
    error = response.json()["error"]
    assert says in error["message_zh"], error
    assert "codec" not in error["message_zh"] and error["message_en"]
