"""Dataclasses built straight from plain data (YAML, TOML), without pydantic, when the data
already has exactly the types the fields declare (issue 13: a fast start).

pydantic validates codecheck's inputs of settings (a configuration, a rule pack) and says what is
wrong with them; importing it and building its validators costs a start-up more than everything
else. Most files are right as written, so :func:`construct` first builds the dataclass itself,
accepting only data whose types are exactly the declared ones (a ``str`` where ``str`` is
declared, a ``list`` of them ...), converting only as pydantic would (an ``int`` where a
``float`` is declared); anything else is :class:`Unbuilt`, and the caller validates the data
with pydantic instead, which builds the same object or gives the error message. The tests
compare both ways on the shipped packs and on generated configurations.

A type may say how its values are built with a ``__plain__(value)`` static method (raising
:class:`Unbuilt`), as it says how pydantic validates them with ``__get_pydantic_core_schema__``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from typing import Any, Callable, Literal, Union


class Unbuilt(Exception):
    """The data is not exactly of the declared types: validate it (pydantic) to build it or say why."""


def construct(cls: type, data: Any) -> Any:
    """The dataclass `cls` built from the mapping `data` (its keys the fields' names), equal to
    what validating the data with pydantic gives; :class:`Unbuilt` for data that needs more than
    that (an unknown or missing key, another type, a ``__post_init__`` that refuses it)."""
    if type(data) is not dict:
        raise Unbuilt(cls.__name__)
    plan = _plan(cls)
    try:
        return cls(**{key: plan[key](value) for key, value in data.items()})
    except (KeyError, TypeError, ValueError):  # an unknown key, a missing one, a value refused
        raise Unbuilt(cls.__name__) from None


@functools.cache
def _plan(cls: type) -> dict[str, Callable[[Any], Any]]:
    """How to build each field of `cls` from its data (its type hints resolved once). A field
    marked ``metadata={"exclude": True}`` is not data (where a Config was read from): a key
    naming it is Unbuilt."""
    hints = typing.get_type_hints(cls)
    return {f.name: converter(hints[f.name]) for f in dataclasses.fields(cls)
            if f.init and not f.metadata.get("exclude")}


def _exact(kind: type) -> Callable[[Any], Any]:
    def exact(value: Any) -> Any:
        if type(value) is not kind:
            raise Unbuilt(kind.__name__)
        return value

    return exact


def _float(value: Any) -> float:
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)  # as pydantic: 95 is 95.0
    raise Unbuilt("float")


def converter(hint: Any) -> Callable[[Any], Any]:
    """A function building a value of type `hint` from plain data (raising :class:`Unbuilt`)."""
    own = getattr(hint, "__plain__", None)
    if own is not None:
        return own
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return converter(args[0])
    if origin in (Union, types.UnionType):
        nullable = type(None) in args
        choices = [converter(a) for a in args if a is not type(None)]

        def union(value: Any) -> Any:
            if value is None:
                if nullable:
                    return None
                raise Unbuilt("None")
            for choice in choices:
                try:
                    return choice(value)
                except Unbuilt:
                    continue
            raise Unbuilt("union")

        return union
    if origin is list:
        item = converter(args[0])

        def each(value: Any) -> list[Any]:
            if type(value) is not list:
                raise Unbuilt("list")
            return [item(v) for v in value]

        return each
    if origin is dict:
        key, item = converter(args[0]), converter(args[1])

        def mapping(value: Any) -> dict[Any, Any]:
            if type(value) is not dict:
                raise Unbuilt("dict")
            return {key(k): item(v) for k, v in value.items()}

        return mapping
    if origin is Literal:
        allowed = frozenset((type(a), a) for a in args)

        def literal(value: Any) -> Any:
            if (type(value), value) not in allowed:
                raise Unbuilt("literal")
            return value

        return literal
    if dataclasses.is_dataclass(hint):
        return functools.partial(construct, hint)
    if hint is float:
        return _float
    if hint in (str, int, bool, dt.date):
        return _exact(hint)
    raise NotImplementedError(f"construct cannot build a {hint!r}")  # a new kind of field: teach it here
