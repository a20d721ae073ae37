"""The English red-flag net, read from data: clinic/redflags/rules/en/*.yml.

Same answers as the hand-written module it replaced (scripts/red_flag_equivalence.py, results/
red_flags_equivalence.md). Five families of rules, each compiled into one regex grouped by first letter
(regex_tools.combine), checked in this order:

- crisis (crisis.yml): suicide and self-harm, including passive wishes to die from chronic pain -> 988.
- happening (happening.yml): a symptom or event told by the person it happens to, or by someone with them
  -> 911, unless a modifier of modifiers.yml dismisses the match: a question about a risk just before it
  ("can needling cause shortness of breath?"), a harmless cause just after it ("when I run because I have
  asthma"), a symptom that is over, the past told in a question, how the needles felt, the breathlessness of
  a long-standing lung disease.
- report (report.yml): a complication named the way news items and case reports name it -> 911, unless the
  message talks about a risk (the discussion family, or the generic family with no case told), and does not
  say it happened recently or to the writer or a relative (conditions en-recent-event, en-event-told,
  en-long-ago, en-now of modifiers.yml).

Before matching, the text is normalised (normalise.yml). `explain(text)` lists the rule ids a message
matches, with the modifiers that dismissed a match; `findings(text)` the rule ids that count.
"""
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from clinic.redflags import engine
from clinic.redflags.regex_tools import combine, words

MEDICAL = "medical"  # -> 911
CRISIS = "crisis"    # -> 988 and 911
FOLDER = Path(__file__).resolve().parent / "rules" / "en"
FAMILIES = ("crisis", "happening", "report", "discussion", "generic")
RULE_FILES = ("crisis.yml", "happening.yml", "report.yml")


RuleError = engine.RuleError  # one error for every rule file


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    pattern: str                      # the regex text, terms put in
    regex: "re.Pattern[str]"
    match: Tuple[str, ...] = ()
    no_match: Tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Modifier:
    id: str
    category: str
    direction: str                    # forward: looks before the target; backward: after; bidirectional: anywhere
    scope: int                        # characters; 0 = the whole message
    clause: bool                      # the window stops at a clause break
    regex: "re.Pattern[str]"
    target: str = ""                  # a condition the target's text must match
    target_not: str = ""              # ... must not match
    requires: Tuple[str, ...] = ()    # conditions found anywhere in the message
    unless: Tuple[str, ...] = ()      # conditions that undo it, anywhere in the message
    unless_after: Tuple[str, ...] = ()  # ... from the target's end on
    dismisses: Tuple[str, ...] = ()   # examples it silences


def _read(name: str) -> dict:
    return yaml.safe_load((FOLDER / name).read_text(encoding="utf-8")) or {}


def expand(pattern: str, terms: Dict[str, str], where: str = "") -> str:
    """`{name}` -> the term's text, verbatim (the English patterns were written with their groups)."""
    return engine.expand(pattern, terms, where, group=False)


def load_terms(raw: dict) -> Dict[str, str]:
    """A term is a string, {words: [...]} (regex_tools.words; "*{name}" adds a list term's items) or {list: [...]}."""
    terms: Dict[str, str] = {}
    lists: Dict[str, List[str]] = {}
    for name, value in raw.items():
        where = f"terms.yml {name}"
        if isinstance(value, dict) and "list" in value:
            lists[name] = [expand(str(item), terms, where) for item in value["list"]]
        elif isinstance(value, dict):
            items: List[str] = []
            for item in value["words"]:
                item = str(item)
                if item.startswith("*{") and item.endswith("}"):
                    items += lists[item[2:-1]]
                else:
                    items.append(expand(item, terms, where))
            terms[name] = words(*items)
        else:
            terms[name] = expand(str(value), terms, where)
    return terms


_compile, _tuple = engine.compile_pattern, engine.strings


def load_rules(terms: Dict[str, str]) -> Dict[str, List[Rule]]:
    rules: Dict[str, List[Rule]] = {family: [] for family in FAMILIES}
    seen = set()
    for name in RULE_FILES:
        for family, raws in _read(name).items():
            if family not in rules:
                raise RuleError(f"{name}: unknown family {family!r}")
            for raw in raws:
                rule_id = str(raw.get("id") or "")
                if not rule_id.startswith(f"en-{family}-") or rule_id in seen:
                    raise RuleError(f"{name}: bad or repeated id {rule_id!r}")
                seen.add(rule_id)
                pattern = expand(str(raw["pattern"]), terms, rule_id)
                if not pattern.startswith(r"\b"):
                    raise RuleError(f"{name} {rule_id}: a pattern starts at a word (\\b)")
                rules[family].append(Rule(rule_id, family, pattern, _compile(pattern, rule_id), _tuple(raw.get("match")),
                                          _tuple(raw.get("no_match")), str(raw.get("source") or "")))
    return rules


