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


def _package(module: str) -> str:
    return module.split(".")[0]


def schema_offences(links) -> list[str]:
    """Each (what, referencing module, referenced module) link that runs against the layers.

    A foreign key or relationship is an import in disguise: the referencing model's package
    must be allowed to import the package of the model it points at.
    """
    offences = []
    for what, source, target in links:
        owner, owned = _package(source), _package(target)
        if owned not in ALLOWED.get(owner, set()) | {owner} or owned not in ALLOWED:
            offences.append(f"{what}: {source} → {target}")
    return offences


def _schema_links(app) -> list[tuple[str, str, str]]:
    from tenants.db import db

    mappers = list(db.Model.registry.mappers)
    model_of_table = {m.local_table.name: m.class_ for m in mappers}
    links = []
    for mapper in mappers:
        model = mapper.class_
        for fk in mapper.local_table.foreign_keys:
            target = model_of_table[fk.column.table.name]
            links.append(
                (f"{model.__name__}.{fk.parent.name}", model.__module__, target.__module__)
            )
        for rel in mapper.relationships:
            links.append(
                (f"{model.__name__}.{rel.key}", model.__module__, rel.mapper.class_.__module__)
            )
    return links


def test_foreign_keys_and_relationships_follow_the_layers(app):
    links = _schema_links(app)
    assert any(what == "User.tenant_id" for what, _, _ in links)  # the walk reads the models
    assert schema_offences(links) == []


def test_the_schema_check_reports_a_link_against_the_layers():
    bad = ("User.department_id", "tenants.models", "casework.models")
    good = ("Case.department_id", "casework.models", "tenants.models")
    stray = ("Thing.case_id", "plugins.models", "casework.models")  # outside every layer
    assert schema_offences([bad, good, stray]) == [
        "User.department_id: tenants.models → casework.models",
        "Thing.case_id: plugins.models → casework.models",
    ]
