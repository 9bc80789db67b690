"""The Complaint Handling Code 2024 catalogue: every provision in the Code's own words.

The data lives in ``rules/code-2024.yaml``. This module reads it, checks it with
pydantic, and offers lookups by provision number. A number may name a lettered
item, written "6.9(g)" or "6.9g".

    >>> cat = load_catalogue()
    >>> cat.provision("6.2").obligation
    'must'
    >>> cat.item_text("6.19(g)")
    'details of how to escalate the matter to the Ombudsman Service if the individual remains dissatisfied'
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from codecheck import yamlfile
from codecheck.errors import ConfigError
from codecheck.lazy import Regex

CATALOGUE_FILE = "code-2024.yaml"

# "6.9", "6.9(g)", "6.9g", " 6.9 (G) "
_REFERENCE = Regex(r"^\s*(\d+\.\d+)\s*(?:\(\s*([a-zA-Z])\s*\)|([a-zA-Z]))?\s*$")
_NUMBER = Regex(r"^\d+\.\d+$")
_ITEM_KEY = Regex(r"^[a-z]$")


def split_reference(reference: str) -> tuple[str, str | None]:
    """Split "6.9(g)" into ("6.9", "g"), and "6.9" into ("6.9", None).

    Raises KeyError if the reference is not written like a provision number.
    """
    match = _REFERENCE.match(reference) if isinstance(reference, str) else None
    if not match:
        raise KeyError(f"{reference!r} is not a provision number (expected e.g. '6.9' or '6.9(g)')")
    letter = match.group(2) or match.group(3)
    return match.group(1), letter.lower() if letter else None


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int
    title: str


class Provision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: str
    section: int
    stage: int | None = None
    obligation: Literal["must", "should", "expected", "may"]
    text: str
    items: dict[str, str] = {}

    @field_validator("number")
    @classmethod
    def _number_format(cls, value: str) -> str:
        if not _NUMBER.match(value):
            raise ValueError(f"must look like '6.2', got {value!r}")
        return value

    @field_validator("stage")
    @classmethod
    def _stage_value(cls, value: int | None) -> int | None:
        if value not in (None, 1, 2):
            raise ValueError(f"must be 1 or 2, got {value!r}")
        return value

    @field_validator("items")
    @classmethod
    def _item_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not _ITEM_KEY.match(key):
                raise ValueError(f"item keys must be single lower-case letters, got {key!r}")
        return value

    @model_validator(mode="after")
    def _section_matches_number(self) -> Provision:
        major = int(self.number.split(".")[0])
        if major != self.section:
            raise ValueError(f"section is {self.section} but provision {self.number} belongs to section {major}")
        return self


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    version: str
    effective: dt.date
    sections: list[Section]
    provisions: list[Provision]

    _by_number: dict[str, Provision] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        section_numbers = {s.number for s in self.sections}
        seen: set[str] = set()
        for i, p in enumerate(self.provisions):
            if p.number in seen:
                raise ValueError(f"provisions[{i}].number: provision {p.number} appears more than once")
            if p.section not in section_numbers:
                raise ValueError(f"provisions[{i}].section: no section {p.section} in 'sections'")
            seen.add(p.number)
        return self

    def model_post_init(self, __context: Any) -> None:
        self._by_number = {p.number: p for p in self.provisions}

    def provision(self, number: str) -> Provision:
        """The provision "6.9"; "6.9(g)" and "6.9g" also return 6.9 (if it has item g)."""
        base, letter = split_reference(number)
        try:
            found = self._by_number[base]
        except KeyError:
            raise KeyError(f"no provision {base} in the {self.code} {self.version}") from None
        if letter is not None and letter not in found.items:
            raise KeyError(f"provision {base} of the {self.code} {self.version} has no item ({letter})")
        return found

    def item_text(self, number: str) -> str:
        """For "6.9(g)" the text of item g; for "6.9" the provision's own text."""
        found = self.provision(number)
        _, letter = split_reference(number)
        return found.items[letter] if letter else found.text

    def in_section(self, n: int) -> list[Provision]:
        return [p for p in self.provisions if p.section == n]

    def section_title(self, n: int) -> str:
        for s in self.sections:
            if s.number == n:
                return s.title
        raise KeyError(f"no section {n} in the {self.code} {self.version}")


# --- loading -----------------------------------------------------------------


def default_catalogue_path() -> Path | Traversable:
    """Where the catalogue is: installed package data first, then the repo's rules/."""
    candidates: list[Path | Traversable] = []
    try:
        data = resources.files("codecheck") / "data"
        candidates += [data / CATALOGUE_FILE, data / "rules" / CATALOGUE_FILE]
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - codecheck not importable as a package
        pass
    candidates.append(Path(__file__).resolve().parents[2] / "rules" / CATALOGUE_FILE)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"{CATALOGUE_FILE}: catalogue not found (looked in: {', '.join(str(c) for c in candidates)})"
    )


def _key_path(loc: tuple[int | str, ...]) -> str:
    """('provisions', 12, 'obligation') -> 'provisions[12].obligation'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _describe(error: dict[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "missing":
        message = "required key is missing"
    else:
        message = str(error["msg"]).removeprefix("Value error, ")
    where = _key_path(tuple(error["loc"]))
    return f"{where}: {message}" if where else message


def _parse(path: Path | Traversable) -> Catalogue:
    name, _, data = yamlfile.load_mapping(path, "code, version, effective, sections, provisions")
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        shown = "; ".join(_describe(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise ConfigError(f"{name}: {shown}{more}") from None


@functools.lru_cache(maxsize=None)
def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and check the catalogue (default: the shipped ``code-2024.yaml``).

    Raises ConfigError naming the file and key path if it cannot be read or is invalid.
    """
    return _parse(Path(path) if path is not None else default_catalogue_path())


def words_with_items(number: str, items: tuple[str, ...], gap: str = " ... ") -> str | None:
    """A provision's words with some of its lettered items ("8.1 ... a. ... d. ..."), for a rule
    about only those items; None when the catalogue cannot give them (explain then looks the
    provision up itself)."""
    try:
        provision = load_catalogue().provision(number)
        return provision.text + " " + gap.join(f"{item}. {provision.items[item]}" for item in items) + "."
    except Exception:  # noqa: BLE001 - the catalogue's own errors are reported where it is loaded
        return None
