"""No module keeps state a caller can change: a `global` statement is how one would, and none is left."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_no_function_rebinds_a_module_global() -> None:
    found = [f"{path.relative_to(ROOT)}:{node.lineno}"
             for package in ("core", "bot", "channels", "scheduler")
             for path in sorted((ROOT / package).rglob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Global)]
    assert found == []
