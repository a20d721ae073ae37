"""The red-flag net in every language: what an emergency looks like, and in which language to answer.

`assess(text)` runs the English rules (rules/en/*.yml through english.py) and every other language's rules
(rules/<language>.yml through engine.py) on every message, whatever language it seems to be in: a
wrong language guess must never cost a 911. Language identification (clinic/language_id.py) only
chooses the language of the reply.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from clinic import language_id
from clinic.redflags import engine, english

MEDICAL, CRISIS = engine.MEDICAL, engine.CRISIS
RULES = Path(__file__).resolve().parent / "rules"
RULE_SETS = engine.load_all(RULES)


@dataclass(frozen=True)
class Assessment:
    kind: Optional[str]                  # CRISIS, MEDICAL or None
    language: language_id.Detected      # what the patient wrote in
    reply_language: str                  # the language code to answer in
    rules: List[str] = field(default_factory=list)   # rule ids that fired (non-English rules)


def _reply_language(detected: language_id.Detected, findings: List[engine.Finding], text: str) -> str:
    if not detected.english or not findings:
        return detected.code
    # English-looking text with another language's red flag ("saah nahi aa reha"): answer in that one
    language = findings[0].language
    if language == "zh":
        return language_id.chinese_script(text)[0]
    return language


def assess(text: str) -> Assessment:
    text = text or ""
    try:
        detected = language_id.identify(text)
    except Exception:  # the reply's language is a nicety; the net below must still run
        detected = language_id.Detected(language_id.ENGLISH, 0.0, "default")
    english_kind = english.classify(text)
    other_kind, findings = engine.classify(RULE_SETS, text)
    kinds = {english_kind, other_kind}
    kind = CRISIS if CRISIS in kinds else MEDICAL if MEDICAL in kinds else None
    reply = _reply_language(detected, findings if not english_kind else [], text)
    return Assessment(kind, detected, reply, [f.rule for f in findings])


def classify(text: str) -> Optional[str]:
    """CRISIS, MEDICAL or None, in any language."""
    return assess(text).kind


def explain(text: str) -> List[str]:
    """English and other languages' rule ids (with what dismissed them)."""
    return english.explain(text) + [note for rule_set in RULE_SETS for note in rule_set.explain(text)]


def discusses_risk(text: str) -> bool:
    return english.discusses_risk(text)
