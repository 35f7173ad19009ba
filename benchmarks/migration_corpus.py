"""Verdicts of the migrations surface on real Alembic histories.

Given a folder of git clones of public projects, finds every commit that adds
or edits a revision file (``git log`` over each project's versions folders)
and classifies that commit against its first parent with
``classify --base COMMIT^1 --head COMMIT`` in a new process, so imports and
start-up are included in the time. The projects' code is never run: classify
reads committed files from git objects.

Prints, over all commits: the overall label per commit (the highest label of
its migration findings, or "blocked" when a migration violation or blocking
finding failed it), how often each MIG rule fired, the median and worst time
per commit (wall time, and the child's CPU time, which a machine shared with
other work does not inflate), and every internal error (exit 3) with its
first stderr line.
``--verdicts FILE`` writes one JSON line per commit (project, commit, subject,
exit code, seconds, migration findings) for reading verdicts by hand;
``--sample N`` prints N of them chosen evenly, findings included.

Run: ``python benchmarks/migration_corpus.py /tmp/corpus [--limit 60] [--verdicts out.jsonl] [--sample 40]``
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

VERSIONS_MARKERS = ("/versions/",)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of classifying one commit."""

    project: str
    commit: str
    subject: str
    code: int
    seconds: float
    cpu_seconds: float = 0.0
    findings: tuple[dict[str, object], ...] = ()
    stderr: str = ""
    labels: tuple[str, ...] = field(default=())

    @property
    def outcome(self) -> str:
        if self.code == 3:
            return "internal-error"
        if self.code == 2:
            return "input-error"
        if any(f["blocking"] for f in self.findings):
            return "blocked"
        for label in ("breaking", "additive", "non-breaking"):
            if label in self.labels:
                return label
        return "no-migration-finding"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def versions_folders(repo: Path) -> list[str]:
    """Every folder of the newest commit that holds revision files (``.../versions/*.py``)."""
    names = git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines()
    folders = {name.rsplit("/", 1)[0] for name in names if name.endswith(".py") and f"/{name}".count("/versions/")}
    return sorted(folder for folder in folders if folder.endswith("versions"))


def revision_commits(repo: Path, folders: list[str], limit: int) -> list[tuple[str, str]]:
    """``(sha, subject)`` of the newest ``limit`` commits of the main line adding or editing a revision.

    The main line is followed by first parent, and each commit (a merge or a
    squashed pull request) is compared with its first parent: the change as its
    pull request proposed it, not the intermediate commits of a branch.
    """
    out = git(repo, "log", "--first-parent", "--diff-merges=first-parent", "--diff-filter=AM", "--format=%H\t%s",
              f"-n{limit}", "HEAD", "--", *folders)
    return [tuple(line.split("\t", 1)) for line in out.splitlines() if "\t" in line]  # type: ignore[misc]


def classify(repo: Path, project: str, sha: str, subject: str) -> Verdict:
    command = [sys.executable, "-m", "classifier", "check", "--repo", str(repo), "--base", f"{sha}^1", "--head", sha,
               "--format", "json", "--fail-on", "breaking"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        return Verdict(project, sha, subject, proc.returncode, seconds, cpu, stderr=proc.stderr.strip()[:2000])
    report = json.loads(proc.stdout)
    items = [
        {"rule": item["rule"], "path": item["path"], "line": item.get("line"), "message": item["message"],
         "label": item.get("label", "violation"), "blocking": item.get("blocking", True)}
        for kind in ("findings", "violations")
        for item in report[kind]
        if item["rule"].startswith("MIG")
    ]
    labels = tuple(sorted({str(item["label"]) for item in items}))
    return Verdict(project, sha, subject, proc.returncode, seconds, cpu, tuple(items), labels=labels)


def run(corpus: Path, limit: int) -> list[Verdict]:
    verdicts: list[Verdict] = []
    for repo in sorted(p for p in corpus.iterdir() if (p / ".git").exists() or (p / "HEAD").is_file()):
        folders = versions_folders(repo)
        if not folders:
            continue
        for sha, subject in revision_commits(repo, folders, limit):
            verdicts.append(classify(repo, repo.name, sha, subject))
            last = verdicts[-1]
            print(f"{repo.name} {sha[:10]} {last.outcome} {last.seconds:.2f}s cpu {last.cpu_seconds:.2f}s", file=sys.stderr)
    return verdicts


def summary(verdicts: list[Verdict]) -> list[str]:
    lines = [f"commits: {len(verdicts)}"]
    outcomes = Counter(v.outcome for v in verdicts)
    lines.append("outcome per commit: " + ", ".join(f"{k} {n}" for k, n in outcomes.most_common()))
    rules = Counter(str(f["rule"]) for v in verdicts for f in v.findings)
    lines.append("rule counts: " + ", ".join(f"{k} {n}" for k, n in sorted(rules.items())))
    blocking_rules = Counter(str(f["rule"]) for v in verdicts for f in v.findings if f["blocking"])
    lines.append("blocking rule counts: " + ", ".join(f"{k} {n}" for k, n in sorted(blocking_rules.items())))
    for what, times in (("wall", sorted(v.seconds for v in verdicts)), ("cpu", sorted(v.cpu_seconds for v in verdicts))):
        if times:
            ninetieth = times[max(int(len(times) * 0.9) - 1, 0)]
            lines.append(f"{what} seconds per commit: median {statistics.median(times):.2f}, "
                         f"90th percentile {ninetieth:.2f}, max {times[-1]:.2f}")
    for verdict in verdicts:
        if verdict.code not in (0, 1):
            first = verdict.stderr.splitlines()[-1] if verdict.stderr else ""
            lines.append(f"exit {verdict.code}: {verdict.project} {verdict.commit[:10]} {first}")
    return lines


def sample(verdicts: list[Verdict], count: int) -> list[str]:
    if not verdicts or count <= 0:
        return []
    step = max(len(verdicts) / count, 1)
    chosen = [verdicts[int(i * step)] for i in range(min(count, len(verdicts)))]
    lines: list[str] = []
    for verdict in chosen:
        lines.append(f"== {verdict.project} {verdict.commit[:10]} {verdict.outcome}: {verdict.subject[:70]}")
        for finding in verdict.findings:
            mark = "!" if finding["blocking"] else " "
            lines.append(f"  {mark} {finding['rule']} {Path(str(finding['path'])).name}:{finding['line']} {finding['message'][:150]}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder of git clones")
    parser.add_argument("--limit", type=int, default=60, help="newest commits per project (default 60)")
    parser.add_argument("--verdicts", type=Path, help="write one JSON line per commit here")
    parser.add_argument("--sample", type=int, default=0, help="print this many verdicts with their findings")
    args = parser.parse_args()
    verdicts = run(args.corpus, args.limit)
    if args.verdicts:
        with args.verdicts.open("w", encoding="utf-8") as out:
            for v in verdicts:
                out.write(json.dumps({"project": v.project, "commit": v.commit, "subject": v.subject, "code": v.code,
                                      "seconds": round(v.seconds, 3), "cpu_seconds": round(v.cpu_seconds, 3),
                                      "outcome": v.outcome,
                                      "findings": list(v.findings), "stderr": v.stderr}) + "\n")
    print("\n".join([*summary(verdicts), *sample(verdicts, args.sample)]))


if __name__ == "__main__":
    main()
