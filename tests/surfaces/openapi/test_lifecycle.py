"""Lifecycle judgements that depend on the day: the reference date is an input, not the wall clock."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest
import yaml

from classifier.check import run_check
from classifier.policy.config import Config
from classifier.sources.directory import DirectorySource


def spec(*, with_operation: bool, sunset: str) -> str:
    operation = {"deprecated": True, "x-sunset": sunset, "responses": {"204": {"description": "gone soon"}}}
    paths = {"/pets": {"get": {"responses": {"200": {"description": "ok"}}}}}
    if with_operation:
        paths["/pets"]["delete"] = operation
    return yaml.safe_dump({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths})


def judged(tmp_path: Path, sunset: str, today: datetime.date | None) -> list[tuple[str, str]]:
    for side, present in (("base", True), ("head", False)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "openapi.yaml").write_text(spec(with_operation=present, sunset=sunset), "utf-8")
    config = dataclasses.replace(Config(), today=today)
    report = run_check(DirectorySource(tmp_path / "base", tmp_path / "head"), config)
    return [(finding.rule, finding.message) for finding in report.findings]


@pytest.mark.parametrize("today, rule", [
    (datetime.date(2030, 6, 30), "OAS103"),  # the day before the sunset: too early
    (datetime.date(2030, 7, 1), "OAS102"),   # on the sunset day the operation may go
    (datetime.date(2031, 1, 1), "OAS102"),
])
def test_removal_is_judged_against_the_reference_date(tmp_path: Path, today: datetime.date, rule: str) -> None:
    assert judged(tmp_path, "2030-07-01", today) == [
        (rule, "DELETE /pets: operation removed"),
    ]


def test_rfc3339_sunset_is_read_as_its_day(tmp_path: Path) -> None:
    assert judged(tmp_path, "2030-07-01T12:00:00+02:00", datetime.date(2030, 6, 30))[0][0] == "OAS103"


def test_unreadable_sunset_is_never_taken_as_passed(tmp_path: Path) -> None:
    assert judged(tmp_path, "next summer", datetime.date(2999, 1, 1))[0][0] == "OAS103"


def test_without_a_reference_date_the_wall_clock_decides(tmp_path: Path) -> None:
    assert judged(tmp_path, "2000-01-01", None)[0][0] == "OAS102"
