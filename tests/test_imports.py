"""Imports run one way: web → jobs → casework → tenants (architecture.md)."""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
ALLOWED = {
    "tenants": set(),
    "casework": {"tenants"},
    "jobs": {"casework", "tenants"},
    "web": {"jobs", "casework", "tenants"},
}


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_import_direction():
    offenders = []
    for package, allowed in ALLOWED.items():
        for path in (ROOT / package).rglob("*.py"):
            ours = _imports(path) & set(ALLOWED)
            bad = ours - allowed - {package}
            if bad:
                offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offenders == []


def test_domain_knows_nothing_of_http():
    # Flask-Babel's lazy strings are allowed; Flask itself (request, g, session) is not.
    for path in (ROOT / "casework").rglob("*.py"):
        assert "flask" not in _imports(path), path.name
        text = path.read_text(encoding="utf-8")
        for word in ("from flask import", "import flask\n", "werkzeug"):
            assert word not in text, f"{path.name} mentions {word!r}"
