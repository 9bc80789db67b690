"""Document rules as data: YAML rule packs under ``rules/letters/`` and ``rules/policy/``.

Each pack is a mapping::

    kinds: [stage1_response]          # default input kinds for the pack's rules
    rules:
      CL609G:                         # the rule id
        name: stage1-response-escalation
        provision: "6.9(g)"           # null only for template hygiene rules
        type: requires                # one of the rule types of codecheck.documents.ruletypes
        severity: error               # error | warning | info (default error; never for requires)
        summary: ...
        message: ...                  # may use the placeholders its type allows
        rationale: ...
        breach_example: ...
        compliant_example: ...
        kinds: [...]                  # optional, overrides the pack's kinds
        any_of: [pattern, ...]        # + the keys of its type

The rule types, one module each with its schema and its check, are in
:mod:`codecheck.documents.ruletypes`: ``requires`` (an omission), ``forbids``,
``statement`` and ``timescale`` (contradictions), ``placeholder`` and ``conditional``.
Patterns are regular expressions over normalised text (:mod:`codecheck.documents.matching`)
and may name fragments of the shared vocabulary (``{stage1}``, ``{respond}``: see
``rules/vocabulary.yaml``). Where a pattern is matched: ``any_of``/``all_of``, ``patterns``,
``if_any`` and ``then_any`` search the whole document text; ``unless``, ``step``,
``allow.when`` and ``all_of`` with ``scope: sentence`` search one sentence, in that
sentence's text alone (``^`` anchors at its start); ``within`` and ``unless_heading`` search
the heading alone.

An omission (``requires``) is never an error: its severity is a warning for the provisions
about what residents are told (sections 1-3, 5-7) and info for the landlord's own governance
(4, 8, 9) (:func:`omission_severity`).

A pack that cannot be read or is invalid is a :class:`ConfigError` naming the file, the key
path and the line. The specs are plain dataclasses: a user's pack (and, in the test suite, each
shipped pack) is validated by pydantic, imported then; the shipped packs are built straight from
their data at start-up, without pydantic (:func:`~codecheck.documents.ruletypes.base.construct`),
the test suite checking that both give the same specs. Each rule's patterns are compiled once, when its pack is loaded, and every
rule of a document reads the one :class:`~codecheck.documents.matching.Text` and the one
reading of its statements made for it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from codecheck import yamlfile
from codecheck.errors import ConfigError
from codecheck.findings import Severity
from codecheck.rules import DOCUMENT_KINDS, Rule

from .ruletypes import (
    MODULES,
    BaseSpec,
    Check,
    RuleSpec,
    SpecError,
    build_check,
    keys_of,
)
from ..plain import Unbuilt, construct
from .model import in_change_record
from .vocabulary import rules_directory

PACK_FOLDERS = ("letters", "policy", "reports")
RULE_ID = re.compile(r"^[A-Z]+[0-9]+[A-Z]?$")
RULE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = tuple(DOCUMENT_KINDS)


@dataclass(kw_only=True)
class Pack:
    kinds: list[str] | None = None
    rules: dict[str, RuleSpec]


# -- where the packs are ----------------------------------------------------------------


def pack_files(directory: Path | Traversable) -> list[Path | Traversable]:
    files: list[Path | Traversable] = []
    for folder in PACK_FOLDERS:
        sub = directory / folder
        if sub.is_dir():
            files += sorted((f for f in sub.iterdir() if f.name.endswith(".yaml") and f.is_file()), key=lambda f: f.name)
    return files


# -- errors with key paths ----------------------------------------------------------------


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _node_line(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at `loc` (or of its nearest existing parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line


class _PackError(Exception):
    def __init__(self, loc: tuple[Any, ...], message: str):
        self.loc, self.message = loc, message


def _fail(name: str, root: yaml.Node | None, loc: tuple[Any, ...], message: str) -> ConfigError:
    where = _key_path(loc)
    line = _node_line(root, loc) if loc else None
    at = f" (line {line})" if line else ""
    return ConfigError(f"{name}: {where + ': ' if where else ''}{message}{at}")


def _describe(error: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    loc = tuple(error["loc"])
    loc = tuple(  # `from` in the file is the field `from_` (an allow entry's)
        "from" if part == "from_" and i > 1 and isinstance(loc[i - 1], int) and loc[i - 2] == "allow" else part
        for i, part in enumerate(loc)
    )
    rule_type = None
    if len(loc) > 2 and loc[0] == "rules" and loc[2] in MODULES:  # the union's tag: not a key in the file
        rule_type, loc = loc[2], loc[:2] + loc[3:]
    if error["type"] == "union_tag_invalid":
        tag = (error.get("ctx") or {}).get("tag")
        return (*loc, "type"), f"unknown rule type {tag!r}; use one of {', '.join(MODULES)}"
    if error["type"] == "union_tag_not_found":
        return (*loc, "type"), "field required"
    if error["type"] in ("missing", "missing_keyword_only_argument"):
        return loc, "field required"
    if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        key = loc[-1] if loc else None
        if rule_type is not None and len(loc) == 3 and any(key in keys_of(t) for t in MODULES):
            return loc, f"not a key of a {rule_type} rule"
        return loc, "unknown key"
    if loc and loc[-1] == "provision" and isinstance(error.get("input"), (int, float)):
        return loc, f"write the provision in quotes, e.g. \"6.10\" (YAML reads {error['input']!r} as a number)"
    return loc, str(error["msg"]).removeprefix("Value error, ")


def _duplicate_keys(node: yaml.Node | None, loc: tuple[Any, ...] = ()) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key, value in node.value:
            k = getattr(key, "value", None)
            if k in seen:
                raise _PackError((*loc, k), "duplicate key")
            seen.add(k)
            _duplicate_keys(value, (*loc, k))
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _duplicate_keys(value, (*loc, i))


# -- checking a pack beyond its shape ----------------------------------------------------------


def _validate_rule(rule_id: str, spec: BaseSpec, pack_kinds: list[str] | None, trusted: bool = False) -> None:
    """What a rule's schema cannot tell: its id and name, provision, kinds, and its type's
    checks across keys (``Spec.validate_keys``). A trusted (shipped) pack's provisions are not
    looked up in the Code's catalogue on every run: the test suite loads the shipped packs
    untrusted, which does (reading the catalogue costs every command its start-up time)."""
    base = ("rules", rule_id)
    if not RULE_ID.match(rule_id):
        raise _PackError(base, "a rule id is capital letters then digits then an optional item letter, e.g. CL609G")
    if not RULE_NAME.match(spec.name):
        raise _PackError((*base, "name"), f"{spec.name!r} is not a kebab-case name (e.g. stage1-response-escalation)")
    if spec.provision is not None and not trusted:
        from codecheck.catalogue import load_catalogue

        try:
            load_catalogue().provision(spec.provision)
        except KeyError as exc:
            raise _PackError((*base, "provision"), str(exc.args[0])) from None
    kinds = spec.kinds if spec.kinds is not None else pack_kinds
    where = (*base, "kinds") if spec.kinds is not None else ("kinds",)
    if not kinds:
        raise _PackError((*base, "kinds"), "field required (no kinds for this rule or its pack)")
    for i, kind in enumerate(kinds):
        if kind not in KINDS:
            raise _PackError((*where, i), f"unknown document kind {kind!r}; use one of {', '.join(KINDS)}")
    try:
        spec.validate_keys()
    except SpecError as exc:
        raise _PackError((*base, *exc.loc), exc.message) from None


# -- building or validating a pack --------------------------------------------------------------


def _prepared(module: ModuleType, rule: dict[str, Any]) -> dict[str, Any]:
    """A rule's data with its keys named as its fields (``from`` is ``from_``: see timescale)."""
    renamed = getattr(module, "renamed", None)
    return renamed(rule) if renamed is not None else rule


