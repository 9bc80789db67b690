"""Document rules as data: YAML rule packs under ``rules/letters/`` and ``rules/policy/``.

Each pack is a mapping::

    kinds: [stage1_response]          # default input kinds for the pack's rules
    rules:
      CL609G:                         # the rule id
        name: stage1-response-escalation
        provision: "6.9(g)"           # null only for template hygiene rules
        type: requires                # requires | forbids | timescale | placeholder | conditional
        severity: error               # error | warning | info (default error)
        summary: ...
        message: ...                  # may use {match}, {amount}, {days}, {max}, {missing} as the type allows
        rationale: ...
        breach_example: ...
        compliant_example: ...
        kinds: [...]                  # optional, overrides the pack's kinds
        any_of: [pattern, ...]        # + the keys of its type (see TYPE_KEYS)

Patterns are regular expressions over normalised text (see
:mod:`codecheck.documents.matching`). The rule types:

- ``requires``: ``any_of`` (one must match) or ``all_of`` (every group must
  match); optional ``within`` (the match must be in a block under a heading
  matching it), ``scope: sentence`` (all groups in one sentence) and ``names``
  (what each ``all_of`` group is, for ``{missing}``). One finding for the
  document as a whole when not met.
- ``forbids``: each match of ``patterns`` is a finding at its block, unless one
  of ``unless`` matches in the sentence it is in (every sentence it overlaps, read
  together, when a match runs past a sentence end or a heading).
- ``timescale``: in a sentence matching ``step`` (and none of ``unless``), an
  amount in working days or weeks above ``max_working_days`` is a finding;
  ``allow`` lists ``{when, max_working_days}`` for sentences that count from an
  earlier point (e.g. from receipt rather than acknowledgement); the first
  ``allow`` whose ``when`` matches sets the limit. Headings (optional):
  ``read_heading: true`` matches ``step`` and every ``allow.when`` against the
  sentence's heading and the sentence read together ("<heading>: <sentence>"),
  so "## Stage 1" above "We will respond within 15 working days" reads as a
  stage 1 response; ``unless`` still reads the sentence alone. ``unless_heading``
  skips every sentence under a heading that matches one of its patterns (e.g.
  a stage 1 rule under "Stage 2"). The heading is the one of the block the
  sentence starts in (the nearest heading above it; a heading's own sentence has
  itself). PDF and plain text have no headings.
- ``placeholder``: unfilled template placeholders; well-formed merge fields are not.
- ``conditional``: when one of ``if_any`` matches and none of ``then_any``
  matches anywhere, one finding at the first ``if_any`` match.

Where patterns are matched: ``any_of``/``all_of``, ``patterns``, ``if_any`` and
``then_any`` search the whole document text (``^`` and ``$`` are its start and
end); ``unless``, ``step``, ``allow.when`` and ``all_of`` with ``scope: sentence``
search one sentence, matched in that sentence's text alone: ``^`` anchors at the
sentence start and ``$`` at its end (after its full stop, so write ``\\W*$`` for
"at the end"), and lookbehinds and ``\\b`` cannot see the text before it. With
``read_heading`` the text searched is "<heading>: <sentence>", so ``^`` is the
start of the heading. ``within`` and ``unless_heading`` search the heading alone.

A pack that cannot be read or is invalid is a :class:`ConfigError` naming the
file and the key path.

Each rule's patterns are compiled once, when its pack is loaded (a rule's list of
patterns as one :class:`~codecheck.documents.matching.PatternSet`), and every rule of
a document reads the one :class:`~codecheck.documents.matching.Text` made for it.
"""

from __future__ import annotations

import bisect
import functools
import re
import string
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Callable, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codecheck import yamlfile
from codecheck.errors import ConfigError
from codecheck.findings import Severity
from codecheck.rules import DOCUMENT_KINDS, Rule

from .matching import (
    Matcher,
    PatternSet,
    Text,
    compile_matcher,
    compile_pattern,
    compile_set,
    document_text,
)
from .model import Document
from .statements import statements_of
from .vocabulary import UnknownFragment, expand, rules_directory

