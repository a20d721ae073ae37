"""Red-flag recall and false alarms on the gathered multilingual sets, per language and part.

    .venv/bin/python -m tests.multilingual.score [--part dev|test] [--misses]
Also the language identification accuracy on the same messages.
"""
import argparse
import time
from pathlib import Path

import yaml

from clinic import language_id, redflags

HERE = Path(__file__).resolve().parent
GROUPS = ("medical_emergency", "crisis", "not_emergency")


def load():
    for path in sorted(HERE.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for group in GROUPS:
            for item in data.get(group) or []:
                yield data["language"], group, item


def expected_code(language, item):
    if language == "zh":
        return "zh-Hant" if item.get("script") == "hant" else "zh-Hans"
    return language


def correct(group, kind):
    if group == "medical_emergency":
        return kind in (redflags.MEDICAL, redflags.CRISIS)
    if group == "crisis":
        return kind == redflags.CRISIS
    return kind is None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=("dev", "test"))
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    table = {}
    lid_total = lid_right = 0
    times = []
    for language, group, item in load():
        if args.part and item.get("part") != args.part:
            continue
        start = time.perf_counter()
        assessment = redflags.assess(item["text"])
        times.append(time.perf_counter() - start)
        ok = correct(group, assessment.kind)
        row = table.setdefault((language, group), [0, 0])
        row[0] += ok
        row[1] += 1
        lid_total += 1
        lid_right += assessment.language.code == expected_code(language, item)
        if args.misses and not ok:
            print(f"MISS {language} {group} [{item.get('part')}]: {item['text'][:140]!r}\n     "
                  f"{item.get('gloss', '')[:140]}\n     {redflags.explain(item['text'])}")
    print(f"{'language':10} {'group':18} right/all")
    for (language, group), (right, total) in sorted(table.items()):
        print(f"{language:10} {group:18} {right}/{total}")
    times.sort()
    print(f"language identified: {lid_right}/{lid_total}; assess() median {times[len(times) // 2] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
