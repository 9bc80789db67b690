"""`codecheck init`: a starter codecheck.yaml that documents every key and loads to the defaults."""

from __future__ import annotations

import re

import yaml
from click.testing import CliRunner

from codecheck.cli import main
from codecheck.config import Config, load_config


def test_init_writes_a_config_that_loads_as_the_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "codecheck.yaml"
    config = load_config(cwd=tmp_path)
    assert config.source == str(written)
    assert config.model_dump() == Config().model_dump()


def test_every_key_is_written_with_a_comment_above_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["init"])
    text = (tmp_path / "codecheck.yaml").read_text(encoding="utf-8")
    keys = [n for n, f in Config.model_fields.items() if not f.exclude]
    assert set(yaml.safe_load(text)) == set(keys)
    lines = text.splitlines()
    for key in keys:
        (at,) = [i for i, line in enumerate(lines) if re.match(rf"{key}:", line)]
        assert lines[at - 1].startswith("# "), f"{key} has no comment"


def test_init_refuses_to_overwrite_without_force(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "codecheck.yaml"
    mine.write_text("region: scotland\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert mine.read_text(encoding="utf-8") == "region: scotland\n"
    assert CliRunner().invoke(main, ["init", "--force"]).exit_code == 0
    assert load_config(cwd=tmp_path).region == "england-and-wales"
