"""`codecheck init`: a commented starter ``codecheck.yaml``.

Every key of :class:`codecheck.config.Config` is written with its default
value, so the file loads to exactly the defaults and a person edits only what
they need. A key added to ``Config`` later still appears: it is documented
from its attribute docstring in config.py until a comment is written here.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import yaml

from codecheck import config as config_module
from codecheck.config import Config, config_json, config_keys

FILE_NAME = "codecheck.yaml"

HEAD = """\
# codecheck.yaml: settings for codecheck, the Complaint Handling Code (2024) linter.
# Written by `codecheck init`. Every key is here with its default value: change what you
# need and delete the rest. `codecheck check` reads this file from the directory it runs in
# (or the file given with --config); command-line options override it. The same keys may
# instead go under [tool.codecheck] in pyproject.toml.
"""

#: key -> comment lines (without "# "), in the order the file shows them.
COMMENTS: dict[str, list[str]] = {
    "columns": [
        "Your export's own headers for codecheck's canonical columns (`codecheck columns` lists them,",
        "as does docs/columns.md). Only case_id and received_date are required. A header that matches",
        "a canonical name when case, spaces and punctuation are ignored (\"Case ID\" for case_id)",
        "needs no entry; `codecheck init --from EXPORT` guesses the rest. For example:",
        "  columns:",
        "    case_id: \"Complaint Ref\"",
        "    received_date: \"Date Received\"",
        "    stage1_ack_date: \"Acknowledged\"",
    ],
    "sheet": [
        "Excel workbooks (.xlsx): the sheet holding the cases, by name. null = the first sheet.",
    ],
    "date_order": [
        "How to read slash dates such as 01/05/2024: dmy (day first, UK) or mdy (month first).",
        "null: day first, and a file whose slash dates can only be month first (10/23/2024) is",
        "refused rather than read wrongly. ISO dates (2024-05-01) and dates with a month name are",
        "read the same either way.",
    ],
    "region": [
        "Whose bank holidays are not working days: england-and-wales, scotland or northern-ireland.",
    ],
    "closures": [
        "Further days the landlord is closed (not working days), e.g. a Christmas shutdown:",
        "  closures: [2024-12-27, 2024-12-30, 2024-12-31]",
    ],
    "select": [
        "Only these rules; [] = all. A rule id (CR602), an id prefix (CR6), a rule name",
        "(stage1-ack-late) or a Code provision prefix (6 = all of section 6). Like --select.",
    ],
    "ignore": [
        "Leave these rules out (same forms as select). Like --ignore. For example: [CR510]",
    ],
    "severity": [
        "Change a rule's severity (error, warning or info), by rule id, name or provision:",
        "  severity: {CR510: error}",
    ],
    "fail_on": [
        "The exit code is 1 when a finding is at or above this severity: error, warning or info.",
        "Like --fail-on.",
    ],
    "suppress": [
        "Findings of a rule not to report for named cases, each with the reason (kept for audit):",
        "  suppress:",
        "    - rule: CR602",
        "      cases: [CMP-2024-0225]",
        "      reason: \"acknowledged by phone on the day; letter logged late\"",
        "      path: \"exports/*.csv\"    # optional: only in files matching this glob",
    ],
    "documents": [
        "Which documents are what, by glob: policy, stage1_ack, stage1_response, stage2_ack,",
        "stage2_response, extension, refusal or self_assessment. For example:",
        "  documents: {\"policies/*.docx\": policy, \"letters/ack*\": stage1_ack}",
    ],
    "exclude": [
        "Paths not to check when a folder is walked (globs), e.g. [\"archive/*\", \"*.bak.csv\"].",
    ],
    "batch_size": [
        "Case rows read and checked at a time. Larger is a little faster and uses more memory.",
    ],
}


def _attribute_docs() -> dict[str, str]:
    """Config's attribute docstrings (the string after each field), read from its source."""
    try:
        tree = ast.parse(inspect.getsource(config_module))
    except (OSError, TypeError, SyntaxError):
        return {}
    docs: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "Config":
            body = node.body
            for stmt, after in zip(body, body[1:]):
                if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                        and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                        and isinstance(after.value.value, str)):
                    docs[stmt.target.id] = " ".join(after.value.value.split())
    return docs


def _default_yaml(name: str) -> str:
    dumped = config_json(Config())[name]
    text = yaml.safe_dump({name: dumped}, default_flow_style=True, sort_keys=False, width=1000).strip()
    # safe_dump in flow style wraps a mapping in braces: {key: value}
    return text[1:-1] if text.startswith("{") and text.endswith("}") else text


def comment_lines(lines: list[str]) -> str:
    """Lines as YAML comments, one ``# `` each."""
    return "\n".join(f"# {line}".rstrip() for line in lines)


def starter_config(values: dict[str, str] | None = None, head: str = HEAD) -> str:
    """The text of a starter codecheck.yaml.

    `values` replaces the default value text of some keys: key -> the YAML (and comments) that
    follow the key's own comment, e.g. ``{"date_order": "# month first: 10/23/2024\ndate_order: mdy"}``.
    """
    values = values or {}
    fields = config_keys()
    order = [n for n in COMMENTS if n in fields] + [n for n in fields if n not in COMMENTS]
    docs = _attribute_docs()
    parts = [head]
    for name in order:
        lines = COMMENTS.get(name) or [docs.get(name) or f"{name}: see the README."]
        body = values[name].rstrip("\n") if name in values else _default_yaml(name)
        parts.append(comment_lines(lines) + "\n" + body + "\n")
    return "\n".join(parts)


def write_starter(directory: Path, force: bool = False, text: str | None = None) -> Path:
    """Write codecheck.yaml (`text`, else the starter) into `directory`; FileExistsError unless `force`."""
    target = directory / FILE_NAME
    if target.exists() and not force:
        raise FileExistsError(str(target))
    target.write_text(starter_config() if text is None else text, encoding="utf-8")
    return target
