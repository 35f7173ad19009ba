"""Bad configuration of the error_codes surface: one line on stderr, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.cli import main


def run(tmp_path: Path, config: str, base: dict[str, str], head: dict[str, str]) -> int:
    for side, files in (("base", base), ("head", head)):
        for path, text in files.items():
            target = tmp_path / side / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        (tmp_path / side).mkdir(exist_ok=True)
    (tmp_path / "classifier.toml").write_text(config)
    return main(["check", "--base-dir", str(tmp_path / "base"), "--head-dir", str(tmp_path / "head"),
                 "--config", str(tmp_path / "classifier.toml")])


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[error_codes]\ntables = ["errors.yaml:ERRORS"]\n',
         "error_codes.tables: 'errors.yaml:ERRORS' names a table inside a YAML/JSON file; fix: list the file alone: 'errors.yaml'"),
        ('[constants]\nnames = ["app/auth.py"]\n', "constants.names.0: 'app/auth.py' is not valid under any of the given schemas"),
        ('[constants]\nnames = [{ name = "app/auth.py:X", class = "security" }]\n',
         "constants.names.0: {'name': 'app/auth.py:X', 'class': 'security'} is not valid under any of the given schemas"),
        ('[error_codes]\nregistry_functions = ["register()"]\n', "error_codes.registry_functions.0: 'register()' does not match"),
    ],
)
def test_invalid_configuration_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, message: str) -> None:
    assert run(tmp_path, config, {}, {}) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_constant_defined_at_neither_side_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = '[constants]\nnames = ["app/auth.py:SIGNATURE_HEADER"]\n'
    code = run(tmp_path, config, {"app/auth.py": "HEADER = 'X-Sig'\n"}, {"app/auth.py": "HEADER = 'X-Signature'\n"})
    err = capsys.readouterr().err
    assert code == 2
    assert "constants.names: app/auth.py:SIGNATURE_HEADER is defined at neither side" in err
    assert "fix the name in [tool.classifier.constants] names" in err
