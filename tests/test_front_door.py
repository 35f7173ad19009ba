"""The README is the front door: its set-up commands are exactly what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def readme_setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert block, "the Set up section needs a sh code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


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
    readme = (ROOT / "README.md").read_text("utf-8")
    for code in (0, 1, 2, 3, 130):
        assert f"\n| {code} |" in readme


def test_readme_lists_every_active_rule() -> None:
    from classifier.rules.catalogue import RULES

    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [rule.id for rule in RULES if rule.status != "removed" and f"[{rule.id}](docs/rules/{rule.id}.md)" not in readme]
    assert not missing, f"README's rule list lacks {missing}: regenerate it with scripts/rule_list.py"
