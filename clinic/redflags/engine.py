"""A small ConText-style engine: red-flag rules and their modifiers kept as data (rules/*.yml).

A *rule* is a target: a pattern for a symptom or event ("숨을 못 쉬겠어요", "me desmayé") with an id,
a family (crisis -> 988, happening / report -> 911), its own examples (must match, must not) and
where it came from. A *modifier* is a cue that changes what a target means, instead of look-arounds
pasted into every pattern (as medspaCy's ConText keeps its modifiers):

- category: hypothetical (a question about a risk, "what if"), negated, resolved ("passed after a
  minute"), historical ("years ago"), harmless_cause ("from running"), present (now, again, still:
  undoes resolved and historical), risk_topic (a question about a risk anywhere in the message:
  undoes report rules);
- direction: forward (it modifies targets after it), backward (targets before it), bidirectional;
- scope: how many characters it reaches, never past a clause break (the rule set's terminators).

Plain `re` and PyYAML only: the net must work when nothing else does (no model, no network).
"""
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

MEDICAL = "medical"
CRISIS = "crisis"
FAMILIES = {"crisis": CRISIS, "happening": MEDICAL, "report": MEDICAL}
DISMISSING = {"hypothetical", "negated", "resolved", "historical", "harmless_cause"}
CATEGORIES = DISMISSING | {"present", "risk_topic"}
DIRECTIONS = {"forward", "backward", "bidirectional"}
DEFAULT_TERMINATORS = r"[.!?。！？;；\n…]+"


class RuleError(ValueError):
    """A rule file that cannot be used: named with its file and rule id."""


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    regex: "re.Pattern[str]"
    category: str = ""
    match: Tuple[str, ...] = ()
    no_match: Tuple[str, ...] = ()
    source: str = ""

    @property
    def kind(self) -> str:
        return FAMILIES[self.family]


@dataclass(frozen=True)
class Modifier:
    id: str
    category: str
    direction: str
    regex: "re.Pattern[str]"
    scope: int = 40                 # characters; 0 = the whole clause
    applies_to: Tuple[str, ...] = ("happening",)


@dataclass(frozen=True)
class Finding:
    rule: str
    kind: str
    language: str
    span: Tuple[int, int]


@dataclass
class RuleSet:
    language: str
    name: str
    rules: List[Rule]
    modifiers: List[Modifier]
    fold: Dict[int, str] = field(default_factory=dict)
    terminators: "re.Pattern[str]" = re.compile(DEFAULT_TERMINATORS)
    strip_marks: bool = False      # drop accents and vowel signs (Spanish, Tagalog, Persian)
    gate: Optional["re.Pattern[str]"] = None  # a cheap first look: no rule can match without it

    def normalise(self, text: str, lower: bool = True) -> str:
        """Fold the text (and, without lower-casing, a pattern) the same way: one spelling to match."""
        text = unicodedata.normalize("NFKC", text or "")
        text = text.lower() if lower else text
        text = text.replace("\u200c", "").replace("\u200d", "").replace("\u00a0", " ")
        if self.strip_marks:
            text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
            text = unicodedata.normalize("NFC", text)
        if self.fold:
            text = text.translate(self.fold)
        return re.sub(r"[ \t]+", " ", text)

    def _clause(self, text: str, start: int, end: int) -> Tuple[int, int]:
        left = 0
        for match in self.terminators.finditer(text, 0, start):
            left = match.end()
        after = self.terminators.search(text, end)
        return left, (after.start() if after else len(text))

    def _applies(self, modifier: Modifier, text: str, span: Tuple[int, int], clause: Tuple[int, int]) -> bool:
        start, end = span
        for match in modifier.regex.finditer(text, clause[0], clause[1]):
            m_start, m_end = match.span()
            if m_start < end and m_end > start:
                continue  # inside the target itself: the target's words, not a cue about them
            reach = modifier.scope or len(text)
            before = m_end <= start and start - m_end <= reach
            after = m_start >= end and m_start - end <= reach
            if ((modifier.direction in ("forward", "bidirectional") and before)
                    or (modifier.direction in ("backward", "bidirectional") and after)):
                return True
        return False

    def modifiers_of(self, text: str, family: str, span: Tuple[int, int]) -> List[Modifier]:
        clause = self._clause(text, *span)
        return [m for m in self.modifiers
                if family in m.applies_to and m.category != "risk_topic" and self._applies(m, text, span, clause)]

    def findings(self, text: str, normalised: bool = False) -> List[Finding]:
        """Targets that no modifier dismisses, in text order."""
        plain = text if normalised else self.normalise(text)
        if not plain.strip() or (self.gate is not None and not self.gate.search(plain)):
            return []
        risk_topic = any(m.category == "risk_topic" and m.regex.search(plain) for m in self.modifiers)
        found = []
        for rule in self.rules:
            if rule.family == "report" and risk_topic:
                continue
            for match in rule.regex.finditer(plain):
                span = match.span()
                categories = {m.category for m in self.modifiers_of(plain, rule.family, span)}
                if "present" in categories:
                    categories -= {"resolved", "historical"}
                if not categories & DISMISSING:
                    found.append(Finding(rule.id, rule.kind, self.language, span))
                    break
        return sorted(found, key=lambda f: f.span)

    def explain(self, text: str) -> List[str]:
        """Rule ids that matched, with the modifiers that dismissed any of them."""
        plain = self.normalise(text)
        notes = []
        for rule in self.rules:
            for match in rule.regex.finditer(plain):
                mods = self.modifiers_of(plain, rule.family, match.span())
                notes.append(rule.id + (f" (dismissed by {', '.join(m.id for m in mods)})"
                                        if {m.category for m in mods} & DISMISSING else ""))
        notes += [m.id for m in self.modifiers if m.category == "risk_topic" and m.regex.search(plain)]
        return notes


