"""The domain core must stay framework-free."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "hiring" / "core"
FORBIDDEN = ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "jinja2")


def test_core_imports_neither_flask_nor_sqlalchemy():
    offenders = []
    for path in CORE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
    assert len(list(CORE.glob("*.py"))) >= 3
