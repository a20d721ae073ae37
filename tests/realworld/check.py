#!/usr/bin/env python3
"""Check the real-world set: format, labels, split by source, no duplicates, minimum counts.

Usage: python3 tests/realworld/check.py [--partial]   (--partial: report minimums, don't fail)
Standard library + PyYAML only.
"""
import collections, os, re, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FAQ = ["what_is_dry_needling", "how_it_works", "trigger_points", "vs_acupuncture", "benefits",
       "conditions", "what_to_expect", "does_it_hurt", "twitch_response", "session_details",
       "soreness_after", "aftercare", "combined_therapy", "safety", "who_performs", "suitability",
       "side_effects"]
LABELS = {"faq/" + k for k in FAQ} | {
    "greet", "goodbye", "thank", "bot_challenge", "book_appointment", "request_human", "ask_hours",
    "ask_location", "ask_contact", "ask_cost", "emergency", "out_of_scope", "ask_offer",
    "ask_referral", "ask_availability", "ask_what_to_bring", "ask_acupuncture", "ask_medication"}
KINDS = {"question", "narrative", "out_of_scope"}
MIN = {"questions": 300, "emergency_narratives": 30, "out_of_scope": 30}


def norm(t):
    t = t.lower().replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


def load(part):
    path = os.path.join(HERE, f"{part}.yml")
    with open(path, encoding="utf-8") as f:
        first = f.readline()
        f.seek(0)
        data = yaml.safe_load(f)
    return first, data["items"]


def main():
    partial = "--partial" in sys.argv
    errors = []
    parts = {}
    for part in ("dev", "dev2", "dev3", "dev4", "test", "test2"):  # dev2-4: more development parts (sessions 4, 5, 8)
        if not os.path.exists(os.path.join(HERE, f"{part}.yml")):
            if part in ("dev", "test"):  # dev and test must be there
                errors.append(f"{part}.yml missing")
            continue
        first, items = load(part)
        if not first.startswith("# Real-world questions gathered from public pages"):
            errors.append(f"{part}.yml: header comment missing")
        parts[part] = items
        for i, it in enumerate(items):
            where = f"{part}.yml item {i}"
            for key in ("text", "label", "source", "kind"):
                if not it.get(key) or not isinstance(it.get(key), str):
                    errors.append(f"{where}: missing {key}")
            if it.get("label") not in LABELS:
                errors.append(f"{where}: unknown label {it.get('label')!r}")
            if "labels" in it:
                if not (isinstance(it["labels"], list) and len(it["labels"]) >= 2
                        and it["labels"][0] == it["label"]
                        and all(l in LABELS for l in it["labels"])):
                    errors.append(f"{where}: bad labels {it['labels']!r}")
            if it.get("kind") not in KINDS:
                errors.append(f"{where}: bad kind {it.get('kind')!r}")
            if not re.match(r"^https?://\S+$", it.get("source", "")):
                errors.append(f"{where}: source is not an address")
            if it.get("label") == "emergency" and not isinstance(it.get("crisis"), bool):
                errors.append(f"{where}: emergency item without crisis: true/false")
            if it.get("crisis") is True and it.get("label") != "emergency":
                errors.append(f"{where}: crisis item not labelled emergency")
            if it.get("kind") == "out_of_scope" and it.get("label") != "out_of_scope":
                errors.append(f"{where}: out_of_scope kind with label {it.get('label')}")
    # split by source, no duplicate texts across (or within) parts
    src = {p: {it["source"] for it in items} for p, items in parts.items()}
    names = sorted(src)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for s in sorted(src[a] & src[b]):
                errors.append(f"source in both {a} and {b}: {s}")
    seen = {}
    for p, items in parts.items():
        for it in items:
            k = norm(it["text"])
            if k in seen:
                errors.append(f"duplicate text ({seen[k]} and {p}): {it['text'][:60]!r}")
            seen[k] = p
    # counts
    total = collections.Counter()
    for p, items in parts.items():
        kinds = collections.Counter(it["kind"] for it in items)
        labels = collections.Counter(it["label"] for it in items)
        emer = sum(1 for it in items if it["kind"] == "narrative" and it["label"] == "emergency")
        crisis = sum(1 for it in items if it.get("crisis") is True)
        print(f"{p}: {len(items)} items from {len(src[p])} sources; kinds {dict(kinds)}; "
              f"emergency narratives {emer} (crisis {crisis}); two-question items "
              f"{sum(1 for it in items if 'labels' in it)}")
        for l, n in sorted(labels.items()):
            print(f"    {l:28s} {n}")
        total["questions"] += kinds["question"]
        total["emergency_narratives"] += emer
        total["out_of_scope"] += kinds["out_of_scope"]
    print(f"total: {dict(total)}; distinct sources {len(set().union(*src.values()))}")
    for k, n in MIN.items():
        if total[k] < n:
            msg = f"minimum not met: {k} {total[k]} < {n}"
            (print("NOTE " + msg) if partial else errors.append(msg))
    for e in errors:
        print("ERROR", e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
