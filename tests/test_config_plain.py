"""A configuration file is built without pydantic when its values already have exactly their
declared types (codecheck.plain, issue 13: a pre-commit hook's start-up), and validated by
pydantic otherwise. Whatever the file holds, both ways must agree: the same Config where the
quick way builds one, and the quick way never accepts what validation refuses."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codecheck import config as config_module
from codecheck import plain
from codecheck.config import Config, config_keys, validate_config
from codecheck.errors import ConfigError

JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 200), st.floats(allow_nan=False, width=32), st.text(max_size=6),
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(0, 3), max_size=2),
)


def _values(hint) -> st.SearchStrategy:
    """Values of the declared type (mostly right, sometimes not: the checks and types both tried)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        return st.sampled_from(args + ("other",))
    if origin in (typing.Union, __import__("types").UnionType):
        return st.one_of(*[_values(a) for a in args])
    if origin is list:
        return st.lists(_values(args[0]), max_size=3)
    if origin is dict:
        return st.dictionaries(_values(args[0]), _values(args[1]), max_size=3)
    if hint is type(None):
        return st.none()
    if hint is str:
        return st.sampled_from(["", "CR602", "6.2", "received_date", "england-and-wales", "scotland", "Formal",
                                "letters/*.md", "stage1_response", "stage1_in_time", "8.3", "Governance", "C-1"])
    if hint is int:
        return st.integers(-1, 130)
    if hint is float:
        return st.one_of(st.integers(-5, 120), st.floats(-5, 120, allow_nan=False))
    if hint is dt.date:
        return st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1))
    if hint is config_module.Suppression:
        return st.fixed_dictionaries({"rule": _values(str), "cases": st.lists(_values(str), max_size=2),
                                      "reason": st.sampled_from(["", " ", "agreed with the resident"])})
    raise AssertionError(f"no strategy for {hint!r}")


HINTS = typing.get_type_hints(Config)
BUILT: list = []  # the examples the quick way built
KEYS = sorted(config_keys())


#: Keys whose values are checked beyond their type: mostly values those checks accept.
SPECIFIC = {
    "targets": st.dictionaries(st.sampled_from(sorted(config_module.TARGETS)), _values(float), max_size=3),
    "columns": st.dictionaries(st.sampled_from(["case_id", "received_date", "stage", "nonsense"]),
                               st.sampled_from(["Ref", "Date received", "Stage", "ref"]), max_size=3),
    "documents": st.dictionaries(st.sampled_from(["*.md", "letters/*.docx"]),
                                 st.sampled_from(["stage1_ack", "policy", "memo"]), max_size=2),
    "homes": st.one_of(st.integers(0, 5000), st.dictionaries(st.sampled_from(["LCRA", "LCHO", "XX"]),
                                                             st.integers(0, 5000), max_size=2), st.none()),
    "covered_elsewhere": st.dictionaries(st.sampled_from(["8.3", "6.9(g)", " 9 ", "x"]),
                                         st.sampled_from(["Governance", "", "Annual report"]), max_size=2),
}


def _for(key: str) -> st.SearchStrategy:
    return SPECIFIC[key] if key in SPECIFIC else _values(HINTS[key])


@st.composite
def configs(draw) -> dict:
    keys = draw(st.lists(st.sampled_from(KEYS), max_size=5, unique=True))
    data = {key: draw(st.one_of(_for(key), JUNK) if draw(st.integers(0, 9)) == 0 else _for(key)) for key in keys}
    if draw(st.integers(0, 19)) == 0:
        data[draw(st.sampled_from(["bogus", "batchsize"]))] = 1
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_the_quick_way_and_validation_agree(data):
    try:
        quick = plain.construct(Config, config_module._prepared(dict(data)))
    except plain.Unbuilt:
        quick = None
    try:
        validated = config_module._validated(config_module._prepared(dict(data)))
    except Exception:  # noqa: BLE001 - pydantic's ValidationError: refused
        validated = None
    if quick is not None:
        assert validated is not None, f"built without validation, but validation refuses {data!r}"
        assert quick == validated and repr(quick) == repr(validated), data  # repr: 95.0 is not 95
        BUILT.append(data)


def test_the_starter_configuration_is_built_without_pydantic(tmp_path):
    """`codecheck init`'s codecheck.yaml, and a typical one, are read without importing pydantic."""
    from codecheck.starter import starter_config

    (tmp_path / "codecheck.yaml").write_text(starter_config(), encoding="utf-8")
    (tmp_path / "typical").mkdir()
    (tmp_path / "typical" / "codecheck.yaml").write_text(
        'documents:\n  "*.md": stage1_ack\nfail_on: error\nclosures: [2024-12-27]\nseverity:\n  CL609G: warning\n'
        "targets: {stage1_in_time: 95}\nhomes: {LCRA: 4200, LCHO: 800}\n", encoding="utf-8")
    for folder in (tmp_path, tmp_path / "typical"):
        code = ("import sys; from codecheck.config import load_config; c = load_config(cwd=__import__('pathlib').Path("
                f"{str(folder)!r})); print(c.source is not None, 'pydantic' in sys.modules)")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert done.stdout.split() == ["True", "False"], done.stderr


@pytest.mark.parametrize("data, message", [
    ({"batch_size": 0}, "batch_size: must be 1 or more"),
    ({"targets": {"stage1_in_time": 150}}, "stage1_in_time must be a per cent"),
    ({"closures": ["notadate"]}, "closures.0"),
    ({"bogus": 1}, "bogus: unknown key"),
    ({"fail_on": "errors"}, "fail_on"),
])
def test_what_the_quick_way_refuses_is_validated_and_named(data, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        validate_config(data, "codecheck.yaml")


def test_numbers_for_floats_are_floats_both_ways():
    config = validate_config({"targets": {"stage1_in_time": 95}}, "x")
    assert config.targets == {"stage1_in_time": 95.0} and type(config.targets["stage1_in_time"]) is float


def test_the_comparison_saw_configurations_built_the_quick_way():
    """Run after the property (same module, in order): it did compare built configurations."""
    if BUILT:
        assert len(BUILT) > 40 and any(len(d) >= 3 for d in BUILT)
    else:  # run on its own (-k): build some
        test_the_quick_way_and_validation_agree()
        assert len(BUILT) > 40
