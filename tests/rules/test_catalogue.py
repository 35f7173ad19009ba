"""Audits of the rule catalogue: the stable-id contract, docs and fixtures for every rule."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from classifier.rules import CHECK_MODULES, load_checks
from classifier.rules.catalogue import ID_PATTERN, NAME_PATTERN, RULES, STATUSES
from classifier.surfaces import SURFACES

HERE = Path(__file__).parent
DOCS = HERE.parent.parent / "classifier" / "docs" / "rules"
FIXTURES = HERE / "fixtures"
REQUIRED_HEADINGS = ["What it detects", "Why it matters", "Example", "How to fix", "Configuration", "Known limitations"]
ACTIVE = [rule for rule in RULES if rule.status != "removed"]


def test_ids_are_unique_and_well_formed() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert ID_PATTERN.match(rule.id), rule.id
        assert NAME_PATTERN.match(rule.name), rule.name
        assert rule.status in STATUSES
        assert rule.kind in ("finding", "violation")
        assert rule.surface in SURFACES or rule.surface in CHECK_MODULES, rule.surface


def test_names_and_aliases_are_unique() -> None:
    names = [name for rule in RULES for name in (rule.name, *rule.aliases)]
    assert len(names) == len(set(names))


def test_ids_lock_only_grows() -> None:
    """Every locked id still exists with the same label and kind; every id is locked."""
    locked = {}
    for line in (HERE / "ids.lock").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            rule_id, name, label, kind = line.split()
            locked[rule_id] = (name, label, kind)
    by_id = {rule.id: rule for rule in RULES}
    for rule_id, (name, label, kind) in locked.items():
        assert rule_id in by_id, f"{rule_id} was removed from the catalogue; keep it with status='removed'"
        rule = by_id[rule_id]
        assert (rule.label.value, rule.kind) == (label, kind), f"{rule_id} changed meaning; mint a new id"
        assert name == rule.name or name in rule.aliases, f"{rule_id} renamed without keeping {name!r} as an alias"
    assert set(by_id) <= set(locked), f"add to tests/rules/ids.lock: {sorted(set(by_id) - set(locked))}"


@pytest.mark.parametrize("rule", ACTIVE, ids=[r.id for r in ACTIVE])
def test_rule_has_doc_page_with_headings_in_order(rule) -> None:  # type: ignore[no-untyped-def]
    page = DOCS / f"{rule.id}.md"
    assert page.is_file(), f"missing doc page {page}"
    text = page.read_text("utf-8")
    assert text.startswith(f"# {rule.id} {rule.name}\n")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings == REQUIRED_HEADINGS


@pytest.mark.parametrize("rule", ACTIVE, ids=[r.id for r in ACTIVE])
def test_rule_has_fixtures_that_fire_and_stay_quiet(rule) -> None:  # type: ignore[no-untyped-def]
    cases = [p.name for p in (FIXTURES / rule.id).glob("*") if p.is_dir()]
    assert any(c.startswith("fires_") for c in cases), f"{rule.id} has no fires_* fixture"
    assert any(c.startswith("quiet_") for c in cases), f"{rule.id} has no quiet_* fixture"


def test_every_fixture_folder_names_a_rule() -> None:
    ids = {rule.id for rule in RULES}
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} <= ids


def test_every_rule_is_emitted_by_exactly_one_check_module() -> None:
    emitted: dict[str, str] = {}
    for surface in CHECK_MODULES:
        for rule_id in load_checks(surface).EMITS:
            assert rule_id not in emitted, f"{rule_id} emitted by {emitted[rule_id]} and {surface}"
            emitted[rule_id] = surface
    finding_rules = {rule.id for rule in ACTIVE if rule.surface in CHECK_MODULES}
    assert set(emitted) == finding_rules


def test_message_templates_only_use_known_placeholders() -> None:
    for rule in RULES:
        fields = [name for _, name, _, _ in string.Formatter().parse(rule.message) if name]
        assert all(re.fullmatch(r"[a-z_]+", name) for name in fields), rule.id
