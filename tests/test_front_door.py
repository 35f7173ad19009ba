"""The README is the front door: short, its set-up commands exactly what CI runs, every other command run here."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

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


def _setup_blocks() -> list[list[str]]:
    blocks = [_commands(block) for block in _blocks(_sections("Set up"), "sh")]
    assert len(blocks) == 2, "Set up shows two sh blocks: the set-up commands, then the lowest declared versions"
    return blocks


def readme_setup_commands() -> list[str]:
    return _setup_blocks()[0]


def readme_lowest_versions_commands() -> list[str]:
    return _setup_blocks()[1]


def readme_other_commands() -> list[str]:
    setup = {command for block in _setup_blocks() for command in block}
    return [command for block in _blocks(README, "sh") for command in _commands(block) if command not in setup]


def ci_steps() -> list[str]:
    """The commands ``.ci/run`` runs: every line but comments, shell options, the folder change and exports."""
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    return [
        line for line in script.splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd ", "export "))
    ]


def declared_test_extra() -> set[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    requirements = pyproject["project"]["optional-dependencies"]["test"]
    return {_distribution_name(requirement) for requirement in requirements}


def _distribution_name(requirement: str) -> str:
    name = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert name is not None, requirement
    return re.sub(r"[-_.]+", "-", name.group()).lower()


def test_readme_is_read_in_minutes() -> None:
    assert len(README.splitlines()) <= 300


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = readme_setup_commands()
    assert len(commands) == 2
    assert "pip install" in commands[0] and "pytest" in commands[1]


def test_readme_setup_installs_the_newest_allowed_versions() -> None:
    # A plain install keeps whatever older versions a reused machine already has.
    assert "--upgrade --upgrade-strategy eager" in readme_setup_commands()[0]


def test_readme_runs_the_tests_again_with_the_lowest_declared_versions() -> None:
    *_, install, run = readme_lowest_versions_commands()
    environment = run.split(" -m pytest")[0]
    assert run == f"{environment} -m pytest"
    assert environment != "python", "the lowest versions need an environment of their own"
    assert f"--python {environment} " in install
    assert "--resolution lowest-direct" in install and install.endswith("-e '.[test]'")


def test_ci_runs_the_readme_commands_and_nothing_else() -> None:
    assert ci_steps() == readme_setup_commands() + readme_lowest_versions_commands()


def test_ci_stops_at_the_first_failing_command_with_postgres_required() -> None:
    # With -e a pytest run that collects nothing (exit 5) fails CI like any failure; no step may mask a status.
    script = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    first_step = script.index(ci_steps()[0])
    assert "set -euo pipefail" in script[:first_step]
    assert "export CLASSIFY_REQUIRE_POSTGRES=1" in script[:first_step]
    assert not [step for step in ci_steps() if re.search(r"\|\||;|&|\btrue\b", step)]


def test_test_extra_installs_every_package_the_tests_import_or_skip() -> None:
    # Such a test skips when its package is missing: the set-up must install it, or it never runs.
    installed = importlib.metadata.packages_distributions()
    wanted: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        for module in re.findall(r"importorskip\(\"([\w.]+)\"", path.read_text("utf-8")):
            top = module.split(".")[0]
            wanted.update(_distribution_name(name) for name in installed.get(top, [top]))
    assert wanted and wanted <= declared_test_extra(), sorted(wanted - declared_test_extra())


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
