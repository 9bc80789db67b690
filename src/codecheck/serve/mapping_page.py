"""The mapping step for a case export: each canonical column with the file's own headers to
choose from, pre-filled with ``codecheck init --from``'s confident guesses, the first rows' dates
read under the chosen date order, and the mapping as a ``codecheck.yaml``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from codecheck.columns import COLUMNS, DATE, REQUIRED, normalise_header
from codecheck.config import Config, parse_config
from codecheck.errors import CodecheckError, ConfigError
from codecheck.mapping import guess_mapping
from codecheck.readers.preview import preview
from codecheck.serve.workspace import Upload
from codecheck.values import UnreadableValue, parse_date

PREVIEW_ROWS = 5
GUESS_ROWS = 500


@dataclass
class Column:
    name: str
    type: str
    provision: str
    meaning: str
    required: bool
    chosen: str
    hint: str = ""


@dataclass
class MappingView:
    headers: list[str]
    header_row: int
    columns: list[Column]
    date_order: str
    date_order_evidence: str
    dates: list[dict] = field(default_factory=list)
    """The first rows' date cells: {"row": n, "cells": [(canonical, text, read), ...]}."""
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def build(upload: Upload, chosen: dict[str, str] | None, date_order: str | None,
          base: Config | None = None) -> MappingView:
    """The page for `upload`; `chosen` (canonical -> header) and `date_order` as the form sent them,
    or None for the first view: the mapping saved on the page, else the server's configuration's
    (`base`, where its headers are in this file), else the guesses."""
    seen = preview(upload.path, Config(), GUESS_ROWS)
    guessed = guess_mapping(seen.header, seen.rows)
    headers = [h.strip() for h in seen.header if h.strip()]
    if chosen is None:
        configured = _configured(base, seen.header)
        if upload.columns is not None:
            chosen, date_order = dict(upload.columns), upload.date_order
        elif configured is not None:
            chosen, date_order = configured, base.date_order or guessed.date_order  # type: ignore[union-attr]
        else:
            chosen, date_order = guessed.columns, guessed.date_order
    by_name = {g.canonical: g for g in guessed.guesses}
    columns = []
    for name, (kind, provision, meaning) in COLUMNS.items():
        guess = by_name.get(name)
        hint = ""
        if guess is not None:
            hint = (f"guessed {guess.header!r}: {guess.confidence}%" + ("" if guess.confident else ", to confirm")
                    + f" ({guess.evidence})")
        columns.append(Column(name, kind, provision, meaning, name in REQUIRED, chosen.get(name, ""), hint))
    view = MappingView(headers=headers, header_row=seen.header_row, columns=columns,
                       date_order=date_order or "", date_order_evidence=guessed.date_order_evidence,
                       notes=list(seen.notes) + list(guessed.notes))
    view.errors = problems(chosen, date_order)
    index = {normalise_header(h): i for i, h in enumerate(seen.header)}
    month_first = date_order == "mdy"
    date_columns = [(c, chosen[c]) for c in COLUMNS if COLUMNS[c][0] == DATE and chosen.get(c)]
    for number, row in enumerate(seen.rows[:PREVIEW_ROWS], 1):
        cells = []
        for canonical, header in date_columns:
            i = index.get(normalise_header(header))
            text = row[i].strip() if i is not None and i < len(row) else ""
            try:
                value = parse_date(text, month_first=month_first)
                read = value.strftime("%-d %B %Y") if value else "blank"
            except UnreadableValue as exc:
                read = f"not read: {exc}"
            cells.append((canonical, text, read))
        view.dates.append({"row": number, "cells": cells})
    return view


def _configured(base: Config | None, header: list[str]) -> dict[str, str] | None:
    """The configuration's column mapping, when it has one and this file has every header it names
    (a file from another system is guessed afresh instead)."""
    if base is None or not base.columns:
        return None
    present = {normalise_header(h) for h in header}
    used = {normalise_header(h) for h in base.columns.values()}
    if not used <= present:
        return None
    # every canonical column the file has under its own name (as the checks read it), then the mapping
    mapped = {c: h for c in COLUMNS for h in header
              if normalise_header(h) == normalise_header(c) and normalise_header(h) not in used}
    mapped.update(base.columns)
    return mapped


def problems(chosen: dict[str, str], date_order: str | None) -> list[str]:
    """Why this mapping cannot be used yet, in words ([] when it can)."""
    out = [f"{c} is required: choose the header that holds it" for c in REQUIRED if not chosen.get(c)]
    try:
        to_config(chosen, date_order)
    except ConfigError as exc:
        out.append(str(exc).removeprefix("the mapping: "))
    return out


def to_config(chosen: dict[str, str], date_order: str | None) -> Config:
    return parse_config({"columns": {c: h for c, h in chosen.items() if h}, "date_order": date_order or None},
                        "the mapping")


def yaml_text(upload: Upload, chosen: dict[str, str], date_order: str | None) -> str:
    """A codecheck.yaml with this mapping, every other key at its default (as `codecheck init` writes)."""
    from codecheck.starter import HEAD, starter_config

    mapped = {c: h for c, h in chosen.items() if h}
    lines = ["# Mapped on the `codecheck serve` page: the export's own header for each column."]
    lines.append("columns:" if mapped else "columns: {}")
    lines += [f"  {c}: {json.dumps(h, ensure_ascii=False)}" for c, h in mapped.items()]
    order = (f"# Chosen on the page: {'month first (10/23/2024)' if date_order == 'mdy' else 'day first (23/10/2024)'}.\n"
             f"date_order: {date_order}") if date_order else "date_order: null"
    head = HEAD + f"# Mapped on the `codecheck serve` page from {upload.name}.\n"
    return starter_config({"columns": "\n".join(lines), "date_order": order}, head=head)


def from_form(form) -> tuple[dict[str, str], str | None]:
    """The mapping as the form (or query string) sends it: ``col_<canonical>=<header>``, ``date_order``."""
    chosen = {c: str(form.get(f"col_{c}", "")).strip() for c in COLUMNS}
    order = str(form.get("date_order", "")).strip()
    return {c: h for c, h in chosen.items() if h}, order if order in ("dmy", "mdy") else None


__all__ = ["build", "problems", "to_config", "yaml_text", "from_form", "CodecheckError"]
