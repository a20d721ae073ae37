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


# ----------------------------------------------------------------------------------------------
# English (clinic/redflags/rules/en/*.yml, read by clinic/redflags/english.py)
# ----------------------------------------------------------------------------------------------
from clinic.redflags import english  # noqa: E402

EN_RULES = [rule for family in english.FAMILIES for rule in english.RULES[family]]
ALARM_FAMILIES = ("crisis", "happening", "report")  # discussion and generic are risk-talk cues: they alarm nothing


def test_english_rules_have_ids_sources_and_examples():
    assert len(EN_RULES) > 250
    for rule in EN_RULES:
        assert rule.id.startswith(f"en-{rule.family}-"), rule.id
        assert not rule.id[-1].isdigit(), f"{rule.id}: a name, not a number"
        assert rule.source, f"{rule.id}: where its first example came from"
        assert rule.match, f"{rule.id}: at least one example it must catch"
    ids = [rule.id for rule in EN_RULES] + [m.id for m in english.MODIFIERS] + list(english.CONDITIONS)
    other = {rule.id for _, rule in RULES} | {m.id for rs in redflags.RULE_SETS for m in rs.modifiers}
    assert len(ids) == len(set(ids)) and not set(ids) & other


@pytest.mark.parametrize("rule", EN_RULES, ids=[rule.id for rule in EN_RULES])
def test_english_rule_catches_its_examples_and_not_its_counter_examples(rule):
    for example in rule.match:
        assert rule.id in english.findings(example), f"{example!r}: {english.explain(example)}"
        if rule.family == "crisis":
            assert redflags.classify(example) == redflags.CRISIS, example
        elif rule.family in ALARM_FAMILIES:
            assert redflags.classify(example) in (redflags.MEDICAL, redflags.CRISIS), example
    for example in rule.no_match:
        if rule.family in ALARM_FAMILIES:
            assert english.classify(example) is None, f"{example!r}: {english.explain(example)}"
        else:
            assert rule.id not in english.findings(example), example


@pytest.mark.parametrize("modifier", english.MODIFIERS, ids=[m.id for m in english.MODIFIERS])
def test_english_modifier_silences_its_examples(modifier):
    assert modifier.dismisses, f"{modifier.id}: at least one text it keeps silent"
    for example in modifier.dismisses:
        notes = english.explain(example)
        assert english.classify(example) is None, f"{example!r}: {notes}"
        assert any(" (dismissed by " in note and modifier.id in note for note in notes), f"{example!r}: {notes}"


def test_english_explain_names_rule_ids_and_what_dismissed_them():
    notes = redflags.explain("can needling cause shortness of breath?")
    assert "en-happening-breathing-short-breath (dismissed by en-hypothetical-before)" in notes, notes
    assert "en-discussion-question-can-cause" in notes
    assert "en-crisis-said-suicid" in redflags.explain("thinking about suicide")
