"""The matching library stays a library: no web framework, database, API layer or
environment configuration inside ``matcher/``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import matcher

PACKAGE = Path(matcher.__file__).resolve().parent
FORBIDDEN_MODULES = {"fastapi", "sqlalchemy", "starlette", "api"}
FORBIDDEN_OS = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
SOURCES = sorted(PACKAGE.rglob("*.py"))


def violations(source: str) -> list[str]:
    """What in ``source`` breaks the layering, one line per finding."""
    found = []
    for node in ast.walk(ast.parse(source)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                modules = [node.module]
            elif node.level >= 2:  # relative import reaching above the package
                modules = [node.module or alias.name for alias in node.names]
            if node.module == "os":
                found += [
                    f"line {node.lineno}: from os import {alias.name}"
                    for alias in node.names
                    if alias.name in FORBIDDEN_OS
                ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and getattr(node.func, "id", getattr(node.func, "attr", ""))
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            modules = [node.args[0].value]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in FORBIDDEN_OS
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ):
            found.append(f"line {node.lineno}: os.{node.attr}")
        found += [
            f"line {node.lineno}: imports {name}"
            for name in modules
            if name.split(".")[0] in FORBIDDEN_MODULES
        ]
    return found


def test_package_has_sources() -> None:
    assert PACKAGE / "__init__.py" in SOURCES
    assert len(SOURCES) >= 5


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(PACKAGE)) for p in SOURCES])
def test_module_respects_layers(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8")) == []


BAD_SNIPPETS = [
    "import fastapi",
    "from fastapi import FastAPI",
    "import sqlalchemy.orm",
    "from starlette.requests import Request",
    "import api",
    "from api.routes import router",
    "from ..api import app",
    "import importlib\nimportlib.import_module('sqlalchemy')",
    "import os\nos.environ['X']",
    "import os\nos.environ.get('X')",
    "import os\nos.getenv('X')",
    "from os import environ",
    "from os import getenv as g",
    "def f():\n    import os\n    return os.getenv('X')",
]
GOOD_SNIPPETS = [
    "import os\nos.path.join('a', 'b')",
    "from pathlib import Path",
    "import apis_helper",
    "from matcher.taxonomy import Taxonomy",
    "from . import text",
    "api = 'not an import'",
]


@pytest.mark.parametrize("source", BAD_SNIPPETS, ids=BAD_SNIPPETS)
def test_checker_flags(source: str) -> None:
    assert violations(source)


@pytest.mark.parametrize("source", GOOD_SNIPPETS, ids=GOOD_SNIPPETS)
def test_checker_allows(source: str) -> None:
    assert violations(source) == []