def _construct_pack(data: dict[str, Any]) -> Pack:
    """A trusted (shipped) pack built from its data without pydantic; :class:`Unbuilt` if it
    does not fit (then it is validated, to say what is wrong)."""
    if not set(data) <= {"kinds", "rules"}:
        raise Unbuilt("pack")
    kinds, rules = data.get("kinds"), data.get("rules")
    if kinds is not None and (type(kinds) is not list or any(type(k) is not str for k in kinds)):
        raise Unbuilt("kinds")
    if type(rules) is not dict:
        raise Unbuilt("rules")
    specs: dict[str, Any] = {}
    for rule_id, rule in rules.items():
        tag = rule.get("type") if type(rule) is dict else None
        if type(rule_id) is not str or type(tag) is not str or tag not in MODULES:
            raise Unbuilt(str(rule_id))
        module = MODULES[tag]
        specs[rule_id] = construct(module.Spec, _prepared(module, rule))
    return Pack(kinds=list(kinds) if kinds is not None else None, rules=specs)


class _Invalid(Exception):
    def __init__(self, errors: list[dict[str, Any]]):
        self.errors = errors


@functools.cache
def _adapter(spec_class: type) -> Any:
    """The pydantic validator of one rule type (built once: building one costs milliseconds)."""
    from pydantic import TypeAdapter

    return TypeAdapter(spec_class)