PACK_FOLDERS = ("letters", "policy")
RULE_ID = re.compile(r"^[A-Z]+[0-9]+[A-Z]?$")
RULE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = tuple(DOCUMENT_KINDS)

#: For each type: (keys it needs, keys it may have, placeholders its message may use).
TYPE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "requires": ((), ("any_of", "all_of", "within", "scope", "names", "satisfied_by"), ("missing",)),
    "forbids": (("patterns",), ("unless",), ("match",)),
    "timescale": (
        ("max_working_days",),
        ("step", "reads", "unless", "allow", "read_heading", "unless_heading"),
        ("match", "amount", "days", "max"),
    ),
    "statement": (("finds",), (), ("match",)),
    "placeholder": ((), (), ("match",)),
    "conditional": (("if_any", "then_any"), (), ("match",)),
}


class Allow(BaseModel):
    """A higher limit for some sentences: legacy ``when`` patterns, or (for a rule that
    ``reads`` timescale statements) the point a time is counted ``from`` or a sentence about
    ``complex_cases``."""

    model_config = ConfigDict(extra="forbid")

    when: list[str] | None = None
    from_: list[Literal["receipt", "acknowledgement", "request"]] | None = Field(default=None, alias="from")
    stage: Literal[1, 2, "unknown"] | None = None
    complex_cases: bool | None = None
    total: bool | None = None
    max_working_days: int


