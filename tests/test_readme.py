"""Every command the README shows works as written on this checkout.

The commands are taken from the README itself: every line of its ```sh blocks, every inline
`code` that starts like a command, and every row of the CLI reference. Each must match one
rule below saying how it is checked: run verbatim (against a throw-away SQLite database given
through the environment), dry-run (`make -n`, for servers and the test suite itself), or run
with `--help` (CLI reference rows, whose arguments are placeholders). A command no rule
covers fails the test, so a new README command cannot go untested by accident.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"```(?:sh|bash|shell|console)\n(.*?)```", re.S)
INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LOOKS_LIKE_COMMAND = re.compile(r"^(make|flask|\.venv/bin/|python|sqlite3|pg_dump|HIRING_ENV=\S+ \S)")

pytestmark = pytest.mark.slow

# (pattern, how, why). "run": verbatim; "dry": make -n; "skip": not run, with the reason.
RULES: list[tuple[str, str, str]] = [
    (r"\bCOMMAND\b", "skip", "a placeholder: test_cli_reference_commands_exist checks each"),
    (r"^make (run|test)( .*)?$", "dry", "a server / the suite itself: make -n checks the recipe"),
    (r"^make (demo|demo-reset)$", "run", ""),
    (r"^make (lint|bench|mutation)$", "dry", "make lint is ruff, run on its own; benchmarks and mutation testing take minutes"),
    (r"^python3\.11 -m venv \.venv && \.venv/bin/pip install \.$", "skip",
     "installs the package; the suite already runs inside that install"),
    (r"^export ", "env", ""),
    (r"^\.venv/bin/flask --app wsgi ", "run", ""),
    (r"^HIRING_ENV=development \.venv/bin/flask --app wsgi ", "run", ""),
    (r"^\.venv/bin/gunicorn ", "gunicorn", "a server: its configuration is checked instead"),
    (r"^python -c '", "run", ""),
    (r"^\.venv/bin/python tools/screenshots\.py$", "skip",
     "drives Chromium for minutes; regenerates docs/screenshots"),
    (r"^python -m aiosmtpd -n -l 127\.0\.0\.1:8025$", "skip",
     "a local SMTP server that runs until stopped; tests/test_email.py starts a real one"),
    (r"^pg_dump ", "skip", "needs a production PostgreSQL"),
    (r"^sqlite3 instance/hiring\.db \"VACUUM INTO 'backup\.db'\"$", "skip",
     "backs up the live database into the working folder"),
]


# make's recipes run as written, but the install they depend on is taken as done (make -o),
# as with the README's pip line: the suite already runs inside that install. Otherwise a
# pyproject.toml newer than the stamp (a fresh checkout, another worktree sharing the
# .venv) makes `make demo` reinstall the package, about 10 s, and in another worktree
# repoint the shared editable install at that worktree.
KEEP_INSTALL = "-o .venv/.installed -o .venv/.installed-dev"


def _strip_comment(line: str) -> str:
    return re.sub(r"\s+#.*$", "", line).strip()


def readme_commands() -> list[str]:
    commands = []
    for block in FENCE.findall(README):
        commands += [c for c in (_strip_comment(line) for line in block.splitlines()) if c]
    for code in INLINE.findall(README):
        if LOOKS_LIKE_COMMAND.match(code) and code not in commands:
            commands.append(code)
    return commands


def cli_reference() -> list[str]:
    """The command words of each CLI reference row: `users create EMAIL ...` -> users create."""
    section = README.split("## CLI reference", 1)[1].split("\n## ", 1)[0]
    words = []
    for cell in re.findall(r"^\| (`.+?`) \| ", section, re.M):
        for variant in re.findall(r"`([^`]+)`", cell):
            name = []
            for token in variant.split():
                if not re.fullmatch(r"[a-z][a-z-]*", token):
                    break
                name.append(token)
            words.append(" ".join(name))
    return words


def rule_for(command: str) -> tuple[str, str]:
    for pattern, how, why in RULES:
        if re.search(pattern, command):
            return how, why
    raise AssertionError(f"README command with no test rule: {command!r} (add one to RULES)")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """The environment every command runs in: a fresh SQLite database, no PostgreSQL/Redis."""
    tmp = tmp_path_factory.mktemp("readme")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "HIRING_ENV", "SECRET_KEY", "FLASK_APP")}
    env["DATABASE_URL"] = f"sqlite:///{tmp / 'readme.db'}"
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    return env


def _run(command: str, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_every_readme_command_has_a_rule():
    commands = readme_commands()
    assert "make run" in commands and "make demo" in commands
    for command in commands:
        rule_for(command)


def test_readme_commands_work_as_written(sandbox):
    env = dict(sandbox)
    outputs = {}
    for command in readme_commands():
        how, _ = rule_for(command)
        if how == "skip":
            continue
        if how == "env":
            # The deployment block's settings, except where they would reach other machines.
            for assignment in shlex.split(command)[1:]:
                key, _, value = assignment.partition("=")
                if key not in ("DATABASE_URL", "REDIS_URL"):
                    env[key] = value
            continue
        if how == "dry":
            result = _run(f"make -n {command.removeprefix('make ')}", env)
        elif how == "gunicorn":
            result = _run(command + " --check-config", env)
        elif command.startswith("make "):
            result = _run(f"make {KEEP_INSTALL} {command.removeprefix('make ')}", env)
        else:
            result = _run(command, env)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        outputs[command] = result.stdout
    # what the README promises these commands print
    assert "Demo logins" in outputs["make demo"] and "hm@demo.example" in outputs["make demo"]
    assert "Removed 1 demo requisition" in outputs["make demo-reset"]
    assert re.fullmatch(r"[0-9a-f]{64}\n", outputs[next(c for c in outputs
                                                        if c.startswith("python -c"))])


def test_cli_reference_commands_exist(tmp_path):
    """Each row of the CLI reference names a real command (in-process: --help only)."""
    from hiring import create_app
    from tests.conftest import app_config

    app = create_app(app_config(f"sqlite:///{tmp_path / 'cli.db'}"))
    runner = app.test_cli_runner()
    names = cli_reference()
    assert "demo" in names and "db upgrade" in names and "users create" in names
    for name in names:
        result = runner.invoke(args=[*name.split(), "--help"])
        assert result.exit_code == 0, f"{name}\n{result.output}"
        assert "Usage:" in result.output