def _validate_spec(rule_id: Any, rule: Any, trusted: bool) -> tuple[Any, list[dict[str, Any]]]:
    """One rule validated by its type's schema: the spec, or the errors (pydantic's, their
    locations from the pack's root, the rule type after the rule id as a tagged union has it)."""
    from pydantic import ValidationError

    base = ("rules", rule_id)
    if not isinstance(rule, dict):
        return None, [{"type": "model_attributes_type", "loc": base, "input": rule,
                       "msg": "Input should be a valid dictionary or object to extract fields from"}]
    if "type" not in rule:
        return None, [{"type": "union_tag_not_found", "loc": base, "input": rule, "msg": "field required"}]
    tag = rule["type"]
    module = MODULES.get(tag) if isinstance(tag, str) else None
    if module is None:
        return None, [{"type": "union_tag_invalid", "loc": base, "input": rule, "ctx": {"tag": str(tag)},
                       "msg": "unknown rule type"}]
    try:
        spec = _adapter(module.Spec).validate_python(_prepared(module, rule), context={"trusted": trusted})
    except ValidationError as exc:
        return None, [{**e, "loc": (*base, tag, *e["loc"])} for e in exc.errors()]
    return spec, []


def _validate_pack(data: dict[str, Any], trusted: bool) -> Pack:
    """A pack validated in full (pydantic, one rule type at a time); :class:`_Invalid` with every
    problem found, in the order of the pack's keys (kinds, rules, then any unknown key)."""
    errors: list[dict[str, Any]] = []
    kinds = data.get("kinds")
    if kinds is not None:
        if not isinstance(kinds, list):
            errors.append({"type": "list_type", "loc": ("kinds",), "input": kinds, "msg": "Input should be a valid list"})
        else:
            errors += [{"type": "string_type", "loc": ("kinds", i), "input": kind, "msg": "Input should be a valid string"}
                       for i, kind in enumerate(kinds) if not isinstance(kind, str)]
    specs: dict[str, Any] = {}
    rules = data.get("rules")
    if "rules" not in data:
        errors.append({"type": "missing", "loc": ("rules",), "input": data, "msg": "Field required"})
    elif not isinstance(rules, dict):
        errors.append({"type": "dict_type", "loc": ("rules",), "input": rules, "msg": "Input should be a valid dictionary"})
    else:
        for rule_id, rule in rules.items():
            if not isinstance(rule_id, str):
                errors.append({"type": "string_type", "loc": ("rules", rule_id, "[key]"), "input": rule_id,
                               "msg": "Input should be a valid string"})
            spec, problems = _validate_spec(rule_id, rule, trusted)
            errors += problems
            specs[rule_id] = spec
    errors += [{"type": "extra_forbidden", "loc": (key,), "input": data[key], "msg": "Extra inputs are not permitted"}
               for key in data if key not in ("kinds", "rules")]
    if errors:
        raise _Invalid(errors)
    return Pack(kinds=list(kinds) if kinds is not None else None, rules=specs)


# -- loading -------------------------------------------------------------------------------


@dataclass
class LoadedPack:
    path: str
    pack: Pack