class Says(BaseModel):
    """Which statements (:mod:`codecheck.documents.statements`) a rule reads: by kind, and
    for timescales by step and stage (``unknown``: the sentence and its heading name none)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal[
        "timescale", "extra_stage", "third_stage", "stage2_handler", "escalation_condition",
        "escalation_refused", "ombudsman_wait",
    ] = "timescale"
    step: Literal["acknowledge", "respond", "extend", "escalate", "remedy", "wait", "contact", "other"] | None = None
    stages: list[Literal[1, 2, "unknown"]] | None = None
    value: str | None = None
    negated: bool | None = None

    def matches(self, statement: Any) -> bool:
        if statement.kind != self.kind:
            return False
        if self.kind == "timescale" and statement.topic != "complaint":
            return False
        if self.step is not None and statement.step != self.step:
            return False
        if self.stages is not None and (statement.stage or "unknown") not in self.stages:
            return False
        if self.value is not None and statement.value != self.value:
            return False
        return self.negated is None or statement.negated == self.negated


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    provision: str | None
    type: Literal["requires", "forbids", "timescale", "statement", "placeholder", "conditional"]
    severity: Literal["error", "warning", "info"] | None = None
    """Default error; a requires rule (an omission) takes its severity from its provision."""
    summary: str
    message: str
    rationale: str
    breach_example: str
    compliant_example: str = ""
    kinds: list[str] | None = None
    # requires
    any_of: list[str] | None = None
    all_of: list[list[str]] | None = None
    within: str | None = None
    scope: Literal["document", "sentence"] = "document"
    names: list[str] | None = None
    # forbids
    patterns: list[str] | None = None
    unless: list[str] | None = None
    satisfied_by: list[Says] | None = None
    # statement (and timescale, when it reads statements)
    finds: Says | None = None
    reads: Says | None = None
    # timescale
    step: list[str] | None = None
    max_working_days: int | None = None
    allow: list[Allow] | None = None
    read_heading: bool | None = None
    unless_heading: list[str] | None = None
    # conditional
    if_any: list[str] | None = None
    then_any: list[str] | None = None


class Pack(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    if error["type"] == "missing":
        return loc, "field required"
    if error["type"] == "extra_forbidden":
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


def _validate_rule(rule_id: str, spec: RuleSpec, pack_kinds: list[str] | None) -> None:
    base = ("rules", rule_id)
    given = spec.model_fields_set
    if not RULE_ID.match(rule_id):
        raise _PackError(base, "a rule id is capital letters then digits then an optional item letter, e.g. CL609G")
    if not RULE_NAME.match(spec.name):
        raise _PackError((*base, "name"), f"{spec.name!r} is not a kebab-case name (e.g. stage1-response-escalation)")
    if spec.provision is not None:
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
    for key in ("summary", "message", "rationale", "breach_example"):
        if not getattr(spec, key).strip():
            raise _PackError((*base, key), "must not be empty")

    needs, may, fields = TYPE_KEYS[spec.type]
    typed = {k for keys in TYPE_KEYS.values() for k in keys[0] + keys[1]}
    for key in sorted(given & typed):
        if key not in needs + may:
            raise _PackError((*base, key), f"not a key of a {spec.type} rule")
    for key in needs:
        if key not in given or getattr(spec, key) is None:
            raise _PackError((*base, key), "field required")
    if spec.type == "requires":
        if spec.severity is not None:
            raise _PackError(
                (*base, "severity"),
                "a requires rule reports an omission, whose severity follows its provision "
                "(warning for sections 1-3 and 5-7, info for 4, 8 and 9): remove severity",
            )
        if spec.any_of is None and spec.all_of is None:
            raise _PackError((*base, "any_of"), "field required (a requires rule needs any_of or all_of)")
        if spec.any_of is not None and spec.all_of is not None:
            raise _PackError((*base, "all_of"), "give any_of or all_of, not both")
        if spec.names is not None:
            if spec.all_of is None:
                raise _PackError((*base, "names"), "names go with all_of (one name per group)")
            if len(spec.names) != len(spec.all_of):
                raise _PackError((*base, "names"), f"{len(spec.names)} names for {len(spec.all_of)} all_of groups")
        if spec.scope == "sentence" and spec.all_of is None:
            raise _PackError((*base, "scope"), "scope: sentence goes with all_of")
    if spec.type == "timescale":
        if (spec.step is None) == (spec.reads is None):
            raise _PackError((*base, "reads"), "a timescale rule reads statements (reads) or sentences (step): give one")
        if spec.reads is not None:
            if spec.reads.kind != "timescale" or spec.reads.step is None:
                raise _PackError((*base, "reads"), "reads: a timescale rule reads timescale statements of one step")
            for key in ("unless", "read_heading", "unless_heading"):
                if key in given:
                    raise _PackError((*base, key), "not a key of a timescale rule that reads statements")
            for i, allow in enumerate(spec.allow or []):
                if allow.when is not None:
                    raise _PackError((*base, "allow", i, "when"), "use from, stage, complex_cases or total with reads")
        else:
            for i, allow in enumerate(spec.allow or []):
                if allow.when is None:
                    raise _PackError((*base, "allow", i, "when"), "field required")
    if spec.max_working_days is not None and spec.max_working_days < 1:
        raise _PackError((*base, "max_working_days"), "must be a positive number of working days")

    def patterns(key: str, values: list[str] | None, loc: tuple[Any, ...]) -> None:
        if values is None:
            return
        if not values:
            raise _PackError(loc, "must list at least one pattern")
        for i, value in enumerate(values):
            if not value.strip():
                raise _PackError((*loc, i), "empty pattern")
            try:
                compile_pattern(value)
            except re.error as exc:
                raise _PackError((*loc, i), f"invalid regular expression: {exc}") from None
            if compile_pattern(value).search(""):
                raise _PackError((*loc, i), "pattern matches empty text")

    for key in PATTERN_KEYS:
        patterns(key, getattr(spec, key), (*base, key))
    if spec.all_of is not None:
        if not spec.all_of:
            raise _PackError((*base, "all_of"), "must list at least one group")
        for i, group in enumerate(spec.all_of):
            patterns("all_of", group, (*base, "all_of", i))
    if spec.within is not None:
        patterns("within", [spec.within], (*base, "within"))
    for i, allow in enumerate(spec.allow or []):
        if allow.when is not None:
            patterns("when", allow.when, (*base, "allow", i, "when"))
    try:
        used = [field for _, field, _, _ in string.Formatter().parse(spec.message) if field is not None]
    except ValueError as exc:
        raise _PackError((*base, "message"), f"{exc} (write {{{{ and }}}} for literal braces)") from None
    for field in used:
        if field not in fields:
            allowed = ", ".join("{" + f + "}" for f in fields) or "none"
            raise _PackError(
                (*base, "message"),
                f"unknown placeholder {{{field}}} (a {spec.type} message may use {allowed}; write {{{{ and }}}} for braces)",
            )
        if field == "missing" and spec.names is None:
            raise _PackError((*base, "message"), "{missing} needs all_of with names (what each group is)")


PATTERN_KEYS = ("any_of", "patterns", "unless", "step", "if_any", "then_any", "unless_heading")


def _expand_fragments(rule_id: str, spec: RuleSpec) -> None:
    """Replace each ``{name}`` of the shared vocabulary in the rule's patterns (in place)."""

    def one(value: str, loc: tuple[Any, ...]) -> str:
        try:
            return expand(value)
        except UnknownFragment as exc:
            raise _PackError(loc, str(exc)) from None

    base = ("rules", rule_id)
    for key in PATTERN_KEYS:
        values = getattr(spec, key)
        if values is not None:
            setattr(spec, key, [one(v, (*base, key, i)) for i, v in enumerate(values)])
    if spec.all_of is not None:
        spec.all_of = [[one(v, (*base, "all_of", g, i)) for i, v in enumerate(group)] for g, group in enumerate(spec.all_of)]
    if spec.within is not None:
        spec.within = one(spec.within, (*base, "within"))
    for n, allow in enumerate(spec.allow or []):
        if allow.when is not None:
            allow.when = [one(v, (*base, "allow", n, "when", i)) for i, v in enumerate(allow.when)]


