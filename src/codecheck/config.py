"""Configuration: `codecheck.yaml`, or `[tool.codecheck]` in pyproject.toml.

Validated strictly (pydantic, unknown keys rejected) so that a typo is a clear
error naming its path in the file, never a silently ignored setting.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from codecheck import yamlfile
from codecheck.calendar import DEFAULT_REGION, REGIONS
from codecheck.columns import COLUMNS, normalise_header
from codecheck.values import PLACEHOLDERS
from codecheck.errors import ConfigError
from codecheck.findings import Severity
from codecheck.suggest import did_you_mean

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


#: The targets `targets:` may set for the report's summary, and the unit of each.
TARGETS = {"stage1_in_time": "%", "stage2_in_time": "%", "stage1_ack": "%", "stage2_ack": "%",
           "escalation_rate": "%", "stage1_days": "working days", "stage2_days": "working days"}


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
    date_order: Literal["dmy", "mdy"] | None = None
    """How slash dates such as 01/05/2024 are read: dmy (day first) or mdy (month first). Not set:
    day first, and a file whose slash dates can only be month first (10/23/2024) is refused
    (exit 2) rather than read wrongly."""
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
    homes: Annotated[int, Field(ge=1)] | dict[Literal["LCRA", "LCHO"], Annotated[int, Field(ge=1)]] | None = None
    """Homes the landlord owns, for the Tenant Satisfaction Measure CH01 in `codecheck report`: a
    number, or per tenure ({LCRA: 4200, LCHO: 800}) when the Regulator's CH01 per tenure is wanted
    (the records then need a `tenure` column); the whole is their sum."""
    placeholders: list[str] = Field(default_factory=lambda: list(PLACEHOLDERS))
    """Cell values that are not a reason (refusal, escalation refused, extension reasons): a reason
    column holding only one of these, or only punctuation, counts as no reason given."""
    adjustments_review_months: int = Field(default=12, ge=1, le=120)
    """Reasonable adjustments last reviewed longer ago than this, when the case was last active, are
    not under active review (5.10, rule CR510)."""
    categories: list[str] = Field(default_factory=list)
    """The landlord's category names, for `codecheck report`: only these are shown (case and spacing
    ignored); any other category value is counted as "other (not in the configured list)" unless
    --show-values is given, since a free-text category may name a resident."""
    targets: dict[str, float] = Field(default_factory=dict)
    """The board's targets for `codecheck report`'s summary page, each shown beside its figure with
    whether it was met, so a board member reads performance against what the board asked for, not a
    bare number: {stage1_in_time: 95, stage2_in_time: 95}. Per cent: stage1_in_time, stage2_in_time
    (answered within the Code's timescale, as TSM CH02), stage1_ack, stage2_ack (acknowledged within 5
    working days), escalation_rate (lower is better); working days: stage1_days, stage2_days (average
    time to respond, lower is better)."""
    board_note: str = ""
    """The "The board is asked to note" paragraph of `codecheck report`'s summary page, printed as
    written: the officers' words on what the figures mean, beside the figures themselves."""
    sheet: str | None = None
    """Excel workbooks: the sheet holding the case records (default: the first sheet)."""

    suppress: list[Suppression] = Field(default_factory=list)
    """Findings of a rule not to report for named cases, each with a reason."""
    covered_elsewhere: dict[str, str] = Field(default_factory=dict)
    """Provisions a document need not cover because another document does, with where:
    ``{"8.3": "Governance framework, section 4"}``. Omission findings ("the policy does not
    say ...") of those provisions (and their sub-items) move to the suppressed findings,
    listed by --show-suppressed; a contradiction is never covered elsewhere."""

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, value: dict[str, float]) -> dict[str, float]:
        for key, target in value.items():
            if key not in TARGETS:
                raise ValueError(f"targets: unknown target {key!r}{did_you_mean(key, TARGETS)} "
                                 f"(known: {', '.join(TARGETS)})")
            if target < 0 or (TARGETS[key] == "%" and target > 100):
                raise ValueError(f"targets: {key} must be {'a per cent, 0 to 100' if TARGETS[key] == '%' else '0 or more'}")
        return value

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
    """The file this configuration was read from (for messages); None for the defaults."""
    base: Path | None = Field(default=None, exclude=True)
    """The folder of that file: `documents:` and `exclude:` globs are matched against paths relative
    to it (as ruff does), so a run from a subfolder reads the globs as their author wrote them."""

    @field_validator("columns")
    @classmethod
    def _known_columns(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(COLUMNS))
        if unknown:
            hint = did_you_mean(unknown[0], COLUMNS) if len(unknown) == 1 else ""
            raise ValueError(f"unknown canonical column(s) {', '.join(unknown)}{hint}; see `codecheck columns`")
        by_header: dict[str, list[str]] = {}
        for canonical, header in value.items():
            by_header.setdefault(normalise_header(str(header)), []).append(canonical)
        for header, canonicals in by_header.items():
            if len(canonicals) > 1:
                shown = value[canonicals[0]]
                raise ValueError(f"{' and '.join(canonicals)} are both mapped to the header {shown!r}; a header can "
                                 "feed one column only: map each to its own header, or remove one")
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
                raise ValueError(f"{glob}: unknown document kind {kind!r}{did_you_mean(kind, DOCUMENT_KINDS)}; "
                                 f"use one of {', '.join(DOCUMENT_KINDS)}")
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
            msg = "unknown key" + did_you_mean(str(err["loc"][-1]), Config.model_fields) if len(err["loc"]) == 1 \
                else "unknown key"
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
    found = find_config(cwd)
    if found is None:
        return Config()
    return _load_file(found)


