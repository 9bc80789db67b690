"""Configuration: `codecheck.yaml`, or `[tool.codecheck]` in pyproject.toml.

Validated strictly (pydantic, unknown keys rejected) so that a typo is a clear
error naming its path in the file, never a silently ignored setting.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from codecheck import yamlfile
from codecheck.calendar import DEFAULT_REGION, REGIONS
from codecheck.columns import COLUMNS
from codecheck.errors import ConfigError
from codecheck.findings import Severity

CONFIG_NAMES = ("codecheck.yaml", "codecheck.yml")


class Suppression(BaseModel):
    """`suppress:` entry: a rule (id, name or provision prefix) not to report for these cases."""

    model_config = ConfigDict(extra="forbid")

    rule: str = Field(min_length=1)
    cases: list[str] = Field(min_length=1)
    """Case ids (``case_id``) the rule is not reported for."""
    reason: str
    """Why: required, so that every suppression can be audited."""
    path: str | None = None
    """Optional glob: only in files matching it."""

    @field_validator("reason")
    @classmethod
    def _has_reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a suppression needs a reason")
        return value.strip()

    @field_validator("cases", mode="before")
    @classmethod
    def _cases_as_text(cls, value: object) -> object:
        # YAML reads an id such as 1021 as a number; case ids are compared as text.
        if isinstance(value, (list, tuple)):
            return [str(v).strip() if isinstance(v, (str, int)) else v for v in value]
        return value


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str] = Field(default_factory=dict)
    """canonical column -> the export's own header."""
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    fail_on: Literal["error", "warning", "info"] = "warning"
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)
    """rule id or name -> severity override."""
    region: str = DEFAULT_REGION
    closures: list[dt.date] = Field(default_factory=list)
    """Extra non-working days, e.g. a Christmas shutdown."""
    date_order: Literal["dmy", "mdy"] = "dmy"
    documents: dict[str, str] = Field(default_factory=dict)
    """glob -> document kind."""
    exclude: list[str] = Field(default_factory=list)
    """globs of paths not to check when walking a folder."""
    batch_size: int = Field(default=50_000, ge=1)
    max_file_mb: int = Field(default=2048, ge=1)
    """Files larger than this are not checked (one message, exit code 2)."""
    stage_labels: dict[str, int] = Field(default_factory=dict)
    """The landlord's own stage labels -> stage number (0 an extra pre-stage, 1, 2, 3 a third stage),
    for labels codecheck cannot read: {"Formal": 1, "Review": 2}."""
    homes: int | None = Field(default=None, ge=1)
    """Homes the landlord owns, for the Tenant Satisfaction Measure CH01 in `codecheck report`."""
    categories: list[str] = Field(default_factory=list)
    """The landlord's category names, for `codecheck report`: only these are shown (case and spacing
    ignored); any other category value is counted as "other (not in the configured list)" unless
    --show-values is given, since a free-text category may name a resident."""
    sheet: str | None = None
    """Excel workbooks: the sheet holding the case records (default: the first sheet)."""

    suppress: list[Suppression] = Field(default_factory=list)
    """Findings of a rule not to report for named cases, each with a reason."""
    covered_elsewhere: dict[str, str] = Field(default_factory=dict)
    """Provisions a document need not cover because another document does, with where:
    ``{"8.3": "Governance framework, section 4"}``. Omission findings ("the policy does not
    say ...") of those provisions (and their sub-items) move to the suppressed findings,
    listed by --show-suppressed; a contradiction is never covered elsewhere."""

    @field_validator("covered_elsewhere")
    @classmethod
    def _covered_where(cls, value: dict[str, str]) -> dict[str, str]:
        for provision, where in value.items():
            if not re.fullmatch(r"\d{1,2}(?:\.\d{1,2}(?:\([a-z]\))?)?", str(provision).strip()):
                raise ValueError(f"covered_elsewhere: {provision!r} is not a Code provision such as 8, 8.3 or 6.9(g)")
            if not str(where or "").strip():
                raise ValueError(f"covered_elsewhere: {provision}: say which document covers it")
        return {str(k).strip(): str(v).strip() for k, v in value.items()}

    source: str | None = Field(default=None, exclude=True)

    @field_validator("columns")
    @classmethod
    def _known_columns(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(COLUMNS))
        if unknown:
            raise ValueError(f"unknown canonical column(s) {', '.join(unknown)}; see `codecheck columns`")
        return value

    @field_validator("sheet", mode="before")
    @classmethod
    def _sheet_as_text(cls, value: object) -> object:
        # YAML reads a sheet named 2024 as a number; sheet names are text.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if value not in REGIONS:
            raise ValueError(f"unknown region {value!r}; use one of {', '.join(REGIONS)}")
        return value

    @field_validator("documents")
    @classmethod
    def _known_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        from codecheck.rules import DOCUMENT_KINDS

        for glob, kind in value.items():
            if kind not in DOCUMENT_KINDS:
                raise ValueError(f"{glob}: unknown document kind {kind!r}; use one of {', '.join(DOCUMENT_KINDS)}")
        return value

    @property
    def fail_severity(self) -> Severity:
        return Severity.parse(self.fail_on)


def _describe(error: ValidationError) -> str:
    parts = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


def parse_config(data: object, source: str) -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the configuration must be a mapping of keys to values")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {_describe(exc)}") from None
    config.source = source
    return config


def load_config(path: Path | None = None, cwd: Path | None = None) -> Config:
    """Load --config FILE, else codecheck.yaml, else [tool.codecheck] in pyproject.toml, else defaults.

    Whatever the file holds, the outcome is a Config or one ConfigError naming the file."""
    try:
        return _load_config(path, cwd)
    except (RecursionError, MemoryError) as exc:
        where = path or _found_in(cwd or Path.cwd())
        raise ConfigError(f"{where}: too large or deeply nested to read as a configuration "
                          f"({type(exc).__name__})") from None


def _found_in(cwd: Path) -> Path:
    for name in (*CONFIG_NAMES, "pyproject.toml"):
        if (cwd / name).is_file():
            return cwd / name
    return cwd  # pragma: no cover - only a file found can be too deep


def _tool_section(data: dict, source: str) -> object:
    """``[tool.codecheck]`` of a parsed TOML file (None if absent); a ``tool`` that is not a
    table (``tool = 5``) is an error naming the file, not a traceback."""
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(f"{source}: `tool` must be a table ([tool.codecheck]), not {type(tool).__name__}")
    return tool.get("codecheck")


def _load_config(path: Path | None, cwd: Path | None) -> Config:
    cwd = cwd or Path.cwd()
    if path is not None:
        return _load_file(Path(path))
    for name in CONFIG_NAMES:
        if (cwd / name).is_file():
            return _load_file(cwd / name)
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{pyproject}: not valid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{pyproject}: cannot be read: {exc.strerror or exc}") from None
        section = _tool_section(data, str(pyproject))
        if section is not None:
            return parse_config(section, f"{pyproject} [tool.codecheck]")
    return Config()


def _load_file(path: Path) -> Config:
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        section = _tool_section(data, str(path))
        data = data if section is None else section
    else:
        _, data = yamlfile.parse(text, str(path))
    return parse_config(data, str(path))
