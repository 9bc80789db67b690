"""Configuration: `codecheck.yaml`, or `[tool.codecheck]` in pyproject.toml.

Validated strictly (unknown keys rejected) so that a typo is a clear error naming its path in
the file, never a silently ignored setting. The settings are plain dataclasses, so reading no
file (the defaults) costs no import of pydantic; a file that is read is validated with pydantic,
imported then (:func:`parse_config`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from codecheck import plain, yamlfile
from codecheck.calendar import DEFAULT_REGION, REGIONS
from codecheck.columns import COLUMNS, normalise_header
from codecheck.values import PLACEHOLDERS
from codecheck.errors import ConfigError
from codecheck.findings import Severity
from codecheck.suggest import did_you_mean

if TYPE_CHECKING:
    from pydantic import ValidationError

CONFIG_NAMES = ("codecheck.yaml", "codecheck.yml")

#: Tenures `homes:` may be given per.
TENURES = ("LCRA", "LCHO")


class ConfigValueError(ValueError):
    """The problems a configuration's checks found, each ``key: what is wrong``."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Suppression:
    """`suppress:` entry: a rule (id, name or provision prefix) not to report for these cases."""

    __pydantic_config__: ClassVar[dict] = {"extra": "forbid"}  # pydantic: unknown keys are errors

    rule: str
    cases: list[str]
    """Case ids (``case_id``) the rule is not reported for."""
    reason: str
    """Why: required, so that every suppression can be audited."""
    path: str | None = None
    """Optional glob: only in files matching it."""

    def __post_init__(self) -> None:
        problems = []
        if not self.rule:
            problems.append("rule: give the rule (an id, name or provision) not to report")
        if not self.cases:
            problems.append("cases: give at least one case id")
        if not str(self.reason or "").strip():
            problems.append("reason: a suppression needs a reason")
        if problems:
            raise ConfigValueError(problems)
        self.reason = self.reason.strip()


#: The targets `targets:` may set for the report's summary, and the unit of each.
TARGETS = {"stage1_in_time": "%", "stage2_in_time": "%", "stage1_ack": "%", "stage2_ack": "%",
           "escalation_rate": "%", "stage1_days": "working days", "stage2_days": "working days"}

#: What `homes:` may hold, for messages.
HOMES_FORM = "give the number of homes (1 or more), or the homes per tenure: {LCRA: 4200, LCHO: 800}"


@dataclass
class Config:
    __pydantic_config__: ClassVar[dict] = {"extra": "forbid"}  # pydantic: unknown keys are errors

    columns: dict[str, str] = field(default_factory=dict)
    """canonical column -> the export's own header."""
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: Literal["error", "warning", "info"] = "warning"
    severity: dict[str, Literal["error", "warning", "info"]] = field(default_factory=dict)
    """rule id or name -> severity override."""
    region: str = DEFAULT_REGION
    closures: list[dt.date] = field(default_factory=list)
    """Extra non-working days, e.g. a Christmas shutdown."""
    date_order: Literal["dmy", "mdy"] | None = None
    """How slash dates such as 01/05/2024 are read: dmy (day first) or mdy (month first). Not set:
    day first, and a file whose slash dates can only be month first (10/23/2024) is refused
    (exit 2) rather than read wrongly."""
    documents: dict[str, str] = field(default_factory=dict)
    """glob -> document kind."""
    exclude: list[str] = field(default_factory=list)
    """globs of paths not to check when walking a folder."""
    batch_size: int = 50_000
    max_file_mb: int = 2048
    """Files larger than this are not checked (one message, exit code 2)."""
    stage_labels: dict[str, int] = field(default_factory=dict)
    """The landlord's own stage labels -> stage number (0 an extra pre-stage, 1, 2, 3 a third stage),
    for labels codecheck cannot read: {"Formal": 1, "Review": 2}."""
    homes: int | dict[str, int] | None = None
    """Homes the landlord owns, for the Tenant Satisfaction Measure CH01 in `codecheck report`: a
    number, or per tenure ({LCRA: 4200, LCHO: 800}) when the Regulator's CH01 per tenure is wanted
    (the records then need a `tenure` column); the whole is their sum."""
    placeholders: list[str] = field(default_factory=lambda: list(PLACEHOLDERS))
    """Cell values that are not a reason (refusal, escalation refused, extension reasons): a reason
    column holding only one of these, or only punctuation, counts as no reason given."""
    adjustments_review_months: int = 12
    """Reasonable adjustments last reviewed longer ago than this, when the case was last active, are
    not under active review (5.10, rule CR510)."""
    categories: list[str] = field(default_factory=list)
    """The landlord's category names, for `codecheck report`: only these are shown (case and spacing
    ignored); any other category value is counted as "other (not in the configured list)" unless
    --show-values is given, since a free-text category may name a resident."""
    targets: dict[str, float] = field(default_factory=dict)
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

    suppress: list[Suppression] = field(default_factory=list)
    """Findings of a rule not to report for named cases, each with a reason."""
    covered_elsewhere: dict[str, str] = field(default_factory=dict)
    """Provisions a document need not cover because another document does, with where:
    ``{"8.3": "Governance framework, section 4"}``. Omission findings ("the policy does not
    say ...") of those provisions (and their sub-items) move to the suppressed findings,
    listed by --show-suppressed; a contradiction is never covered elsewhere."""

    source: str | None = field(default=None, metadata={"exclude": True})
    """The file this configuration was read from (for messages); None for the defaults."""
    base: Path | None = field(default=None, metadata={"exclude": True})
    """The folder of that file: `documents:` and `exclude:` globs are matched against paths relative
    to it (as ruff does), so a run from a subfolder reads the globs as their author wrote them."""

    def __post_init__(self) -> None:
        """The checks beyond each key's type (which pydantic checks when a file is read): every
        problem found, each as ``key: what is wrong``, in one ConfigValueError."""
        problems = _key_problems(vars(self))
        if problems:
            raise ConfigValueError(problems)
        self.covered_elsewhere = {str(k).strip(): str(v).strip() for k, v in self.covered_elsewhere.items()}

    def replace(self, **changes: object) -> Config:
        """A copy with these keys changed (checked again), from the same file (`source`, `base`)."""
        return dataclasses.replace(self, **changes)

    @property
    def fail_severity(self) -> Severity:
        return Severity.parse(self.fail_on)