# -- loading -------------------------------------------------------------------------------


@dataclass
class LoadedPack:
    path: str
    pack: Pack


def load_pack(path: Path | Traversable) -> LoadedPack:
    """Read and check one pack file."""
    name, root, data = yamlfile.load_mapping(path, "kinds and rules")
    try:
        _duplicate_keys(root)
    except _PackError as exc:
        raise _fail(name, root, exc.loc, exc.message) from None
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        loc, message = _describe(errors[0])
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        raise _fail(name, root, loc, message + more) from None
    if pack.kinds is not None:
        for i, kind in enumerate(pack.kinds):
            if kind not in KINDS:
                raise _fail(name, root, ("kinds", i), f"unknown document kind {kind!r}; use one of {', '.join(KINDS)}")
    for rule_id, spec in pack.rules.items():
        try:
            _expand_fragments(str(rule_id), spec)
            _validate_rule(str(rule_id), spec, pack.kinds)
        except _PackError as exc:
            raise _fail(name, root, exc.loc, exc.message) from None
    return LoadedPack(name, pack)


def load_packs(directory: Path | Traversable | None = None) -> list[Rule]:
    """Every rule of every pack under `directory`/letters and /policy (default: the rules directory)."""
    directory = rules_directory() if directory is None else directory
    rules: list[Rule] = []
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    for path in pack_files(directory):
        loaded = load_pack(path)
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


# -- the rule types --------------------------------------------------------------------------

Emit = Callable[..., None]


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _format(message: str, **values: Any) -> str:
    return string.Formatter().vformat(message, (), _Fields(values))


def _set(patterns: list[str] | None) -> PatternSet:
    """A rule's pattern list, compiled once when the pack is loaded."""
    return compile_set(tuple(patterns or ()))


def _matches(patterns: PatternSet, string: str) -> bool:
    """Does any of `patterns` match in `string` (normalised text)?"""
    if patterns.joined is not None:
        return patterns.joined.search_in(string)
    return any(m.search_in(string) for m in patterns.matchers)


def _in_heading(text: Text, start: int, heading: Matcher | None) -> bool:
    if heading is None:
        return True
    under = text.normalized_heading(start)
    return under is not None and heading.search_in(under)


