"""Every red-flag rule file loads, and every rule keeps its own examples (clinic/redflags/rules/*.yml).

One generic test per rule: its `match` examples must be found by that rule (and not dismissed by a
modifier), its `no_match` examples must raise nothing in that language's rules.
"""
from pathlib import Path

import pytest
import yaml

from clinic import redflags
from clinic.redflags import engine

RULE_FILES = sorted(redflags.RULES.glob("*.yml"))
RULES = [(rule_set, rule) for rule_set in redflags.RULE_SETS for rule in rule_set.rules]


def test_the_languages_patients_write_have_rules():
    assert {rule_set.language for rule_set in redflags.RULE_SETS} >= {"zh", "ko", "fa", "es", "pa", "tl"}


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_each_rule_has_an_id_a_source_and_examples(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for raw in data["rules"]:
        assert raw["id"].startswith(data["language"] + "-"), raw["id"]
        assert raw.get("source"), f"{raw['id']}: where it came from"
        assert raw.get("match"), f"{raw['id']}: at least one example it must catch"
    for raw in data.get("modifiers") or []:
        assert raw["id"].startswith(data["language"] + "-"), raw["id"]


def test_ids_are_unique_across_languages():
    ids = [rule.id for _, rule in RULES] + [m.id for rs in redflags.RULE_SETS for m in rs.modifiers]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule_set,rule", RULES, ids=[rule.id for _, rule in RULES])
def test_rule_catches_its_examples_and_not_its_counter_examples(rule_set, rule):
    for example in rule.match:
        found = [finding.rule for finding in rule_set.findings(example)]
        assert rule.id in found, f"{example!r}: {rule_set.explain(example)}"
        assert redflags.classify(example) in (redflags.MEDICAL, redflags.CRISIS)
        if rule.family == "crisis":
            assert redflags.classify(example) == redflags.CRISIS
    for example in rule.no_match:
        assert not rule_set.findings(example), f"{example!r}: {rule_set.explain(example)}"


def test_explain_names_rule_ids_and_what_dismissed_them():
    notes = redflags.explain("숨이 차면 어떻게 해야 하나요?")
    assert any(note.startswith("ko-breathing-cannot (dismissed by ko-if-then") for note in notes), notes
    assert "ko-crisis-wish-to-die" in redflags.explain("죽고 싶어요")


def test_a_broken_rule_file_is_refused_with_its_rule_named(tmp_path):
    bad = tmp_path / "xx.yml"
    bad.write_text("language: xx\nrules:\n- id: xx-one\n  family: happening\n  pattern: '(unclosed'\n"
                   "  match: [a]\n  source: test\n", encoding="utf-8")
    with pytest.raises(engine.RuleError, match="xx-one"):
        engine.load(bad)
    bad.write_text("language: xx\nrules:\n- id: xx-one\n  family: somewhere\n  pattern: a\n", encoding="utf-8")
    with pytest.raises(engine.RuleError, match="family"):
        engine.load(bad)


def test_a_modifier_only_reaches_within_its_clause(tmp_path):
    path = tmp_path / "xx.yml"
    path.write_text(
        "language: xx\nrules:\n- id: xx-pain\n  family: happening\n  pattern: chest pain\n  match: [chest pain]\n"
        "  source: test\nmodifiers:\n- id: xx-if\n  category: hypothetical\n  direction: forward\n  scope: 30\n"
        "  pattern: '\\bif\\b'\n- id: xx-now\n  category: present\n  direction: bidirectional\n  pattern: now\n"
        "- id: xx-over\n  category: resolved\n  direction: backward\n  pattern: went away\n", encoding="utf-8")
    rules = engine.load(path)
    assert not rules.findings("what if i get chest pain")
    assert rules.findings("what if. chest pain")           # a new sentence: the question is over
    assert not rules.findings("chest pain that went away")
    assert rules.findings("chest pain that went away and now is back")  # present undoes resolved