def _bounded(key: str, low: int, high: int | None = None):
    def check(value: int) -> list[str]:
        if value < low or (high is not None and value > high):
            return [f"{key}: must be {low} or more" if high is None else f"{key}: must be {low} to {high}"]
        return []
    return check


def _region_problems(region: str) -> list[str]:
    return [] if region in REGIONS else [f"region: unknown region {region!r}; use one of {', '.join(REGIONS)}"]


def _document_problems(documents: dict[str, str]) -> list[str]:
    if not documents:
        return []
    from codecheck.rules import DOCUMENT_KINDS

    return [(f"documents: {glob}: unknown document kind {kind!r}{did_you_mean(kind, DOCUMENT_KINDS)}; "
             f"use one of {', '.join(DOCUMENT_KINDS)}") for glob, kind in documents.items() if kind not in DOCUMENT_KINDS]


def _key_problems(values: dict[str, object]) -> list[str]:
    """The checks beyond their types of the keys in `values`, in Config's order: `key: what is wrong` each."""
    return [problem for key, check in _CHECKS.items() if key in values for problem in check(values[key])]


def _homes_problems(homes: object) -> list[str]:
    if homes is None:
        return []
    if isinstance(homes, dict):
        out = [f"homes: unknown tenure {tenure!r}; use {' and '.join(TENURES)}" for tenure in homes if tenure not in TENURES]
        out += [f"homes: {tenure} must be 1 or more" for tenure, n in homes.items()
                if tenure in TENURES and not (isinstance(n, int) and n >= 1)]
        return out
    if isinstance(homes, int) and not isinstance(homes, bool):
        return [] if homes >= 1 else ["homes: must be 1 or more"]
    return [f"homes: {HOMES_FORM}"]


def _target_problems(targets: dict[str, float]) -> list[str]:
    out = []
    for key, target in targets.items():
        if key not in TARGETS:
            out.append(f"targets: unknown target {key!r}{did_you_mean(key, TARGETS)} (known: {', '.join(TARGETS)})")
        elif target < 0 or (TARGETS[key] == "%" and target > 100):
            out.append(f"targets: {key} must be {'a per cent, 0 to 100' if TARGETS[key] == '%' else '0 or more'}")
    return out


def _covered_problems(covered: dict[str, str]) -> list[str]:
    out = []
    for provision, where in covered.items():
        if not re.fullmatch(r"\d{1,2}(?:\.\d{1,2}(?:\([a-z]\))?)?", str(provision).strip()):
            out.append(f"covered_elsewhere: {provision!r} is not a Code provision such as 8, 8.3 or 6.9(g)")
        elif not str(where or "").strip():
            out.append(f"covered_elsewhere: {provision}: say which document covers it")
    return out


def _column_problems(columns: dict[str, str]) -> list[str]:
    if not columns:
        return []
    unknown = sorted(set(columns) - set(COLUMNS))
    if unknown:
        hint = did_you_mean(unknown[0], COLUMNS) if len(unknown) == 1 else ""
        return [f"columns: unknown canonical column(s) {', '.join(unknown)}{hint}; see `codecheck columns`"]
    by_header: dict[str, list[str]] = {}
    for canonical, header in columns.items():
        by_header.setdefault(normalise_header(str(header)), []).append(canonical)
    for canonicals in by_header.values():
        if len(canonicals) > 1:
            shown = columns[canonicals[0]]
            return [(f"columns: {' and '.join(canonicals)} are both mapped to the header {shown!r}; a header can "
                     "feed one column only: map each to its own header, or remove one")]
    return []


#: Config's keys with a check beyond their type, in Config's order, and the check.
_CHECKS = {
    "columns": _column_problems,
    "region": _region_problems,
    "documents": _document_problems,
    "batch_size": _bounded("batch_size", 1),
    "max_file_mb": _bounded("max_file_mb", 1),
    "homes": _homes_problems,
    "adjustments_review_months": _bounded("adjustments_review_months", 1, 120),
    "targets": _target_problems,
    "covered_elsewhere": _covered_problems,
}


