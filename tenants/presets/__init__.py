"""Tenant presets: each organisation's rules from rules.md as starting data.

A preset is one TOML file in this folder (``mall.toml``), checked against :class:`Preset`;
its demo tenant, staff and sample cases live apart in ``demo/<name>.toml``. Adding a file
adds a preset: nothing else lists them. Numbers are defaults the tenant admin may change.
"""

from __future__ import annotations

import functools
import pathlib
import tomllib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .schema import (
    Demo,
    DemoCase,
    DemoUser,
    Preset,
    PresetCategory,
    PresetCause,
    PresetDay,
    PresetDepartment,
    PresetRoute,
)

__all__ = [
    "Demo",
    "DemoCase",
    "DemoUser",
    "Preset",
    "PresetCategory",
    "PresetCause",
    "PresetDay",
    "PresetDepartment",
    "PresetRoute",
    "PresetError",
    "available",
    "check_preset",
    "demos",
    "load_demo",
    "load_preset",
    "parse_preset",
    "read_demo",
    "read_preset",
]

FOLDER = pathlib.Path(__file__).resolve().parent
DEMO_FOLDER = FOLDER / "demo"
M = TypeVar("M", bound=BaseModel)


class PresetError(ValueError):
    """A preset or demo file that cannot be used, naming the file and the key at fault."""


def available() -> list[str]:
    """The names of the presets there are files for, sorted."""
    return sorted(p.stem for p in FOLDER.glob("*.toml"))


def demos() -> list[str]:
    """The names of the presets that have demo data, sorted."""
    return sorted(p.stem for p in DEMO_FOLDER.glob("*.toml") if (FOLDER / p.name).is_file())


@functools.cache
def load_preset(name: str) -> Preset:
    """The preset called ``name``; KeyError names the ones there are."""
    return read_preset(_path(FOLDER, name, available()))


@functools.cache
def load_demo(name: str) -> Demo:
    """The demo data of preset ``name``; KeyError names the presets that have some."""
    return read_demo(_path(DEMO_FOLDER, name, demos()), load_preset(name))


def read_preset(path: pathlib.Path) -> Preset:
    """Read and check one preset file; :class:`PresetError` says what is wrong where."""
    return _read(path, Preset)


def parse_preset(text: str, source: str) -> Preset:
    """Check a preset's TOML text (an uploaded configuration file, say) as a file is checked.

    ``source`` names the text in messages: :class:`PresetError` says "<source>: <key>: …".
    """
    return _parse(text, source, Preset)


def check_preset(data: dict[str, Any], source: str) -> Preset:
    """Check a preset's data as a file's is checked (an export read back from the database)."""
    return _check(data, source, Preset)


def read_demo(path: pathlib.Path, preset: Preset) -> Demo:
    """Read and check one demo file against its preset."""
    return _read(path, Demo, {"preset": preset})


def _path(folder: pathlib.Path, name: str, names: list[str]) -> pathlib.Path:
    if name not in names:
        raise KeyError(f"unknown preset {name!r}; choose one of {names}")
    return folder / f"{name}.toml"


def _read(path: pathlib.Path, model: type[M], context: dict[str, Any] | None = None) -> M:
    return _parse(path.read_text(encoding="utf-8"), path.name, model, context)


def _parse(text: str, source: str, model: type[M], context: dict[str, Any] | None = None) -> M:
    """The one reader: files on disk and uploaded text alike, errors naming ``source``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per level of nested arrays and tables
        raise PresetError(f"{source}: not valid TOML: nested too deeply") from None
    return _check(data, source, model, context)


def _check(
    data: dict[str, Any], source: str, model: type[M], context: dict[str, Any] | None = None
) -> M:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        problems = "; ".join(_problem(err) for err in exc.errors())
        raise PresetError(f"{source}: {problems}") from None


def _problem(err: Any) -> str:
    where = ".".join(str(part) for part in err["loc"]) or "(top level)"
    got = err.get("input")
    shown = f" (got {got!r})" if isinstance(got, str | int | float) else ""
    return f"{where}: {err['msg']}{shown}"
