"""codecheck as a pre-commit hook in a landlord's repository of letter templates.

The hook definition users get is `.pre-commit-hooks.yaml` at the repo root; it is
checked against pre-commit's own manifest schema. The end-to-end tests run the
same hook (its files / exclude / pass_filenames / verbose, with `language: system` so no
install or network is needed) as a `repo: local` hook in a fresh git repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pre_commit_clientlib = pytest.importorskip(
    "pre_commit.clientlib", reason="pre-commit is not installed (pip install -e '.[test]')"
)
import yaml  # noqa: E402  (after the skip: a dependency of both codecheck and pre-commit)

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
LETTERS = ROOT / "fixtures" / "letters"


def _hook() -> dict:
    hooks = pre_commit_clientlib.load_manifest(str(MANIFEST))
    assert [h["id"] for h in hooks] == ["codecheck"]
    return hooks[0]


def _selected(hook: dict, path: str) -> bool:
    return bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)


def test_manifest_is_valid_for_pre_commit():
    hook = _hook()  # load_manifest raises InvalidManifestError on a missing or malformed key
    # --force-exclude: pre-commit names every staged file, and `exclude:` in codecheck.yaml must still hold
    assert hook["entry"] == "codecheck check --force-exclude"
    assert hook["language"] in ("python", "python_venv")
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is False
    # pre-commit prints a passing hook's output only for a verbose hook: without it the
    # warnings of a letter that passes under --fail-on error are never seen.
    assert hook["verbose"] is True
    # pre-commit wants every type tag in types / types_or to be one identify knows;
    # none may leave out .docx, which identify tags only as `binary`.
    assert hook["types_or"] == []
    assert set(hook["types"]) <= {"file"}


@pytest.mark.parametrize(
    "path",
    [
        "stage1-response.docx",
        "templates/Stage 2 Response.DOCX",
        "templates/stage1-ack.md",
        "templates/refusal.markdown",
        "extension.txt",
        "stage2-response.html",
        "letters/stage2-ack.htm",
        "policy/complaints-policy.pdf",
        # housekeeping words inside a letter's name do not exclude it
        "templates/licence-change-refusal.md",
        "templates/security-works-stage1-response.docx",
    ],
)
def test_hook_selects_templates(path):
    assert _selected(_hook(), path)


@pytest.mark.parametrize(
    "path",
    [
        "README.md",
        "templates/README.md",
        "readme.txt",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        "LICENSE",
        "LICENCE.txt",
        "CODE_OF_CONDUCT.md",
        ".github/pull_request_template.md",
        "codecheck.yaml",
        ".pre-commit-config.yaml",
        "cases/export.csv",
        "logo.png",
    ],
)
def test_hook_leaves_out_housekeeping_and_other_files(path):
    assert not _selected(_hook(), path)


def _git(repo: Path, *args: str, env: dict) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True)


def _pre_commit(repo: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=300,
    )


def _template_repo(tmp_path: Path, **hook_config) -> tuple[Path, dict]:
    """A fresh git repository whose .pre-commit-config.yaml runs our hook as published, as a
    local system hook (no install, no network), with ``hook_config`` (e.g. ``args``) as a user
    would add it to their own config."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "templates-repo"
    repo.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        # the codecheck installed beside this Python, as `entry: codecheck check` finds it
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        HOME=str(tmp_path / "home"),
        GIT_CONFIG_NOSYSTEM="1",
    )
    (tmp_path / "home").mkdir()
    assert shutil.which("codecheck", path=env["PATH"]), "the codecheck console script is not installed"

    _git(repo, "init", "-q", env=env)
    _git(repo, "config", "user.email", "templates@example.org", env=env)
    _git(repo, "config", "user.name", "Templates", env=env)
    _git(repo, "config", "commit.gpgsign", "false", env=env)

    local = {k: v for k, v in _hook().items() if k in ("id", "name", "entry", "files", "exclude", "types",
                                                       "pass_filenames", "require_serial", "verbose")}
    local["language"] = "system"
    local.update(hook_config)
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}, sort_keys=False), encoding="utf-8"
    )
    return repo, env


def test_pre_commit_run_in_a_template_repo(tmp_path):
    repo, env = _template_repo(tmp_path)
    # What such a repository holds besides letters: none of it may fail the hook.
    (repo / "README.md").write_text("# Our complaint letters\n\nTemplates for the complaints team.\n", encoding="utf-8")
    (repo / ".github").mkdir()
    (repo / ".github" / "pull_request_template.md").write_text("Which letters changed, and why?\n", encoding="utf-8")
    # A template whose name says nothing of its kind, told by a `documents:` glob.
    (repo / "codecheck.yaml").write_text('documents:\n  "templates/reply-*.md": stage1_response\n', encoding="utf-8")
    templates = repo / "templates"
    templates.mkdir()
    good = next(LETTERS.glob("stage1-response-good.*"))
    shutil.copy(good, templates / f"stage1-response{good.suffix}")
    shutil.copy(LETTERS / "stage1-response-plain-good.md", templates / "reply-plain.md")
    _git(repo, "add", "-A", env=env)

    ok = _pre_commit(repo, env)
    out = ok.stdout + ok.stderr
    assert ok.returncode == 0, out
    assert "codecheck" in out and "Passed" in out, out

    bad = next(LETTERS.glob("stage1-response-no-escalation.*"))
    shutil.copy(bad, templates / f"stage1-response-new{bad.suffix}")
    _git(repo, "add", "-A", env=env)

    failed = _pre_commit(repo, env)
    out = failed.stdout + failed.stderr
    assert failed.returncode == 1, out
    assert "Failed" in out and "CL609G" in out, out
    assert f"stage1-response-new{bad.suffix}" in out, out
    assert "README" not in out and "cannot tell what kind" not in out, out


def test_pre_commit_shows_warnings_on_a_passing_commit(tmp_path):
    """The README's recommended `args: [--fail-on, error]`: a template with a warning and no
    error passes the hook, and the warning is printed all the same (the hook is verbose)."""
    repo, env = _template_repo(tmp_path, args=["--fail-on", "error"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "args: [--fail-on, error]" in readme  # what this test configures is what the README recommends
    templates = repo / "templates"
    templates.mkdir()
    warned = LETTERS / "stage1-response-no-escalation.txt"  # CL609G, a warning; no error
    shutil.copy(warned, templates / warned.name)
    shutil.copy(next(LETTERS.glob("stage1-response-good.*")), templates / "stage1-response-good.docx")
    _git(repo, "add", "-A", env=env)

    run = _pre_commit(repo, env)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "Passed" in out and "Failed" not in out, out
    # the warning itself, where it is: a person sees it before the commit is made
    assert f"templates/{warned.name}" in out, out
    assert "6.9(g) warning:" in out and "[CL609G]" in out, out
    assert "error:" not in out, out