def _found(text: Text, patterns: PatternSet, within: Matcher | None, start: int = 0, end: int | None = None) -> bool:
    """Does one of `patterns` match in [start, end) (under a heading matching `within`)?"""
    if within is None:
        return text.contains(patterns, start, end)
    return any(
        _in_heading(text, hit.start, within) for matcher in patterns.matchers for hit in text.finditer(matcher, start, end)
    )


def requires_check(spec: RuleSpec) -> Callable[[Document, Any, Emit], None]:
    groups = [_set(spec.any_of)] if spec.any_of is not None else [_set(group) for group in spec.all_of or []]
    within = compile_matcher(spec.within) if spec.within is not None else None
    names = spec.names or []

    satisfied_by = spec.satisfied_by or []

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        text = document_text(document)
        if satisfied_by:
            reading = statements_of(document, getattr(ctx, "kind", None))
            if any(says.matches(st) for st in reading.statements for says in satisfied_by):
                return
        found = [_found(text, group, within) for group in groups]
        if spec.scope == "sentence" and all(found):
            for start, end in text.sentences:
                if all(_found(text, group, within, start, end) for group in groups):
                    return
            missing_names = names
        elif all(found):
            return
        else:
            missing_names = [n for n, ok in zip(names, found) if not ok]
        emit(None, _format(spec.message, missing=" and ".join(missing_names)))

    return check


def _overlapping(hits: list) -> list:
    out: list = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if out and hit.start < out[-1].end:
            continue
        out.append(hit)
    return out


def forbids_check(spec: RuleSpec) -> Callable[[Document, Any, Emit], None]:
    patterns = [compile_matcher(p) for p in spec.patterns or []]
    unless = _set(spec.unless) if spec.unless else None

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        text = document_text(document)
        hits = [hit for matcher in patterns for hit in text.finditer(matcher)]
        for hit in _overlapping(hits):
            if unless is not None:
                start, end = text.sentences_over(hit.start, hit.end)
                if text.contains(unless, start, end):
                    continue
            emit(hit.block, _format(spec.message, match=hit.text))

    return check


def _days(amount: Any) -> str:
    return f"{amount} working day{'s' if amount != 1 else ''}"


def statement_timescale_check(spec: RuleSpec) -> Callable[[Document, Any, Emit], None]:
    """A timescale rule over timescale statements: a statement of the step and stage the rule
    ``reads`` whose longest amount is over the limit (raised by the first ``allow`` that fits:
    counted from an earlier point, or about complex cases) is a finding at its sentence."""
    assert spec.reads is not None and spec.max_working_days is not None
    reads = spec.reads
    allows = spec.allow or []

    def limit_for(statement: Any) -> int:
        for allow in allows:
            if allow.from_ is not None and statement.counted_from not in allow.from_:
                continue
            if allow.stage is not None and (statement.stage or "unknown") != allow.stage:
                continue
            if allow.complex_cases is not None and statement.complex_cases != allow.complex_cases:
                continue
            if allow.total is not None and statement.total != allow.total:
                continue
            return allow.max_working_days
        return spec.max_working_days

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        reading = statements_of(document, getattr(ctx, "kind", None))
        for statement in reading.statements:
            if not reads.matches(statement) or statement.high is None:
                continue
            limit = limit_for(statement)
            if statement.high > limit:
                stated = statement.quote
                if statement.unit != "working days":
                    stated += f" (at least {_days(statement.high)})"
                emit(statement.block, _format(spec.message, match=statement.quote, amount=stated,
                                              days=statement.high, max=limit))

    return check


def _quoted(sentence: str, width: int = 160) -> str:
    """A sentence as a finding quotes it: without a list bullet, at most `width` characters."""
    text = re.sub(r"^[\s\u2022\u25cf\u25aa*>-]+", "", " ".join(sentence.split()))
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def statement_check(spec: RuleSpec) -> Callable[[Document, Any, Emit], None]:
    """Each statement the rule ``finds`` is a finding at its sentence (a contradiction)."""
    assert spec.finds is not None
    finds = spec.finds

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        reading = statements_of(document, getattr(ctx, "kind", None))
        for statement in reading.statements:
            if finds.matches(statement):
                emit(statement.block, _format(spec.message, match=_quoted(statement.sentence.cased)))

    return check