TERMS = load_terms(_read("terms.yml")["terms"])
RULES = load_rules(TERMS)
BY_ID = {rule.id: rule for family in FAMILIES for rule in RULES[family]}
COMBINED = {family: combine(rule.pattern for rule in RULES[family]) for family in FAMILIES}
REPORT_GATE = re.compile(r"\b" + TERMS["report_words"])  # a cheap first look: every report rule names one

_MODS = _read("modifiers.yml")
CLAUSE_BREAK = _compile(expand(_MODS["clause_break"], TERMS), "clause_break")
CLAUSE_END = _compile(expand(_MODS["clause_end"], TERMS), "clause_end")
CONDITIONS = {str(raw["id"]): _compile(expand(str(raw["pattern"]), TERMS, raw["id"]), raw["id"])
              for raw in _MODS["conditions"]}
MODIFIERS = [Modifier(id=str(raw["id"]), category=str(raw["category"]), direction=str(raw["direction"]),
                      scope=int(raw["scope"]), clause=bool(raw.get("clause")),
                      regex=_compile(expand(str(raw["pattern"]), TERMS, raw["id"]), raw["id"]),
                      target=str(raw.get("target") or ""), target_not=str(raw.get("target_not") or ""),
                      requires=_tuple(raw.get("requires")), unless=_tuple(raw.get("unless")),
                      unless_after=_tuple(raw.get("unless_after")), dismisses=_tuple(raw.get("dismisses")))
             for raw in _MODS["happening"]]
for _modifier in MODIFIERS:
    for _name in (_modifier.target, _modifier.target_not, *_modifier.requires, *_modifier.unless,
                  *_modifier.unless_after):
        if _name and _name not in CONDITIONS:
            raise RuleError(f"modifiers.yml {_modifier.id}: unknown condition {_name}")
    if _modifier.direction not in ("forward", "backward", "bidirectional") or (
            _modifier.direction == "bidirectional") != (_modifier.scope == 0):
        raise RuleError(f"modifiers.yml {_modifier.id}: forward / backward with a scope, or bidirectional with 0")

# ----------------------------------------------------------------------------------------------
# normalise.yml
# ----------------------------------------------------------------------------------------------
_NORM = _read("normalise.yml")
SMS: Dict[str, str] = {str(k): str(v) for k, v in _NORM["sms"].items()}
_SHORTHAND = re.compile(r"\b(?:" + "|".join(map(re.escape, SMS)) + rf"|(?:{_NORM['to_verbs']}) 2)\b")
_SYMPTOM = str(_NORM["symptom"])
_NEGATED = re.compile(expand(str(_NORM["negated"]), {"symptom": _SYMPTOM}))
_SYMPTOM_WORD = re.compile(rf"\b{_SYMPTOM}")


def _spell_out(match: "re.Match[str]") -> str:
    word = match.group(0)
    return SMS.get(word) or word[:-1] + "to"


def normalise(text: str) -> str:
    """Lower-case, drop apostrophes (can't -> cant), spell out SMS shorthand, hide absent symptoms."""
    text = (text or "").lower().replace("\u2019", "").replace("\u2018", "").replace("`", "").replace("'", "")
    text = re.sub(r"[^a-z0-9.,!?-]+", " ", text)
    text = _SHORTHAND.sub(_spell_out, text)
    text = _NEGATED.sub(lambda m: _SYMPTOM_WORD.sub(lambda w: "no" + w.group(0).replace(" ", ""), m.group(0)), text)
    return text.strip()


# ----------------------------------------------------------------------------------------------
# Modifiers of a happening target
# ----------------------------------------------------------------------------------------------
class _Message:
    """One normalised message, with what has been looked up in it (conditions, message-wide modifiers)."""

    def __init__(self, plain: str):
        self.plain = plain
        self.found: Dict[str, bool] = {}

    def has(self, condition: str) -> bool:
        if condition not in self.found:
            self.found[condition] = bool(CONDITIONS[condition].search(self.plain))
        return self.found[condition]

    def window(self, modifier: Modifier, start: int, end: int, windows: Dict[tuple, str]) -> str:
        key = (modifier.direction, modifier.scope, modifier.clause)
        if key not in windows:
            if modifier.direction == "forward":
                window = self.plain[max(0, start - modifier.scope):start]
                windows[key] = CLAUSE_BREAK.sub("", window) if modifier.clause else window
            else:
                window = self.plain[end:end + modifier.scope]
                windows[key] = CLAUSE_END.split(window, 1)[0] if modifier.clause else window
        return windows[key]

    def applies(self, modifier: Modifier, match: "re.Match[str]", windows: Dict[tuple, str]) -> bool:
        text = match.group(0)
        if modifier.target and not CONDITIONS[modifier.target].search(text):
            return False
        if modifier.target_not and CONDITIONS[modifier.target_not].search(text):
            return False
        if modifier.scope == 0:  # the whole message: the same answer for every target
            key = "modifier " + modifier.id
            if key not in self.found:
                self.found[key] = bool(modifier.regex.search(self.plain) and self._context(modifier))
            return self.found[key]
        return bool(modifier.regex.search(self.window(modifier, *match.span(), windows)) and self._context(modifier)
                    and not any(CONDITIONS[c].search(self.plain, match.end()) for c in modifier.unless_after))

    def _context(self, modifier: Modifier) -> bool:
        return all(self.has(c) for c in modifier.requires) and not any(self.has(c) for c in modifier.unless)

    def dismissed_by(self, match: "re.Match[str]", every: bool = False) -> List[str]:
        found: List[str] = []
        windows: Dict[tuple, str] = {}  # the text before and after the target, cut once per match
        for modifier in MODIFIERS:
            if self.applies(modifier, match, windows):
                found.append(modifier.id)
                if not every:
                    break
        return found


