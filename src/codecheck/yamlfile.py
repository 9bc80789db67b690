"""Reading codecheck's own YAML data files (the Code catalogue, rule packs): one place
for the errors a person sees — the file as they would type it, the line and column of
bad YAML — never a traceback."""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from codecheck.errors import ConfigError


def display(path: Path | Traversable) -> str:
    """The path as a person would type it: relative to the working directory if inside it."""
    if isinstance(path, Path):
        for candidate in (path.resolve(), path.absolute()):
            try:
                return str(candidate.relative_to(Path.cwd()))
            except (ValueError, OSError):
                continue
    return str(path)


def read_text(path: Path | Traversable, name: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{name}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}: cannot read: {exc}") from None


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (ten times faster on the rule packs,
measured: 0.05 s against 0.53 s), else the pure-Python one; both safe, both keep line numbers."""


def parse(raw: str, name: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for line numbers) and its data, from one safe parse."""
    loader = _LOADER(raw)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(f"{name}{where}: invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def load_mapping(path: Path | Traversable, expected: str) -> tuple[str, yaml.Node | None, dict]:
    """(display name, node tree, data) of a YAML file that must hold a mapping."""
    name = display(path)
    root, data = parse(read_text(path, name), name)
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: expected a mapping with keys {expected}")
    return name, root, data
