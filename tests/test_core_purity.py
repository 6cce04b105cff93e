"""The domain core must stay framework-free and free of import cycles.

Every import form counts: `import x`, `import x.y as z`, `from x import y`, relative imports
(`from ..extensions import db` leaves the core), and imports hidden under `if TYPE_CHECKING:`
or inside functions (ast.walk sees them all).
"""

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "hiring" / "core"
FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_migrate",
             "flask_limiter", "flask_talisman", "sqlalchemy", "alembic", "werkzeug", "jinja2",
             "wtforms", "markupsafe", "itsdangerous", "weasyprint", "redis", "psycopg")


def imported_modules(path: Path) -> list[str]:
    """Absolute dotted names of every module `path` imports (relative ones resolved)."""
    package = ["hiring", "core"]  # every file here is a module of hiring.core
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # "." is hiring.core, ".." is hiring, "..." leaves the package
                prefix = ".".join(package[:max(len(package) - node.level + 1, 0)])
                if node.module:
                    names.append(f"{prefix}.{node.module}" if prefix else node.module)
                else:
                    names += [f"{prefix}.{a.name}" if prefix else a.name for a in node.names]
            else:
                names.append(node.module)
                names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def test_the_resolver_sees_every_form(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import flask\nimport werkzeug.utils as wu\nfrom sqlalchemy import select\n"
        "from ..extensions import db\nfrom .. import models\nfrom . import scoring\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from jinja2 import Template\n"
        "def f():\n    import wtforms\n")
    found = imported_modules(sample)
    for name in ("flask", "werkzeug.utils", "sqlalchemy", "hiring.extensions", "hiring.models",
                 "hiring.core.scoring", "jinja2", "wtforms"):
        assert name in found
    assert offenders_in(sample) == ["sample.py: flask", "sample.py: werkzeug.utils",
                                    "sample.py: sqlalchemy", "sample.py: sqlalchemy.select",
                                    "sample.py: hiring.extensions", "sample.py: hiring.models",
                                    "sample.py: jinja2", "sample.py: jinja2.Template",
                                    "sample.py: wtforms"]


def offenders_in(path: Path) -> list[str]:
    bad = []
    for name in imported_modules(path):
        top = name.split(".")[0]
        leaves_core = name.startswith("hiring.") and not name.startswith("hiring.core")
        if top in FORBIDDEN or leaves_core or name == "hiring":
            bad.append(f"{path.name}: {name}")
    return bad


def test_core_imports_no_framework_and_nothing_outside_the_core():
    offenders = [o for path in sorted(CORE.glob("*.py")) for o in offenders_in(path)]
    assert offenders == []
    assert len(list(CORE.glob("*.py"))) >= 3


def core_graph() -> dict[str, set[str]]:
    modules = {p.stem for p in CORE.glob("*.py") if p.stem != "__init__"}
    graph = {}
    for module in modules:
        edges = set()
        for name in imported_modules(CORE / f"{module}.py"):
            parts = name.split(".")
            if parts[:2] == ["hiring", "core"] and len(parts) > 2 and parts[2] in modules:
                edges.add(parts[2])
        graph[module] = edges - {module}
    return graph


def test_core_has_no_import_cycles():
    graph = core_graph()
    state: dict[str, int] = {}

    def visit(node, path):
        if state.get(node) == 1:
            pytest.fail("import cycle: " + " -> ".join(path + [node]))
        if state.get(node) == 2:
            return
        state[node] = 1
        for nxt in sorted(graph[node]):
            visit(nxt, path + [node])
        state[node] = 2

    for module in sorted(graph):
        visit(module, [])
    assert "scoring" not in graph["explain"]  # the explanation consumes the result