def find_config(start: Path) -> Path | None:
    """The configuration that governs `start` (a folder or a file), as ruff finds its own: the
    nearest ``codecheck.yaml`` (or ``.yml``), or ``pyproject.toml`` holding ``[tool.codecheck]``,
    in its folder or a folder above it, up to the repository root (a folder holding ``.git``)
    or the filesystem root. None when there is none."""
    folder = start if start.is_dir() else start.parent
    folder = Path(os.path.abspath(folder))
    for here in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (here / name).is_file():
                return here / name
        pyproject = here / "pyproject.toml"
        if pyproject.is_file() and _has_tool_section(pyproject):
            return pyproject
        if (here / ".git").exists():
            return None
    return None


def _has_tool_section(pyproject: Path) -> bool:
    """Whether pyproject.toml holds [tool.codecheck]; one that cannot be read is an error naming it
    (it might be meant to configure codecheck)."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{pyproject}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{pyproject}: cannot be read: {exc.strerror or exc}") from None
    return _tool_section(data, str(pyproject)) is not None


def configs_for(paths, config_path: Path | None = None, cwd: Path | None = None) -> "list[tuple[Config, list]]":
    """The configuration for each input, grouped: one (config, inputs) pair per configuration file
    the inputs fall under, in the order first met. An input with no configuration in its folder or
    above (an export in Downloads) gets the working folder's. ``--config`` (config_path) governs
    every input; no inputs means the working folder's."""
    if config_path is not None or not paths:
        return [(load_config(config_path, cwd), list(paths))]
    groups: dict[Path | None, list] = {}
    here = cwd or Path.cwd()
    fallback: list = []  # found once: an input with no configuration above it gets the working folder's
    for raw in paths:
        where = Path(raw)
        if not where.is_absolute():
            where = here / where
        found = find_config(where if where.exists() else where.parent)
        if found is None:
            if not fallback:
                fallback.append(find_config(here))
            found = fallback[0]
        groups.setdefault(found, []).append(raw)
    out = []
    for found, inputs in groups.items():
        try:
            config = Config() if found is None else _load_file(found)
        except (RecursionError, MemoryError) as exc:
            raise ConfigError(f"{found}: too large or deeply nested to read as a configuration "
                              f"({type(exc).__name__})") from None
        out.append((config, inputs))
    return out


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
    config = parse_config(data, str(path) + (" [tool.codecheck]" if path.name == "pyproject.toml" else ""))
    config.base = Path(os.path.abspath(path.parent))
    return config
