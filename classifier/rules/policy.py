"""Judgement for the policy surface: loosening the policy is a violation, tightening a finding."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from classifier.model import Change

EMITS = frozenset({"CLS001", "CLS002"})


def check(changes: Iterable[Change]) -> Iterator[tuple[str, Change]]:
    for change in changes:
        yield ("CLS001" if change.kind == "loosened" else "CLS002"), change
