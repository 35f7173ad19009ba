"""One run of the classifier: source -> surfaces -> rules -> policy -> report."""

from __future__ import annotations

from classifier.model import Finding, Report, Violation
from classifier.policy.config import Config
from classifier.policy.decide import decide
from classifier.policy.globs import match_any
from classifier.rules import judge
from classifier.sources import Source
from classifier.surfaces import build_surfaces


def run_check(source: Source, config: Config) -> Report:
    """Compare the two sides of ``source`` and decide under ``config``."""
    pairs = [pair for pair in source.changed_files() if not _excluded(pair.path, pair.base_path, config)]
    findings: list[Finding] = []
    remaining = pairs
    for surface in build_surfaces(config):
        prepare = getattr(surface, "prepare", None)
        if prepare is not None:  # a surface that reads configuration files of the compared revisions to claim
            prepare(source)
        mine = surface.claim(remaining)
        if not mine:
            continue
        claimed = {id(pair) for pair in mine}
        remaining = [pair for pair in remaining if id(pair) not in claimed]
        findings.extend(judge(surface.name, surface.compare(mine, source)))
    if "api" in config.table:
        from classifier.policy.versions import apply_version_policy  # only repositories with API versions pay

        findings = apply_version_policy(findings, pairs, source, config)
    kept, violations = decide(findings, config)
    return Report(
        base=source.base,
        head=source.head,
        findings=tuple(sorted(kept, key=_order)),
        violations=tuple(sorted(violations, key=_order)),
        fail_on=config.fail_on,
        files_compared=len(pairs),
    )


def _excluded(path: str, base_path: str | None, config: Config) -> bool:
    if not config.exclude:
        return False
    return match_any(path, config.exclude) or (base_path is not None and match_any(base_path, config.exclude))


def _order(item: Finding | Violation) -> tuple[str, str, int, str, str]:
    return (item.surface, item.path, item.line or 0, item.rule, item.subject)