def timescale_check(spec: RuleSpec) -> Callable[[Document, Any, Emit], None]:
    assert spec.max_working_days is not None
    if spec.reads is not None:
        return statement_timescale_check(spec)
    step = _set(spec.step)
    unless = _set(spec.unless) if spec.unless else None
    unless_heading = _set(spec.unless_heading) if spec.unless_heading else None
    allows = [(_set(allow.when), allow.max_working_days) for allow in spec.allow or []]

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        text = document_text(document)
        amounts, offsets = text.amounts()  # in order: find_amounts scans left to right
        if not amounts:
            return
        for start, end in text.sentences:
            inside = amounts[bisect.bisect_left(offsets, start) : bisect.bisect_left(offsets, end)]
            if not inside:
                continue
            heading = text.normalized_heading(start)
            if heading is not None and unless_heading is not None and _matches(unless_heading, heading):
                continue
            sentence = text.text[start:end]
            # what step and allow.when read: the sentence, or "<heading>: <sentence>"
            context = f"{heading}: {sentence}" if spec.read_heading and heading not in (None, sentence) else sentence
            if not _matches(step, context):
                continue
            if unless is not None and text.contains(unless, start, end):
                continue
            limit = spec.max_working_days
            for when, days in allows:
                if _matches(when, context):
                    limit = days
                    break
            for amount in inside:
                if amount.working_days > limit:
                    hit = text.hit(amount.start, amount.end)
                    stated = hit.text if amount.unit == "working days" else f"{hit.text} ({amount.working_days} working days)"
                    emit(hit.block, _format(spec.message, match=hit.text, amount=stated, days=amount.working_days, max=limit))

    return check


# Placeholders are found in the text in its original case (capitals matter).
_BRACKET = re.compile(r"\[([^\[\]]{1,120})\]")
_INSTRUCTION = re.compile(
    r"^\s*(?:insert|enter|add|date|name|delete|select|choose|include|amend|edit|type|complete|"
    r"tbc|tbd|to be confirmed|if applicable|optional|resident|tenant|customer|officer|address|"
    r"ref|reference|amount|details)\b",
    re.IGNORECASE,
)
_FILLER = re.compile(r"(?<![\w/])(?:[xX]{1,2}/[xX]{1,2}/[xX]{2,4}|£ ?[xX]{2,}(?:\.[xX]{2})?|X{2,}|x{2,})(?![\w/])")
_MERGE_FIELD = re.compile(r"\{\{[^{}]+\}\}|\u00ab[^\u00ab\u00bb]+\u00bb|<<[^<>]+>>|\{[A-Za-z_][\w.]*\}")
# Words in capitals in square brackets that are markings or labels, not instructions.
_MARKINGS = frozenset({
    "OFFICIAL", "OFFICIAL SENSITIVE", "SENSITIVE", "CONFIDENTIAL", "PRIVATE AND CONFIDENTIAL", "PRIVATE",
    "NOT PROTECTIVELY MARKED", "PDF", "DOC", "DOCX", "SIC", "URGENT", "EXTERNAL", "ENDS",
})
_OPEN_BRACKET = re.compile(r"\[\s*(?:insert|enter)\b", re.IGNORECASE)
_PAIRS = (("\u00ab", "\u00bb"), ("{{", "}}"), ("<<", ">>"))
_MERGE_MAX = 100  # a merge field's name is short: a closer further away than this belongs to another


def _shown_end(text: str, after: int) -> int:
    """Where to stop showing an unclosed placeholder: the end of the word that follows."""
    m = re.compile(r"\s*\S{0,40}").match(text, after)
    return m.end() if m else after


