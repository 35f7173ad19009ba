"""The YAML parse cache: same findings and lines from the cache, damaged entries ignored."""

from __future__ import annotations

from pathlib import Path

from classifier.check import run_check
from classifier.policy.config import parse_config
from classifier.sources.directory import DirectorySource
from classifier.surfaces.openapi.cache import blob_id

BASE = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n" \
       "        - {name: q, in: query, schema: {type: string}}\n      responses: {'200': {description: ok}}\n"
HEAD = BASE.replace("{name: q, in: query,", "{name: q, in: query, required: true,")


def findings(tmp_path: Path, cache: Path) -> list[tuple[str, str, int | None, str]]:
    for side, text in (("base", BASE), ("head", HEAD)):
        (tmp_path / side).mkdir(exist_ok=True)
        (tmp_path / side / "openapi.yaml").write_text(text, "utf-8")
    config = parse_config({"openapi": {"cache_dir": str(cache)}}, origin="test")
    report = run_check(DirectorySource(tmp_path / "base", tmp_path / "head"), config)
    return [(f.rule, f.path, f.line, f.message) for f in report.findings]


def test_second_run_reads_the_cache_with_the_same_result(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = findings(tmp_path, cache)
    assert first == [("OAS205", "openapi.yaml", 7, "GET /a: query parameter 'q' became required")]
    assert sorted(p.name for p in cache.iterdir()) == sorted(blob_id(t.encode()) for t in (BASE, HEAD))
    assert findings(tmp_path, cache) == first
    # A damaged entry is parsed again and rewritten.
    entry = cache / blob_id(BASE.encode())
    entry.write_bytes(b"not marshal data")
    assert findings(tmp_path, cache) == first
    assert entry.read_bytes() != b"not marshal data"


def test_the_cache_is_what_is_read(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    findings(tmp_path, cache)
    # Plant the base's parse under the head's blob id: same values, so no change is seen.
    (cache / blob_id(HEAD.encode())).write_bytes((cache / blob_id(BASE.encode())).read_bytes())
    assert findings(tmp_path, cache) == [
        ("OAS107", "openapi.yaml", 1, "openapi.yaml: changed without any contract change")]
