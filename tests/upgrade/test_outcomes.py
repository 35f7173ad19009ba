"""``outcomes record`` / ``compare`` with the example verifier over its generated corpus."""

from __future__ import annotations

import json
import shutil
import sys
import uuid
from pathlib import Path

import jsonschema
import pytest

from classifier.upgrade.records import schema

from .support import ids, run_cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "verifier"
VERIFIER = "proofcheck:verify_artifact"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A fresh copy of the example corpus (tests may damage it)."""
    shutil.copytree(EXAMPLE / "corpus", tmp_path / "corpus")
    return tmp_path / "corpus"


def write_verifier(folder: Path, body: str) -> str:
    """A verifier module under a unique name (modules are cached per process); returns its spec."""
    name = f"verifier_{uuid.uuid4().hex[:8]}"
    (folder / f"{name}.py").write_text(body)
    return f"{name}:verify_artifact"


def outcomes(capsys, *argv: str) -> tuple[int, str, str]:
    return run_cli(capsys, "outcomes", *argv, "--path", str(EXAMPLE))


def compare(capsys, verifier: str, corpus: Path, tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    """``outcomes compare`` against the record ``tmp_path/outcomes.json``."""
    baseline = str(tmp_path / "outcomes.json")
    return outcomes(capsys, "compare", "--verifier", verifier, "--corpus", str(corpus), "--baseline", baseline, *extra)


def record(capsys, corpus: Path, out: Path) -> dict:
    status, _, _ = outcomes(capsys, "record", "--verifier", VERIFIER, "--corpus", str(corpus), "--out", str(out))
    assert status == 0
    return json.loads(out.read_text())


def test_outcomes_record_lists_every_artifact_with_its_reason(capsys, corpus, tmp_path):
    baseline = record(capsys, corpus, tmp_path / "outcomes.json")
    jsonschema.validate(baseline, schema("outcomes.schema.json"))
    assert [(a["path"], a["outcome"], a["reason"]) for a in baseline["artifacts"]] == [
        ("anchors/2026-01.json", "valid", "ok"),
        ("lineage/0001.json", "valid", "ok"),
        ("proofs/0001.json", "valid", "ok"),
        ("proofs/0002.json", "valid", "ok"),
        ("proofs/0003.json", "valid", "ok"),
        ("proofs/0004-tampered.json", "invalid", "bad-signature"),
    ]


def test_outcomes_compare_with_the_same_verifier_passes(capsys, corpus, tmp_path):
    record(capsys, corpus, tmp_path / "outcomes.json")
    status, out, _ = compare(capsys, VERIFIER, corpus, tmp_path)
    assert status == 0
    assert out.splitlines() == [
        f"corpus: {corpus} (1 invalid, 5 valid)",
        "Verification outcomes identified 0 issues; passed.",
    ]


def test_outcomes_compare_names_the_proof_a_changed_verifier_rejects(capsys, corpus, tmp_path):
    record(capsys, corpus, tmp_path / "outcomes.json")
    # A new release revokes doc-2 retroactively: its historical proof no longer verifies.
    changed = write_verifier(tmp_path, (
        "import json\nimport proofcheck\n\n\ndef verify_artifact(path, data):\n"
        "    if json.loads(data)['payload'].get('subject') == 'doc-2' and path.startswith('proofs/'):\n"
        "        return False, 'revoked'\n"
        "    return proofcheck.verify_artifact(path, data)\n"
    ))  # fmt: skip
    sys.path.insert(0, str(tmp_path))
    try:
        status, out, _ = compare(capsys, changed, corpus, tmp_path, "--format", "json")
    finally:
        sys.path.remove(str(tmp_path))
    result = json.loads(out)
    assert (status, ids(result)) == (1, ["upgrade.E030"])
    assert result["findings"][0]["message"] == "Artifact proofs/0002.json was valid (ok), is now invalid (revoked)."


def test_outcomes_unreadable_artifact_is_reported_not_skipped(capsys, corpus, tmp_path):
    (corpus / "proofs" / "0005.json").symlink_to(tmp_path / "gone.json")  # a dangling link cannot be read
    status, out, _ = outcomes(
        capsys, "record", "--verifier", VERIFIER, "--corpus", str(corpus), "--out", str(tmp_path / "o.json")
    )
    result = json.loads((tmp_path / "o.json").read_text())
    assert (status, ids(result)) == (1, ["upgrade.E031"])
    assert {
        "path": "proofs/0005.json",
        "outcome": "unreadable",
        "reason": "No such file or directory",
        "sha256": None,
    } in result["artifacts"]
    assert (
        "proofs/0005.json: (upgrade.E031) Artifact proofs/0005.json cannot be read: No such file or directory." in out
    )


def test_outcomes_compare_reports_removed_edited_and_new_artifacts(capsys, corpus, tmp_path):
    record(capsys, corpus, tmp_path / "outcomes.json")
    (corpus / "anchors" / "2026-01.json").unlink()
    edited = corpus / "lineage" / "0001.json"
    edited.write_text(edited.read_text().replace("doc-2", "doc-9"))
    shutil.copy(corpus / "proofs" / "0003.json", corpus / "proofs" / "0006.json")
    status, out, _ = compare(capsys, VERIFIER, corpus, tmp_path, "--format", "json")
    result = json.loads(out)
    assert (status, ids(result)) == (1, ["upgrade.E032", "upgrade.E033"])
    assert result["new_artifacts"] == ["proofs/0006.json"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--verifier", "proofcheck"],
            "--verifier 'proofcheck' is not module:function; fix: e.g. --verifier myapp.verify:verify_artifact",
        ),
        (
            ["--verifier", "no_such_module_x:f"],
            "--verifier no_such_module_x:f: cannot import no_such_module_x: ModuleNotFoundError: No module named 'no_such_module_x'; fix: check the module name and --path",
        ),
        (
            ["--verifier", "proofcheck:missing"],
            "--verifier proofcheck:missing: proofcheck has no callable missing; fix: name a function(path, data)",
        ),
    ],
)
def test_outcomes_bad_verifier_is_one_line_and_exit_2(capsys, corpus, tmp_path, argv, message):
    status, out, err = outcomes(capsys, "record", *argv, "--corpus", str(corpus), "--out", str(tmp_path / "o.json"))
    assert (status, out, err) == (2, "", f"classify: error: {message}\n")


def test_outcomes_baseline_that_is_not_a_record_is_a_usage_error(capsys, corpus, tmp_path):
    (tmp_path / "bad.json").write_text('{"kind": "outcomes"}')
    status, _, err = outcomes(
        capsys, "compare", "--verifier", VERIFIER, "--corpus", str(corpus), "--baseline", str(tmp_path / "bad.json")
    )
    assert status == 2
    assert err.startswith(f"classify: error: --baseline {tmp_path / 'bad.json'}: not a valid record at top level: ")


def test_outcomes_example_corpus_is_what_the_generator_writes(tmp_path):
    import subprocess

    subprocess.run([sys.executable, str(EXAMPLE / "generate.py"), str(tmp_path)], check=True, timeout=60)
    generated = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert generated == [
        "corpus/" + p.relative_to(EXAMPLE / "corpus").as_posix()
        for p in sorted((EXAMPLE / "corpus").rglob("*"))
        if p.is_file()
    ] + ["keys.json"]
    for name in generated:
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name