def _placeholder_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _BRACKET.finditer(text):
        inner = m.group(1)
        if _MERGE_FIELD.search(inner):
            continue  # brackets around a merge field ("[ref: {{case_ref}}]") are text, not an instruction
        letters = [c for c in inner if c.isalpha()]
        capitals = (
            len(letters) >= 2
            and all(c.isupper() for c in letters)
            and not any(c.isdigit() for c in inner)  # "[TEXT RELAY: 18001]"
            and " ".join(inner.replace("-", " ").split()) not in _MARKINGS
        )
        if capitals or _INSTRUCTION.match(inner):
            spans.append((m.start(), m.end()))
    for m in _OPEN_BRACKET.finditer(text):
        close = text.find("]", m.end(), m.end() + _MERGE_MAX)
        following = text.find("[", m.end(), m.end() + _MERGE_MAX)
        if close < 0 or 0 <= following < close:
            spans.append((m.start(), _shown_end(text, m.end())))
    for m in _FILLER.finditer(text):
        spans.append((m.start(), m.end()))
    for opener, closer in _PAIRS:
        pos = text.find(opener)
        while pos >= 0:
            after = pos + len(opener)
            close = text.find(closer, after, after + _MERGE_MAX)
            nxt = text.find(opener, after)
            if close >= 0 and not 0 <= nxt < close:
                if close == after:  # an empty field: «» or {{}}
                    spans.append((pos, close + len(closer)))
                pos = text.find(opener, close + len(closer))
            else:
                end = _shown_end(text, after)
                spans.append((pos, min(end, nxt) if nxt >= 0 else end))
                pos = nxt
    return spans


def placeholder_check(spec: RuleSpec) -> Callable[[Document, Any, Emit], None]:
    def check(document: Document, ctx: Any, emit: Emit) -> None:
        text = document_text(document)
        spans = _overlapping([text.hit(s, e) for s, e in _placeholder_spans(text.cased)])
        for hit in spans:
            shown = hit.text.strip()
            emit(hit.block, _format(spec.message, match=shown))

    return check


def conditional_check(spec: RuleSpec) -> Callable[[Document, Any, Emit], None]:
    if_any, then_any = _set(spec.if_any), _set(spec.then_any)

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        text = document_text(document)
        hit = text.search(if_any)
        if hit is not None and not text.contains(then_any):
            emit(hit.block, _format(spec.message, match=hit.text))

    return check


CHECKS: dict[str, Callable[[RuleSpec], Callable[[Document, Any, Emit], None]]] = {
    "requires": requires_check,
    "forbids": forbids_check,
    "timescale": timescale_check,
    "statement": statement_check,
    "placeholder": placeholder_check,
    "conditional": conditional_check,
}


#: Sections of the Code about the landlord's own governance: an omission there is info.
GOVERNANCE_SECTIONS = frozenset({"4", "8", "9"})


def omission_severity(provision: str | None) -> Severity:
    """How much it matters that a document does not say what a provision asks: a warning
    where residents are told something (sections 1-3, 5-7), info for governance (4, 8, 9).
    Never an error: the landlord may say it in another document."""
    section = (provision or "").split(".")[0]
    return Severity.INFO if section in GOVERNANCE_SECTIONS else Severity.WARNING


def build_rule(rule_id: str, spec: RuleSpec, pack_kinds: list[str] | None) -> Rule:
    kinds = spec.kinds if spec.kinds is not None else pack_kinds or []
    omission = spec.type == "requires"
    severity = omission_severity(spec.provision) if omission else Severity.parse(spec.severity or "error")
    return Rule(
        id=rule_id,
        name=spec.name,
        provision=spec.provision,
        summary=spec.summary,
        severity=severity,
        omission=omission,
        statements=tuple(x for x in (spec.reads, spec.finds, *(spec.satisfied_by or [])) if x is not None),
        kinds=tuple(kinds),
        rationale=" ".join(spec.rationale.split()),
        breach_example=spec.breach_example,
        compliant_example=spec.compliant_example,
        check=CHECKS[spec.type](spec),
    )
