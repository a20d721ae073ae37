"""Other languages' red-flag rules must stay silent on English: every English text the project holds.

    .venv/bin/python -m tests.multilingual.english_check
Prints each English text another language's rules fire on (training data, real-world sets, red-flag
sets); exit status 1 if any.
"""
import re
import sys
from pathlib import Path

import yaml

from clinic.redflags import RULE_SETS, engine

ROOT = Path(__file__).resolve().parents[2]


def english_texts():
    for path in sorted((ROOT / "data").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if block.get("intent") == "other_language":
                continue
            for line in (block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}",
                                 lambda m: m.group(1) or m.group(2) or "", line[2:]).strip()
    for path in sorted((ROOT / "tests" / "realworld").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            yield item["text"]
    for path in sorted((ROOT / "tests" / "heldout").glob("red_flags*.yml")):
        for group in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).values():
            for item in group or []:
                yield item["text"] if isinstance(item, dict) else item


def hits():
    for text in english_texts():
        found = engine.classify(RULE_SETS, text)[1]
        if found:
            yield text, [f.rule for f in found]


if __name__ == "__main__":
    found = list(hits())
    for text, rules in found:
        print(rules, text[:160])
    print(f"{len(found)} English texts raise another language's red flag")
    sys.exit(1 if found else 0)
