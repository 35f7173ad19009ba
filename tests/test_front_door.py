"""The README is the front door: short, its set-up commands exactly what CI runs, every other command run here."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text("utf-8")
HISTORY = "/tmp/proofs"  # where the README builds the example history; the test builds it in its own folder
SHA = re.compile(r"@ [0-9a-f]{12} ")
# Every command the README shows outside "Set up", with the exit status it must end with on the example history.
EXPECTED_EXIT = {
    "classify --base main": 0,
    "cd /tmp/proofs && classify --base v2-endpoint --head v1-field-removed": 1,
    "classify --base start --head docs-change": 0,
    "classify --base docs-change --head v2-added": 0,
    "classify --base v2-added --head v2-endpoint": 0,
    "classify rules": 0,
    "classify explain MIG101": 0,
    "classify migrations lock --check": 1,  # the example history commits no lock file
    "classify snapshot --check": 0,
    "classify guard check": 1,  # no release variables in the test's environment: startup refused
}


def _sections(name: str) -> str:
    return README.split(f"## {name}", 1)[1].split("\n## ", 1)[0]


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def _commands(block: str) -> list[str]:
    lines = (line.split("  #", 1)[0].strip() for line in block.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def readme_setup_commands() -> list[str]:
    blocks = _blocks(_sections("Set up"), "sh")
    assert blocks, "the Set up section needs a sh code block"
    return _commands(blocks[0])


def readme_other_commands() -> list[str]:
    setup = set(readme_setup_commands())
    return [command for block in _blocks(README, "sh") for command in _commands(block) if command not in setup]


def test_readme_is_read_in_minutes() -> None:
    assert len(README.splitlines()) <= 300


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = readme_setup_commands()
    assert len(commands) == 2
    assert "pip install" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_commands_and_nothing_else() -> None:
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    steps = [
        line for line in script.splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd ", "export "))
    ]
    assert steps == readme_setup_commands()


def test_readme_lists_every_exit_code() -> None:
    for code in (0, 1, 2, 3, 130):
        assert f"\n| {code} |" in README


def test_every_readme_command_is_run_by_this_test() -> None:
    assert sorted(readme_other_commands()) == sorted(EXPECTED_EXIT)


def test_rule_list_is_generated_from_the_catalogue() -> None:
    spec = importlib.util.spec_from_file_location("rule_list", ROOT / "scripts" / "rule_list.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert written == module.rule_list(), "docs/rules.md is stale: regenerate it with python scripts/rule_list.py"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("front-door") / "proofs"
    build = ROOT / "examples" / "service" / "build_history.py"
    subprocess.run([sys.executable, str(build), str(folder)], check=True, capture_output=True, timeout=120)
    return folder


def _run(command: str, history: Path) -> subprocess.CompletedProcess[str]:
    command = command.removeprefix(f"cd {HISTORY} && ")
    argv = shlex.split(command)
    assert argv[0] == "classify"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VERSION_HASH", "GIT_SHA", "EXPECTED_", "RELEASE_"))}
    return subprocess.run([sys.executable, "-m", "classifier", *argv[1:]], cwd=history, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", sorted(EXPECTED_EXIT))
def test_readme_command_ends_as_documented(command: str, history: Path) -> None:
    result = _run(command, history)
    assert (result.returncode, result.stderr) == (EXPECTED_EXIT[command], ""), result.stdout


def test_readme_shows_the_real_output_of_its_run(history: Path) -> None:
    shown = _blocks(_sections("Use"), "text")[0]
    result = _run("classify --base v2-endpoint --head v1-field-removed", history)
    assert SHA.sub("@ SHA ", result.stdout) == SHA.sub("@ SHA ", shown)