def config_keys() -> list[str]:
    """The keys a configuration file may hold, in Config's order (not `source` and `base`,
    which say where the configuration came from)."""
    return [f.name for f in dataclasses.fields(Config) if not f.metadata.get("exclude")]


def config_json(config: Config) -> dict:
    """The configuration's keys and values, ready for JSON or YAML: dates as ISO text,
    `suppress:` entries as mappings (what ``model_dump(mode="json")`` gave)."""
    return {key: _jsonable(getattr(config, key)) for key in config_keys()}


def _jsonable(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def _prepared(data: dict) -> dict:
    """The file's data as the dataclasses' types read it: YAML reads a sheet named 2024, and a
    case id such as 1021, as numbers; both are compared as text."""
    data = dict(data)
    sheet = data.get("sheet")
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        data["sheet"] = str(sheet)
    suppress = data.get("suppress")
    if isinstance(suppress, list):
        entries = []
        for entry in suppress:
            if isinstance(entry, dict) and isinstance(entry.get("cases"), (list, tuple)):
                entry = {**entry, "cases": [str(v).strip() if isinstance(v, (str, int)) else v for v in entry["cases"]]}
            entries.append(entry)
        data["suppress"] = entries
    return data


_ADAPTER = []  # the pydantic TypeAdapter of Config, built once when a file is first read


def _validated(data: dict) -> Config:
    """A Config from a file's data, checked by pydantic (imported here: only a file read needs it)."""
    if not _ADAPTER:
        from pydantic import TypeAdapter

        _ADAPTER.append(TypeAdapter(Config))
    return _ADAPTER[0].validate_python(data)


def _describe(error: ValidationError, data: dict) -> str:
    """Pydantic's errors as ``key: message``, in Config's order, with the checks beyond their types
    of the keys whose types were right (so that every problem is told at once, not in turns)."""
    parts: list[tuple[str, str]] = []  # (top-level key, message)
    for err in error.errors():
        where = [str(p) for p in err["loc"]]
        loc = ".".join(where)
        problem = (err.get("ctx") or {}).get("error")
        if isinstance(problem, ConfigValueError):  # from a __post_init__: each problem names its key
            parts += [(where[0] if where else p.partition(":")[0], f"{loc}.{p}" if loc else p)
                      for p in problem.problems]
            continue
        if err["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
            if len(where) == 1:
                msg = "unknown key" + did_you_mean(where[0], config_keys())
            elif len(where) == 3 and where[0] == "suppress":
                msg = "unknown key" + did_you_mean(where[2], [f.name for f in dataclasses.fields(Suppression)])
            else:
                msg = "unknown key"
        elif err["type"] in ("missing_argument", "missing"):
            msg = "Field required"
        elif where[:1] == ["homes"]:  # not the number, nor the mapping: one message, not one per form
            loc, msg = "homes", HOMES_FORM
        else:
            msg = err["msg"].removeprefix("Value error, ")
        parts.append((where[0] if where else "", f"{loc or '(top level)'}: {msg}"))
    typed_wrong = {top for top, _ in parts}
    for key in _CHECKS:
        if key in data and key not in typed_wrong:
            try:
                parts += [(key, p) for p in _key_problems({key: data[key]})]
            except (TypeError, ValueError, AttributeError):  # pragma: no cover - its type was checked
                pass
    order = {key: i for i, key in enumerate(config_keys())}
    parts.sort(key=lambda part: order.get(part[0], len(order)))
    return "; ".join(dict.fromkeys(text for _, text in parts))


def validate_config(data: object, source: str = "the configuration") -> Config:
    """A Config from data read from a file or a form (a mapping of keys to values), checked
    strictly; any problem is one ConfigError naming `source` and each key."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the configuration must be a mapping of keys to values")
    internal = [f"{key}: unknown key" for key in ("source", "base") if key in data]
    data = _prepared({k: v for k, v in data.items() if k not in ("source", "base")})
    if not internal:
        # Most files are right as written: built without pydantic when every value already has
        # exactly its declared type and passes the checks (codecheck.plain); else validated.
        try:
            return plain.construct(Config, data)
        except plain.Unbuilt:
            pass
    from pydantic import ValidationError

    try:
        config = _validated(data)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {'; '.join([_describe(exc, data), *internal])}") from None
    if internal:
        raise ConfigError(f"{source}: {'; '.join(internal)}")
    return config


def parse_config(data: object, source: str) -> Config:
    """The configuration read from `source` (a file's data): see :func:`validate_config`."""
    config = validate_config(data, source)
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
        try:
            _, data = yamlfile.parse(text, str(path))
        except ValueError as exc:  # a date YAML reads but the calendar has not: 2024-13-01
            raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    config = parse_config(data, str(path) + (" [tool.codecheck]" if path.name == "pyproject.toml" else ""))
    config.base = Path(os.path.abspath(path.parent))
    return config