def _matches(regex: "re.Pattern[str]", plain: str):
    """Every match the way the net looks: the leftmost one at each start, then on from the next character."""
    pos = 0
    while True:
        match = regex.search(plain, pos)
        if match is None:
            return
        yield match
        pos = match.start() + 1


def _happening(message: _Message) -> bool:
    return any(not message.dismissed_by(match) for match in _matches(COMBINED["happening"], message.plain))


# ----------------------------------------------------------------------------------------------
# Reports, and talk about a risk
# ----------------------------------------------------------------------------------------------
def _talks_about_risk(message: _Message) -> bool:
    """A question about a risk, or risk information with no case told."""
    plain = message.plain
    return bool(COMBINED["discussion"].search(plain)
                or (COMBINED["generic"].search(plain) and not message.has("en-case-told")))


def _long_ago_only(message: _Message) -> bool:
    """An event told long ago with nothing recent, beside a question about a risk."""
    return message.has("en-long-ago") and not message.has("en-recent-event") and not message.has("en-now")


def _report_counts(message: _Message) -> bool:
    """A report rule's match counts: no risk talked about, or the event is recent, or told as the writer's own."""
    return (not _talks_about_risk(message) or message.has("en-recent-event")
            or (message.has("en-event-told") and not _long_ago_only(message)))


def classify(text: str) -> Optional[str]:
    """CRISIS, MEDICAL or None. Crisis is checked first: 988 must never be missed."""
    plain = normalise(text)
    if not plain:
        return None
    if COMBINED["crisis"].search(plain):
        return CRISIS
    message = _Message(plain)
    if _happening(message):
        return MEDICAL
    if REPORT_GATE.search(plain) and COMBINED["report"].search(plain) and _report_counts(message):
        return MEDICAL
    return None


def discusses_risk(text: str) -> bool:
    """The message asks about a risk, something read or heard, a consent form (and says nothing happened
    recently): used to keep the model's own "emergency" guess from alarming on it."""
    plain = normalise(text)
    if not plain:
        return False
    message = _Message(plain)
    if message.has("en-recent-event") or message.has("en-event-told"):
        return False
    # risk information ("it might be serious") about something felt since the treatment is not a question
    return bool(COMBINED["discussion"].search(plain) or (COMBINED["generic"].search(plain)
                                                         and not message.has("en-case-told")
                                                         and not message.has("en-since-treatment")))


def _notes(plain: str) -> List[Tuple[str, List[str]]]:
    """(rule id, what dismissed it) for every rule the normalised text matches; [] = it counts."""
    message = _Message(plain)
    notes: List[Tuple[str, List[str]]] = []
    risk_talk = [rule.id for family in ("discussion", "generic") for rule in RULES[family] if rule.regex.search(plain)]
    for family in FAMILIES:
        for rule in RULES[family]:
            if family == "happening":
                dismissals = [message.dismissed_by(match, every=True) for match in _matches(rule.regex, plain)]
                if dismissals:
                    notes.append((rule.id, [] if not all(dismissals) else
                                  sorted({m for found in dismissals for m in found})))
            elif rule.regex.search(plain):
                why: List[str] = []
                if family == "report" and not _report_counts(message):
                    why = risk_talk
                notes.append((rule.id, why))
    return notes


def findings(text: str) -> List[str]:
    """The rule ids a message matches that no modifier dismisses."""
    return [rule_id for rule_id, why in _notes(normalise(text)) if not why]


def explain(text: str) -> List[str]:
    """The rule ids a message matches, family by family, each with the modifiers (or, for a report, the
    risk-talk rules) that dismissed it: "en-happening-... (dismissed by en-hypothetical-before)"."""
    return [rule_id + (f" (dismissed by {', '.join(why)})" if why else "") for rule_id, why in _notes(normalise(text))]
