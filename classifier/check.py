"""One run of the classifier: source -> surfaces -> rules -> policy -> report."""

from __future__ import annotations

from classifier.model import Finding, Report, Violation
from classifier.policy.config import Config
from classifier.policy.decide import decide, relax_unfrozen
from classifier.policy.globs import match_any
from classifier.rules import judge
from classifier.sources import FilePair, Source
from classifier.sources.limits import applied_limits
from classifier.surfaces import build_surfaces


def run_check(
    source: Source,
    config: Config,
    proposed: Config | None = None,
    committed: Config | None = None,
    branch: Source | None = None,
) -> Report:
    """Compare the two sides of ``source`` and decide under ``config``, within its ``[limits]``.

    ``config`` is the policy that applies (the base revision's, or one given on
    the command line, with any command-line override); ``proposed`` is the
    policy the head revision commits, whose difference from ``committed`` (the
    base's policy as committed; default ``config``) is itself reported.
    ``branch``, when given, is the same head seen from the default branch: the
    migration files changed in ``source`` are compared on it, so that "applied"
    means applied on the default branch, not merely committed on this branch.
    """
    with applied_limits(config.limits):
        return _run(source, config, proposed, committed, branch)


def _run(
    source: Source, config: Config, proposed: Config | None, committed: Config | None, branch: Source | None
) -> Report:
    pairs = [pair for pair in source.changed_files() if not _excluded(pair.path, pair.base_path, config)]
    findings: list[Finding] = []
    remaining = pairs
    for surface in build_surfaces(config):
        mine = surface.claim(remaining, source)
        if not mine:
            continue
        claimed = {id(pair) for pair in mine}
        remaining = [pair for pair in remaining if id(pair) not in claimed]
        compared_on, originals = source, {pair.path: pair for pair in mine}
        if branch is not None and getattr(surface, "judged_from_the_default_branch", False):
            mine, compared_on = _seen_from_the_branch(mine, branch), branch
        findings.extend(judge(surface.name, surface.compare(mine, compared_on)))
        # A file claimed for where it lives that turned out not to be the surface's goes on to the next one,
        # as this run sees it (the branch view is the migrations surface's alone).
        remaining.extend(originals.get(pair.path, pair) for pair in getattr(surface, "declined", ()))
    if "api" in config.table:
        findings = _with_versions(findings, pairs, source, config)
    committed = config if committed is None else committed
    if proposed is not None and proposed != committed:
        from classifier.surfaces.policy import policy_changes  # only a change that touches the policy pays

        findings.extend(judge("policy", policy_changes(committed, proposed)))
    decision = decide(findings, config)
    return Report(
        base=source.base,
        head=source.head,
        findings=tuple(sorted(decision.findings, key=_order)),
        violations=tuple(sorted(decision.violations, key=_order)),
        fail_on=config.fail_on,
        files_compared=len(pairs),
        suppressed=tuple(sorted(decision.suppressed, key=lambda s: _order(s.item))),
    )


def _seen_from_the_branch(pairs: list[FilePair], branch: Source) -> list[FilePair]:
    """The same files as the branch changed them since the default branch (none if it no longer did)."""
    by_path = {pair.path: pair for pair in branch.changed_files()}
    return [by_path[pair.path] for pair in pairs if pair.path in by_path]


def _with_versions(findings: list[Finding], pairs: list[FilePair], source: Source, config: Config) -> list[Finding]:
    # Versions judge the other surfaces' findings, so they come last; only repositories with API versions pay.
    from classifier.surfaces.versions import compare_versions

    facts = compare_versions(findings, pairs, source, config)
    return [*relax_unfrozen(findings, facts.unfrozen_paths), *judge("versions", facts.changes)]


def _excluded(path: str, base_path: str | None, config: Config) -> bool:
    if not config.exclude:
        return False
    return match_any(path, config.exclude) or (base_path is not None and match_any(base_path, config.exclude))


def _order(item: Finding | Violation) -> tuple[str, str, int, str, str]:
    return (item.surface, item.path, item.line or 0, item.rule, item.subject)