def expand(pattern: str, terms: Dict[str, str], where: str = "", group: bool = True) -> str:
    """`{name}` -> the term (as a group, or verbatim); regex repetitions like {0,3} have digits and are left alone."""
    def term(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name not in terms:
            raise RuleError(f"{where}: unknown term {{{name}}}")
        return f"(?:{terms[name]})" if group else terms[name]
    return re.sub(r"\{([a-z_][a-z0-9_]*)\}", term, pattern)


def compile_pattern(pattern: str, where: str) -> "re.Pattern[str]":
    """re.compile, with the rule's id in the error."""
    try:
        return re.compile(pattern)
    except re.error as error:
        raise RuleError(f"{where}: {error}") from None


def strings(value) -> Tuple[str, ...]:
    """A YAML string or list of strings as a tuple."""
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in (value or []))


def _new_id(raw: Dict, ids: set, where: str, what: str) -> str:
    """The entry's id, refused when missing or already used in this file."""
    entry_id = str(raw.get("id") or "")
    if not entry_id or entry_id in ids:
        raise RuleError(f"{where}: {what} without an id or with a repeated id ({entry_id!r})")
    ids.add(entry_id)
    return entry_id


def load(path: Path) -> RuleSet:
    """One language's rules from its YAML file, checked as they load."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    where = path.name
    fold_map = {}
    for source, target in (data.get("fold") or {}).items():  # "們這": "们这" char by char, "਼": "" deletes
        source, target = str(source), str(target or "")
        for i, char in enumerate(source):
            fold_map[ord(char)] = target[i] if len(target) == len(source) else target
    shell = RuleSet(language=str(data.get("language")), name="", rules=[], modifiers=[], fold=fold_map,
                    strip_marks=bool(data.get("strip_marks")))
    fold = lambda pattern: shell.normalise(pattern, lower=False)  # noqa: E731
    terms = {str(k): str(v) for k, v in (data.get("terms") or {}).items()}
    for name in list(terms):  # terms may use earlier terms
        terms[name] = expand(terms[name], terms, f"{where} term {name}")
    ids = set()
    rules = []
    for raw in data.get("rules") or []:
        rule_id = _new_id(raw, ids, where, "rule")
        if raw.get("family") not in FAMILIES:
            raise RuleError(f"{where} {rule_id}: family must be one of {sorted(FAMILIES)}")
        rules.append(Rule(id=rule_id, family=raw["family"], regex=compile_pattern(fold(expand(str(raw["pattern"]), terms, rule_id)), rule_id),
                          category=str(raw.get("category") or ""), match=strings(raw.get("match")),
                          no_match=strings(raw.get("no_match")), source=str(raw.get("source") or "")))
    modifiers = []
    for raw in data.get("modifiers") or []:
        mod_id = _new_id(raw, ids, where, "modifier")
        if raw.get("category") not in CATEGORIES or raw.get("direction", "bidirectional") not in DIRECTIONS:
            raise RuleError(f"{where} {mod_id}: category must be one of {sorted(CATEGORIES)}, "
                            f"direction one of {sorted(DIRECTIONS)}")
        modifiers.append(Modifier(id=mod_id, category=raw["category"], direction=raw.get("direction", "bidirectional"),
                                  regex=compile_pattern(fold(expand(str(raw["pattern"]), terms, mod_id)), mod_id), scope=int(raw.get("scope", 40)),
                                  applies_to=strings(raw.get("applies_to")) or ("happening",)))
    rule_set = RuleSet(language=str(data["language"]), name=str(data.get("name") or data["language"]),
                       rules=rules, modifiers=modifiers, fold=fold_map,
                       terminators=re.compile(data.get("terminators") or DEFAULT_TERMINATORS),
                       strip_marks=bool(data.get("strip_marks")))
    if rules:  # any rule's pattern, one alternation: most messages are turned away by this alone
        rule_set.gate = re.compile("|".join(f"(?:{r.regex.pattern})" for r in rules))
    return rule_set


def load_all(folder: Path, names: Optional[Sequence[str]] = None) -> List[RuleSet]:
    paths = sorted(folder.glob("*.yml"))
    return [load(p) for p in paths if names is None or p.stem in names]


def classify(rule_sets: Iterable[RuleSet], text: str) -> Tuple[Optional[str], List[Finding]]:
    """CRISIS, MEDICAL or None over every language's rules, and what was found."""
    findings: List[Finding] = []
    for rule_set in rule_sets:
        findings += rule_set.findings(text)
    if any(f.kind == CRISIS for f in findings):
        return CRISIS, findings
    if findings:
        return MEDICAL, findings
    return None, findings
