"""The GitHub Action's step: choose the base from the event, run, publish outputs.

Run by ``action.yml`` as ``python -m classifier.action``. Inputs arrive through
``CLASSIFY_INPUT_*`` environment variables (never interpolated into a shell
script). It runs one ``classify`` writing annotations to stdout, the markdown
job summary, the JSON report and, when asked, SARIF; then writes every output
to ``$GITHUB_OUTPUT`` before the exit status fails the step.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path
from typing import Any, Mapping

from classifier.cli import EXIT_ERROR, EXIT_FAILED, EXIT_PASSED, main as classify_main
from classifier.report.github import escape_data

NULL_SHA = "0" * 40
COMMENT_MARKER = "<!-- classify-report -->"
COUNT_OUTPUTS = ("breaking", "additive", "non-breaking", "violations")


def main(environ: Mapping[str, str] | None = None) -> int:
    """Run the action's step; the return value is the step's exit status."""
    env = dict(os.environ if environ is None else environ)
    event = _event(env)
    temp = Path(env.get("RUNNER_TEMP") or ".")
    report_path = temp / "classify-report.json"
    argv = _classify_argv(env, event, report_path)
    report_path.unlink(missing_ok=True)  # never publish a report left by an earlier run
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = classify_main(argv)
    errors = stderr.getvalue().strip()
    if code not in (EXIT_PASSED, EXIT_FAILED) or not report_path.is_file():
        return _publish_error(env, errors)
    report = json.loads(report_path.read_text("utf-8"))
    _write_outputs(env, _outputs(report, str(report_path)))
    if _wants_comment(env, event):
        post_sticky_comment(env, event, (temp / "classify-report.md").read_text("utf-8"))
    if code == EXIT_FAILED and _has_skip_label(env, event):
        return _skip_label_verdict(env, report)
    return code


def _skip_label_verdict(env: Mapping[str, str], report: Mapping[str, Any]) -> int:
    """The skip label un-blocks findings at ``fail_on``; a violation (an applied migration edited, a frozen
    version changed, the policy loosened) still fails: only a waiver in the base branch's policy sets one aside."""
    label = env.get("CLASSIFY_INPUT_SKIP_LABEL")
    violations = report["counts"]["violations"]
    if violations:
        print(f"classify: the label {label!r} does not lift violations: {violations} still fail this step")
        return EXIT_FAILED
    print(f"classify: failures not enforced: the pull request has the label {label!r}")
    return EXIT_PASSED


def _classify_argv(env: Mapping[str, str], event: Mapping[str, Any], report_path: Path) -> list[str]:
    markdown = report_path.with_suffix(".md")
    argv = ["check", "--format", "github", "--format", f"json:{report_path}", "--format", f"markdown:{markdown}"]
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        argv += ["--format", f"markdown:{summary}"]
    if env.get("CLASSIFY_INPUT_SARIF_FILE"):
        argv += ["--format", f"sarif:{env['CLASSIFY_INPUT_SARIF_FILE']}"]
    base = env.get("CLASSIFY_INPUT_BASE") or base_from_event(env.get("GITHUB_EVENT_NAME", ""), event)
    if base:
        argv += ["--base", base]
    for flag, key in (("--head", "CLASSIFY_INPUT_HEAD"), ("--config", "CLASSIFY_INPUT_CONFIG"),
                      ("--fail-on", "CLASSIFY_INPUT_FAIL_ON")):
        if env.get(key):
            argv += [flag, env[key]]
    return argv


def base_from_event(event_name: str, event: Mapping[str, Any]) -> str | None:
    """The base the event implies; ``None`` lets classify pick the default branch."""
    if event_name in ("pull_request", "pull_request_target"):
        return str(event.get("pull_request", {}).get("base", {}).get("sha") or "") or None
    if event_name == "merge_group":
        return str(event.get("merge_group", {}).get("base_sha") or "") or None
    if event_name == "push":
        before = str(event.get("before") or "")
        # A new branch is pushed with before = all zeros: there is no previous tip.
        return before if before and before != NULL_SHA else None
    return None


def _outputs(report: Mapping[str, Any], report_path: str) -> dict[str, str]:
    outputs = {"label": report["label"], "status": report["status"], "report": report_path}
    outputs.update({name: str(report["counts"][name]) for name in COUNT_OUTPUTS})
    return outputs


def _publish_error(env: Mapping[str, str], errors: str) -> int:
    message = errors.removeprefix("classify: error: ") or "classify failed without a message"
    message = message.splitlines()[0]
    print(f"::error title=classify could not compare::{escape_data(message)}")
    print(errors, file=sys.stderr)
    outputs = {"label": "none", "status": "error", "report": ""}
    outputs.update({name: "0" for name in COUNT_OUTPUTS})
    _write_outputs(env, outputs)
    return EXIT_ERROR


def _write_outputs(env: Mapping[str, str], outputs: Mapping[str, str]) -> None:
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        for name, value in outputs.items():
            handle.write(f"{name}={value}\n")


def _event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return {}
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _has_skip_label(env: Mapping[str, str], event: Mapping[str, Any]) -> bool:
    wanted = env.get("CLASSIFY_INPUT_SKIP_LABEL", "")
    labels = event.get("pull_request", {}).get("labels", [])
    return bool(wanted) and any(isinstance(label, dict) and label.get("name") == wanted for label in labels)


def _wants_comment(env: Mapping[str, str], event: Mapping[str, Any]) -> bool:
    pull = event.get("pull_request") or {}
    if env.get("CLASSIFY_INPUT_COMMENT", "false").lower() != "true" or not pull:
        return False
    # A fork's token cannot write to the base repository: skip instead of failing.
    head_repo = (pull.get("head") or {}).get("repo") or {}
    base_repo = (pull.get("base") or {}).get("repo") or {}
    return head_repo.get("full_name") == base_repo.get("full_name")


def post_sticky_comment(env: Mapping[str, str], event: Mapping[str, Any], markdown: str) -> None:
    """Create or update the one pull-request comment that carries the report."""
    import urllib.error

    api = env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    issue = f"{api}/repos/{env.get('GITHUB_REPOSITORY', '')}/issues"
    number = event["pull_request"]["number"]
    body = {"body": f"{COMMENT_MARKER}\n{markdown}"}
    try:
        existing = [c for c in _api(env, "GET", f"{issue}/{number}/comments?per_page=100") if COMMENT_MARKER in c.get("body", "")]
        if existing:
            _api(env, "PATCH", f"{issue}/comments/{existing[0]['id']}", body)
        else:
            _api(env, "POST", f"{issue}/{number}/comments", body)
    except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
        print(f"::warning title=classify::could not post the pull-request comment: {escape_data(str(exc))}")


def _api(env: Mapping[str, str], method: str, url: str, body: Mapping[str, Any] | None = None) -> Any:
    import urllib.request

    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Accept", "application/vnd.github+json")
    request.add_header("Authorization", f"Bearer {env.get('CLASSIFY_GITHUB_TOKEN', '')}")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read() or b"null")


if __name__ == "__main__":
    sys.exit(main())
