"""The shared vocabulary of document rules: named fragments of pattern, defined once.

``rules/vocabulary.yaml`` names fragments (``stage1``, ``respond``, ``working_days``...);
a pattern in a rule pack or in the statement reader writes ``{stage1}`` where it means
any of the ways landlords say "stage 1". :func:`expand` replaces each name with its
fragment, as one non-capturing group, fragments inside fragments included. Counts such
as ``{0,80}`` are not names (a name starts with a letter) and are left alone.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from codecheck import yamlfile
from codecheck.errors import ConfigError

NAME = re.compile(r"\{([a-z][a-z0-9_]*)\}")
FILE = "vocabulary.yaml"


class UnknownFragment(ValueError):
    """A pattern names a fragment the vocabulary does not define."""


def rules_directory() -> Path | Traversable:
    """Where codecheck's rule data is: installed package data (``codecheck/data``), else the repo's rules/."""
    candidates: list[Path | Traversable] = []
    try:
        candidates.append(resources.files("codecheck") / "data")
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        pass
    candidates.append(Path(__file__).resolve().parents[3] / "rules")
    for candidate in candidates:
        if candidate.is_dir() and (candidate / FILE).is_file():
            return candidate
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"rules directory not found (looked in: {', '.join(str(c) for c in candidates)})")


def _alternatives(value: object, where: str) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return "|".join(v.strip() for v in value)
    raise ConfigError(f"{where}: a fragment is a pattern or a list of patterns")


@functools.lru_cache(maxsize=1)
def fragments() -> dict[str, str]:
    """The vocabulary's fragments, each fully expanded (read once). Their patterns are compiled
    where the rules use them, not here (start-up time); :func:`check_fragments` compiles each,
    and the test suite runs it."""
    return _fragments(compile_each=False)


def check_fragments() -> dict[str, str]:
    """The fragments, each compiled: a ConfigError names one that is not a valid pattern."""
    return _fragments(compile_each=True)


def _fragments(compile_each: bool) -> dict[str, str]:
    path = rules_directory() / FILE
    name, _root, data = yamlfile.load_mapping(path, "fragments")
    raw = data.get("fragments")
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(f"{name}: fragments: a mapping of names to patterns is required")
    source = {str(k): _alternatives(v, f"{name}: fragments.{k}") for k, v in raw.items()}
    done: dict[str, str] = {}

    def resolve(key: str, chain: tuple[str, ...]) -> str:
        if key in done:
            return done[key]
        if key in chain:
            raise ConfigError(f"{name}: fragments.{key}: uses itself ({' -> '.join((*chain, key))})")
        if key not in source:
            raise ConfigError(f"{name}: fragments.{chain[-1]}: unknown fragment {{{key}}}")
        text = NAME.sub(lambda m: "(?:" + resolve(m.group(1), (*chain, key)) + ")", source[key])
        if compile_each:
            try:
                re.compile(text)
            except re.error as exc:
                raise ConfigError(f"{name}: fragments.{key}: invalid regular expression: {exc}") from None
        done[key] = text
        return text

    for key in source:
        resolve(key, ())
    return done


def expand(pattern: str) -> str:
    """`pattern` with every ``{name}`` replaced by its fragment; UnknownFragment names an unknown one."""
    if "{" not in pattern:
        return pattern
    known = fragments()

    def one(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in known:
            raise UnknownFragment(f"unknown fragment {{{key}}} (rules/{FILE} defines: {', '.join(sorted(known))})")
        return "(?:" + known[key] + ")"

    return NAME.sub(one, pattern)
