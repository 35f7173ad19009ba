"""Build a git history of this service that demonstrates each verdict of classify.

Usage: ``python build_history.py DEST`` (DEST must not exist or be empty).

The history, with a tag on each step:

    start             the service with API v1, frozen
    docs-change       a documentation change                  -> non-breaking, passes
    v2-added          API v2 added with all its pieces        -> additive, passes, v1 -> v2 differences listed
    v2-endpoint       a new endpoint in v2 (not frozen)       -> additive, passes
    v1-field-removed  (branch remove-v1-field) a field removed from frozen v1 -> violation, fails

Only contract files move between the steps; the service code is the final
code throughout. Compare two steps with, for example:

    classify --repo DEST --base v2-added --head v2-endpoint
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SKIPPED = {"__pycache__", ".pytest_cache", "build_history.py", "proofs.db"}
EVENTS_PATH = "/proofs/{proof_id}/events"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Example Author", "GIT_AUTHOR_EMAIL": "author@example.invalid",
    "GIT_COMMITTER_NAME": "Example Author", "GIT_COMMITTER_EMAIL": "author@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    dest = Path(argv[0]).resolve()
    if dest.exists() and any(dest.iterdir()):
        print(f"{dest} is not empty: give a new folder", file=sys.stderr)
        return 2
    build(dest)
    print(f"history built in {dest}; try: classify --repo {dest} --base v2-added --head v2-endpoint")
    return 0


def build(dest: Path) -> None:
    """Copy the service into ``dest`` and commit the demonstration steps."""
    shutil.copytree(HERE, dest, ignore=lambda _folder, names: [n for n in names if n in SKIPPED], dirs_exist_ok=True)
    v1 = _json(dest / "snapshots/v1/openapi.json")
    v2 = _json(dest / "snapshots/v2/openapi.json")
    git = _Git(dest)
    git.run("init", "-q", "-b", "main")

    shutil.rmtree(dest / "snapshots/v2")
    (dest / "tests/test_contract_v2.py").unlink()
    _declare(dest, "v1")
    git.commit("Proofs service with API v1, frozen", "start")

    with (dest / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("\nA proof's signature is an HMAC-SHA256 of its payload digest.\n")
    git.commit("Docs: how a proof is signed", "docs-change")

    _write_json(dest / "snapshots/v2/openapi.json", _without_events(v2))
    shutil.copy(HERE / "tests/test_contract_v2.py", dest / "tests/test_contract_v2.py")
    _declare(dest, "v1,v2")
    git.commit("API v2: proofs name their signing key", "v2-added")

    _write_json(dest / "snapshots/v2/openapi.json", v2)
    git.commit("API v2: list the events of a proof", "v2-endpoint")

    git.run("checkout", "-q", "-b", "remove-v1-field")
    _write_json(dest / "snapshots/v1/openapi.json", _without_created_at(v1))
    git.commit("API v1: drop created_at from Proof", "v1-field-removed")
    git.run("checkout", "-q", "main")


class _Git:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.step = 0

    def run(self, *args: str) -> None:
        env = {**os.environ, **GIT_ENV}
        subprocess.run(["git", *args], cwd=self.path, env=env, check=True, capture_output=True)

    def commit(self, message: str, tag: str) -> None:
        # Fixed dates make the history, and so every commit id, the same on every run.
        self.step += 1
        date = f"2026-01-{self.step:02d}T12:00:00+00:00"
        os.environ.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        self.run("add", "-A")
        self.run("commit", "-q", "-m", message)
        self.run("tag", tag)


def _json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def _write_json(path: Path, document: Any) -> None:
    # The same canonical form as `classify snapshot` writes.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")


def _declare(dest: Path, versions: str) -> None:
    env = dest / "deploy/release.env"
    lines = env.read_text("utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("RELEASE_SUPPORTED_API_VERSIONS=")]
    env.write_text("\n".join([*kept, f"RELEASE_SUPPORTED_API_VERSIONS={versions}"]) + "\n", "utf-8")


def _without_events(document: Any) -> Any:
    copy = json.loads(json.dumps(document))
    del copy["paths"][EVENTS_PATH]
    del copy["components"]["schemas"]["ProofEvent"]
    return copy


def _without_created_at(document: Any) -> Any:
    copy = json.loads(json.dumps(document))
    proof = copy["components"]["schemas"]["Proof"]
    del proof["properties"]["created_at"]
    proof["required"] = [name for name in proof["required"] if name != "created_at"]
    return copy


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
