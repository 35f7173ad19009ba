"""The GitHub Action's step: choose the base from the event, run, publish outputs.

Run by ``action.yml`` as ``python -m classifier.action``. Inputs arrive through
``CLASSIFY_INPUT_*`` environment variables (never interpolated into a shell
script). It runs one ``classify`` writing annotations to stdout, the markdown
job summary, the JSON report and, when asked, SARIF; then writes every output
to ``$GITHUB_OUTPUT`` before the exit status fails the step.

With ``snapshot-check``, it then runs ``classify snapshot --check``, which
imports the checked-out app: in a child process, after the ``snapshot-install``
command has installed the app's dependencies into this environment. Its
annotations follow the comparison's, its markdown follows in the summary and
the comment, its SARIF results join the same file, its JSON report is
``classify-snapshot-report.json`` beside the other, and the step's outputs
count both.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

from classifier.cli import EXIT_ERROR, EXIT_FAILED, EXIT_PASSED, main as classify_main
from classifier.report.github import escape_data

NULL_SHA = "0" * 40
COMMENT_MARKER = "<!-- classify-report -->"
COUNT_OUTPUTS = ("breaking", "additive", "non-breaking", "violations")
LABELS = ("none", "non-breaking", "additive", "breaking")
SNAPSHOT_REPORT = "classify-snapshot-report"
WITHHELD = ("CLASSIFY_GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            "ACTIONS_ID_TOKEN_REQUEST_URL")


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
    markdown = (temp / "classify-report.md").read_text("utf-8")
    if env.get("CLASSIFY_INPUT_SNAPSHOT_CHECK", "false").lower() == "true":
        checked = _snapshot_check(env, temp)
        if isinstance(checked, str):
            return _publish_error(env, checked, "classify could not check the snapshots")
        drift, drift_markdown = checked
        report = _both(report, drift)
        markdown = f"{markdown}\n{drift_markdown}"
        code = EXIT_FAILED if report["status"] == "failed" else EXIT_PASSED
    _write_outputs(env, _outputs(report, str(report_path)))
    if _wants_comment(env, event):
        post_sticky_comment(env, event, markdown)
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


def _snapshot_check(env: Mapping[str, str], temp: Path) -> tuple[dict[str, Any], str] | str:
    """Install the app's dependencies, run ``classify snapshot --check``; its report and markdown, or the error."""
    if env.get("GITHUB_EVENT_NAME") == "pull_request_target":
        return ("snapshot-check imports the checked-out code, and under pull_request_target that code would run "
                "with the base repository's secrets and write token; run it in a pull_request workflow")
    child_env = _this_environment(env)
    failed = _install_app(env.get("CLASSIFY_INPUT_SNAPSHOT_INSTALL", "").strip(), child_env)
    if failed:
        return failed
    report_path, markdown_path = temp / f"{SNAPSHOT_REPORT}.json", temp / f"{SNAPSHOT_REPORT}.md"
    for stale in (report_path, markdown_path):
        stale.unlink(missing_ok=True)  # never publish a report left by an earlier run
    sarif = temp / f"{SNAPSHOT_REPORT}.sarif" if env.get("CLASSIFY_INPUT_SARIF_FILE") else None
    argv = [sys.executable, "-m", "classifier", "snapshot", "--check", "--format", "github",
            "--format", f"json:{report_path}", "--format", f"markdown:{markdown_path}"]
    argv += ["--format", f"sarif:{sarif}"] if sarif else []
    for flag, key in (("--config", "CLASSIFY_INPUT_CONFIG"), ("--fail-on", "CLASSIFY_INPUT_FAIL_ON")):
        argv += [flag, env[key]] if env.get(key) else []
    checked = subprocess.run(argv, env=child_env, capture_output=True, text=True, check=False)
    sys.stdout.write(checked.stdout)  # the annotations, after the comparison's
    if checked.returncode not in (EXIT_PASSED, EXIT_FAILED) or not report_path.is_file():
        print(checked.stderr, file=sys.stderr)
        return checked.stderr.strip() or f"classify snapshot --check ended with exit status {checked.returncode}"
    markdown = markdown_path.read_text("utf-8")
    _add_to_summary_and_sarif(env, markdown, sarif)
    return json.loads(report_path.read_text("utf-8")), markdown


def _install_app(command: str, child_env: Mapping[str, str]) -> str | None:
    """Run the ``snapshot-install`` command; what went wrong, or None."""
    if not command:
        return None
    installed = subprocess.run(command, shell=True, env=child_env, capture_output=True, text=True, check=False)
    if installed.stdout or installed.stderr:
        print(installed.stdout + installed.stderr, file=sys.stderr)
    if installed.returncode != 0:
        return f"the snapshot-install command {command!r} failed with exit status {installed.returncode}"
    return None


def _add_to_summary_and_sarif(env: Mapping[str, str], markdown: str, sarif: Path | None) -> None:
    """The snapshot check's table after the comparison's in the job summary, its results in the same SARIF run."""
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(f"\n{markdown}")
    if sarif is not None:
        target = Path(env["CLASSIFY_INPUT_SARIF_FILE"])
        document = json.loads(target.read_text("utf-8"))
        document["runs"][0]["results"].extend(json.loads(sarif.read_text("utf-8"))["runs"][0]["results"])
        target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _this_environment(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with this interpreter's environment active (its ``pip`` and ``python`` first on the PATH),
    less the tokens: the app and its install command are the pull request's code and get none of them."""
    scripts = str(Path(sys.executable).parent)
    kept = {key: value for key, value in env.items() if key not in WITHHELD}
    return {**kept, "PATH": f"{scripts}{os.pathsep}{env.get('PATH', '')}", "VIRTUAL_ENV": sys.prefix}


def _both(report: Mapping[str, Any], drift: Mapping[str, Any]) -> dict[str, Any]:
    """What the step's outputs say about the comparison and the snapshot check together."""
    label = max(report["label"], drift["label"], key=LABELS.index)
    status = "failed" if "failed" in (report["status"], drift["status"]) else "passed"
    counts = {name: report["counts"][name] + drift["counts"][name] for name in COUNT_OUTPUTS}
    return {"label": label, "status": status, "counts": counts}


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


def _publish_error(env: Mapping[str, str], errors: str, title: str = "classify could not compare") -> int:
    message = errors.removeprefix("classify: error: ") or "classify failed without a message"
    message = message.splitlines()[0]
    print(f"::error title={title}::{escape_data(message)}")
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