def load_pack(path: Path | Traversable, trusted: bool = False) -> LoadedPack:
    """Read and check one pack file. `trusted` (the shipped packs, validated in full by the test
    suite) builds its specs without pydantic and leaves compiling its patterns until a rule first
    reads a document."""
    name, root, data = yamlfile.load_mapping(path, "kinds and rules")
    try:
        _duplicate_keys(root)
    except _PackError as exc:
        raise _fail(name, root, exc.loc, exc.message) from None
    pack: Pack | None = None
    if trusted:
        try:
            pack = _construct_pack(data)
        except Unbuilt:
            pass  # validated below, to say what is wrong
    if pack is None:
        try:
            pack = _validate_pack(data, trusted)
        except _Invalid as exc:
            errors = exc.errors
            loc, message = _describe(errors[0])
            more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
            raise _fail(name, root, loc, message + more) from None
    if pack.kinds is not None:
        for i, kind in enumerate(pack.kinds):
            if kind not in KINDS:
                raise _fail(name, root, ("kinds", i), f"unknown document kind {kind!r}; use one of {', '.join(KINDS)}")
    for rule_id, spec in pack.rules.items():
        try:
            _validate_rule(str(rule_id), spec, pack.kinds, trusted)
        except _PackError as exc:
            raise _fail(name, root, exc.loc, exc.message) from None
    return LoadedPack(name, pack)


def load_packs(directory: Path | Traversable | None = None, trusted: bool | None = None) -> list[Rule]:
    """Every rule of every pack under `directory`/letters and /policy (default: the rules directory,
    whose packs are trusted: see :func:`load_pack`)."""
    if trusted is None:
        trusted = directory is None
    directory = rules_directory() if directory is None else directory
    rules: list[Rule] = []
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    for path in pack_files(directory):
        loaded = load_pack(path, trusted)
        for rule_id, spec in loaded.pack.rules.items():
            if rule_id in ids:
                raise ConfigError(f"{loaded.path}: rules.{rule_id}: rule id {rule_id} is also defined in {ids[rule_id]}")
            if spec.name in names:
                raise ConfigError(
                    f"{loaded.path}: rules.{rule_id}.name: rule name {spec.name} is also used in {names[spec.name]}"
                )
            ids[rule_id] = loaded.path
            names[spec.name] = loaded.path
            rules.append(build_rule(rule_id, spec, loaded.pack.kinds))
    return rules


@functools.lru_cache(maxsize=1)
def _document_rules() -> tuple[Rule, ...]:
    return tuple(load_packs())


def document_rules() -> list[Rule]:
    """The document rules of the shipped packs (read once)."""
    return list(_document_rules())


# -- building a rule ----------------------------------------------------------------------------

#: Sections of the Code about the landlord's own governance: an omission there is info.
GOVERNANCE_SECTIONS = frozenset({"4", "8", "9"})


def omission_severity(provision: str | None) -> Severity:
    """How much it matters that a document does not say what a provision asks: a warning
    where residents are told something (sections 1-3, 5-7), info for governance (4, 8, 9).
    Never an error: the landlord may say it in another document."""
    section = (provision or "").split(".")[0]
    return Severity.INFO if section in GOVERNANCE_SECTIONS else Severity.WARNING


def _built_when_first_used(spec: BaseSpec) -> Check:
    """The rule's check, its matchers built the first time it runs: a run over letters
    never builds the policy rules' matchers (the patterns were already checked on loading)."""
    built: list[Check] = []
    # A contradiction is never found in the document's record of its own versions ("stage 3 panel
    # removed" in a version table); an unfilled placeholder there is still unfilled.
    reads_the_process = spec.REPORTS == "contradiction" and spec.type != "placeholder"

    def check(document: Any, ctx: Any, emit: Any) -> None:
        if not built:
            built.append(build_check(spec))
        if reads_the_process:
            told = emit

            def emit(block: Any, message: str, *args: Any, **kwargs: Any) -> None:
                if not in_change_record(block):
                    told(block, message, *args, **kwargs)

        built[0](document, ctx, emit)

    return check


def build_rule(rule_id: str, spec: BaseSpec, pack_kinds: list[str] | None) -> Rule:
    kinds = spec.kinds if spec.kinds is not None else pack_kinds or []
    omission = spec.REPORTS == "omission"
    if omission and spec.severity is None:
        severity = omission_severity(spec.provision)
    else:
        severity = Severity.parse(spec.severity or "error")
    return Rule(
        id=rule_id,
        name=spec.name,
        provision=spec.provision,
        summary=spec.summary,
        severity=severity,
        omission=omission,
        statements=spec.statements(),
        kinds=tuple(kinds),
        rationale=" ".join(spec.rationale.split()),
        breach_example=spec.breach_example,
        compliant_example=spec.compliant_example,
        check=_built_when_first_used(spec),
    )
