"""Which files the OpenAPI surface claims, its configuration, and its import cost."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from classifier.cli import main
from classifier.policy.config import Config, parse_config
from classifier.sources import FilePair
from classifier.sources.directory import DirectorySource
from classifier.surfaces.openapi import OpenAPISurface

SPEC = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n"


def claimed(config: Config, *paths: str) -> list[str]:
    pairs = [FilePair("modified", path, path) for path in paths]
    with tempfile.TemporaryDirectory() as folder:  # every file exists, and none says what it is
        for path in paths:
            (Path(folder) / path).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / path).write_text("{}\n", "utf-8")
        source = DirectorySource(Path(folder), Path(folder))
        return [pair.path for pair in OpenAPISurface(config).claim(pairs, source)]


def test_default_globs_and_companion_files() -> None:
    paths = ("openapi.yaml", "snapshots/v2/openapi.json", "snapshots/v2/components/pet.yaml", "api/openapi.yaml",
             ".github/workflows/ci.yml", "app/main.py", "snapshots/v2/notes.md")
    assert claimed(Config(), *paths) == [
        "openapi.yaml", "snapshots/v2/openapi.json", "snapshots/v2/components/pet.yaml",
        # A YAML file anywhere below the root is a possible part of the root spec.
        "api/openapi.yaml",
    ]


def test_configured_globs_replace_the_defaults() -> None:
    config = parse_config({"openapi": {"paths": ["api/*.yaml"]}}, origin="test")
    assert claimed(config, "openapi.yaml", "api/public.yaml", "snapshots/v1/openapi.yaml") == ["api/public.yaml"]


def test_unknown_openapi_key_is_a_config_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "head").mkdir()
    config = tmp_path / "c.toml"
    config.write_text("[openapi.pagination]\nparams = ['cursor']\n", "utf-8")
    code = main(["--base-dir", str(tmp_path / "base"), "--head-dir", str(tmp_path / "head"), "--config", str(config)])
    assert code == 2
    assert "unknown key 'openapi.pagination.params'" in capsys.readouterr().err


def test_companion_change_compares_the_unchanged_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = SPEC.replace("{'200': {description: ok}}",
                        "{'200': {description: ok, content: {application/json: {schema: {$ref: 'pet.yaml#/Pet'}}}}}")
    for side, kind in (("base", "string"), ("head", "integer")):
        (tmp_path / side / "snapshots" / "v1").mkdir(parents=True)
        (tmp_path / side / "snapshots/v1/openapi.yaml").write_text(spec, "utf-8")
        (tmp_path / side / "snapshots/v1/pet.yaml").write_text(f"Pet:\n  type: object\n  properties:\n    id: {{type: {kind}}}\n")
    code = main(["--base-dir", str(tmp_path / "base"), "--head-dir", str(tmp_path / "head"), "--color", "never"])
    out = capsys.readouterr().out
    assert code == 1
    assert ("  snapshots/v1/pet.yaml\n    breaking      OAS511 type-changed  line 4: GET /a response 200 "
            "application/json: property 'id' type changed from string to integer [blocks]\n") in out


def test_importing_the_surface_loads_no_parser() -> None:
    code = ("import sys, classifier.surfaces.openapi; "
            "print(sorted(m for m in sys.modules if m in ('yaml', 'orjson', 'classifier.surfaces.openapi.compare')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _tree(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, "utf-8")


def test_companion_edits_without_contract_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = SPEC.replace("{'200': {description: ok}}",
                        "{'200': {description: ok, content: {application/json: {schema: {$ref: 'pet.yaml#/Pet'}}}}}")
    _tree(tmp_path / "base", {"openapi.yaml": spec, "pet.yaml": "Pet: {type: object, description: a pet}\n",
                              "package.json": '{"name": "a"}\n'})
    _tree(tmp_path / "head", {"openapi.yaml": spec, "pet.yaml": "Pet: {type: object, description: one pet}\n",
                              "package.json": '{"name": "b"}\n'})
    code = main(["--base-dir", str(tmp_path / "base"), "--head-dir", str(tmp_path / "head"), "--color", "never"])
    out = capsys.readouterr().out
    assert code == 0
    # The unchanged spec itself gets no finding; each changed file gets one.
    sections = out.split("\n\n")
    assert sections[2] == (
        "openapi\n"
        "  pet.yaml\n"
        "    non-breaking  OAS107 spec-edited-without-contract-change  line 1: pet.yaml: changed without any "
        "contract change"
    )
    # A JSON file beside the spec that no spec references is no OpenAPI finding: the generic surface labels it.
    assert sections[1].startswith("files\n  package.json\n    non-breaking  GEN003 internal-change")
