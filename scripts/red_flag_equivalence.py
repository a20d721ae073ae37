"""Old vs new English red-flag net: the same classify() and discusses_risk() on every text we hold.

    .venv/bin/python scripts/red_flag_equivalence.py [--old PATH] [--fuzz N] [--seed S] [--out results/red_flags_equivalence.md]

`--old` is the hand-written module the rules were moved from (clinic/red_flags.py before it was deleted; a
copy of it, wherever kept). The new one is clinic/redflags/english.py (rules in clinic/redflags/rules/en/).
Compared: every text of tests/heldout/*.yml, tests/realworld/*.yml, tests/multilingual/*.yml, every example
of data/*.yml, and N generated texts (seeded): halves of real texts spliced, cue words inserted ("if",
"years ago", "now", "not", "?", ...), words dropped, case changed, SMS shorthand. Writes the figures
(items per set, disagreements, time per message) to --out; exit status 1 on any disagreement.
"""
import argparse
import importlib.util
import random
import re
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

new = importlib.import_module("clinic.redflags.english")  # the rules as data

SKIP_KEYS = {"source", "label", "labels", "kind", "language", "name", "crisis", "intent", "id"}


def _texts(node):
    """Every message text in a YAML tree: `text` fields, NLU `examples`, plain strings in lists."""
    if isinstance(node, dict):
        if isinstance(node.get("text"), str):
            yield node["text"]
        if isinstance(node.get("examples"), str):
            for line in node["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}",
                                 lambda m: m.group(1) or m.group(2) or "", line[2:]).strip()
        for key, value in node.items():
            if key not in SKIP_KEYS and key not in ("text", "examples"):
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, str):
                yield item
            else:
                yield from _texts(item)


def sets():
    """(set name, texts) for every file compared."""
    for folder in ("tests/heldout", "tests/realworld", "tests/multilingual", "data"):
        for path in sorted((ROOT / folder).glob("*.yml")):
            texts = list(_texts(yaml.safe_load(path.read_text(encoding="utf-8")) or {}))
            if texts:
                yield f"{folder}/{path.name}", texts


CUES = ["if", "what if", "years ago", "now", "not", "?", "no", "can needling cause", "because i have asthma",
        "stopped after a day", "came back", "since the needling", "yesterday", "no fever or chills", "right now",
        "when i run", "but", ".", "i was 34", "is it safe", "risk of", "last night", "a 30-year-old woman",
        "during the session", "took my breath away", "i have copd for years", "still", "rarely, patients",
        "from the heat", "found the needles in", "fine now", "then", "in case", "has anyone ever"]
SMS = {"you": "u", "your": "ur", "be": "b", "want to": "wanna", "going to": "gonna", "because": "cuz",
       "right now": "rn", "anymore": "ne more", "cant": "cnt", "dont": "dnt", "never": "nvr", "today": "2day",
       "tonight": "2nite", "before": "b4", "people": "ppl", "hours": "hrs", "really": "rly", "and": "n",
       "with": "w", "to": "2", "can't": "cant", "don't": "dont", "I'm": "im"}


def fuzz(pool, n, seed):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        text = rng.choice(pool)
        for _ in range(rng.randint(1, 3)):
            op = rng.randrange(6)
            words = text.split()
            if op == 0:  # splice halves of two real texts
                other = rng.choice(pool).split()
                text = " ".join(words[:rng.randint(0, len(words))] + other[rng.randint(0, len(other)):])
            elif op == 1 and words:  # a cue word
                at = rng.randint(0, len(words))
                text = " ".join(words[:at] + [rng.choice(CUES)] + words[at:])
            elif op == 2 and len(words) > 1:  # drop words
                for _ in range(rng.randint(1, 3)):
                    if len(words) > 1:
                        words.pop(rng.randrange(len(words)))
                text = " ".join(words)
            elif op == 3:  # case
                text = rng.choice([text.upper(), text.lower(), text.title(), text.swapcase()])
            elif op == 4:  # SMS shorthand
                for long, short in SMS.items():
                    if rng.random() < 0.5:
                        text = re.sub(rf"\b{re.escape(long)}\b", short, text, flags=re.I)
            else:  # cut short, or doubled
                text = text[:rng.randint(0, len(text))] if rng.random() < 0.5 else text + " " + text
        out.append(text)
    return out


def timed(functions, texts, repeat=1):
    """Each function's answers, and its time per message (the least of `repeat` runs, the functions taking
    turns on each message so that a busy machine slows both alike)."""
    answers = [[] for _ in functions]
    times = [[] for _ in functions]
    for text in texts:
        best = [float("inf")] * len(functions)
        for run in range(repeat):
            for i, function in enumerate(functions):
                start = time.perf_counter()
                answer = function(text)
                best[i] = min(best[i], time.perf_counter() - start)
                if run == 0:
                    answers[i].append(answer)
        for i, took in enumerate(best):
            times[i].append(took)
    return answers, times


def _old_patterns(old):
    """The old module's pattern lists, in the order of the new families (each must be the same regex text)."""
    return [p for name in ("_CRISIS_PATTERNS", "_HAPPENING_PATTERNS", "_REPORT_PATTERNS", "_DISCUSSION_PATTERNS",
                           "_GENERIC_PATTERNS") for p in getattr(old, name)]


OLD_COMMIT = "601f50c"  # the hand-written module's last version (before issue 17)


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", help="the old module's file (default: clinic/red_flags.py from git, commit "
                        f"{OLD_COMMIT}, the last one that had it)")
    parser.add_argument("--fuzz", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--out", default=str(ROOT / "results" / "red_flags_equivalence.md"))
    args = parser.parse_args()
    if not args.old:
        import subprocess
        import tempfile
        source = subprocess.run(["git", "-C", str(ROOT), "show", f"{OLD_COMMIT}:clinic/red_flags.py"],
                                capture_output=True, text=True, check=True).stdout
        args.old = str(Path(tempfile.mkdtemp()) / "red_flags_old.py")
        Path(args.old).write_text(source, encoding="utf-8")
    if not Path(args.old).exists():
        sys.exit(f"{args.old}: the old module is needed to compare")
    spec = importlib.util.spec_from_file_location("red_flags_old", args.old)
    old = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old)

    all_sets = list(sets())
    pool = sorted({t for _, texts in all_sets for t in texts if t.strip()})
    all_sets.append((f"fuzz (seed {args.seed})", fuzz(pool, args.fuzz, args.seed)))
    rows, differences, realworld = [], [], {"old": [], "new": []}
    all_times = {"old": [], "new": []}
    for name, texts in all_sets:
        repeat = 1 if name.startswith("fuzz") else 7
        (old_kinds, new_kinds), (old_times, new_times) = timed((old.classify, new.classify), texts, repeat)
        old_risk = [old.discusses_risk(t) for t in texts]
        new_risk = [new.discusses_risk(t) for t in texts]
        bad = [(t, a, b, c, d) for t, a, b, c, d in zip(texts, old_kinds, new_kinds, old_risk, new_risk)
               if a != b or c != d or old.normalise(t) != new.normalise(t)]
        differences += [(name, *item) for item in bad]
        alarms = sum(k is not None for k in new_kinds)
        rows.append((name, len(texts), alarms, sum(new_risk), len(bad)))
        all_times["old"] += old_times
        all_times["new"] += new_times
        if name.startswith("tests/realworld"):
            realworld["old"] += old_times
            realworld["new"] += new_times
    total = sum(r[1] for r in rows)
    lines = ["# English red flags: old module vs rules as data", "",
             "`scripts/red_flag_equivalence.py` compares `classify()`, `discusses_risk()` (and `normalise()`) of the hand-written module "
             "(clinic/red_flags.py, now deleted) with clinic/redflags/english.py (rules in clinic/redflags/rules/en/) on "
             f"every text below. Fuzz: {args.fuzz:,} texts generated with seed {args.seed} from the real texts (halves "
             "spliced, cue words inserted, words dropped, case changed, SMS shorthand, cut short or doubled). "
             f"Old: `{args.old}`; new: `{Path(new.__file__).relative_to(ROOT)}`. `(patterns)`: rules whose regex text "
             "differs from the old pattern at the same place.", "",
             "| set | items | alarms (new) | discusses risk (new) | disagreements |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {n:,} | {alarms:,} | {risk:,} | {bad} |" for name, n, alarms, risk, bad in rows]
    lines.append(f"| (patterns) | {sum(len(new.RULES[f]) for f in new.FAMILIES)} rules | | | "
                 f"{sum(a != b for a, b in zip(_old_patterns(old), [r.pattern for f in new.FAMILIES for r in new.RULES[f]]))} |")
    lines += [f"| **all** | **{total:,}** | | | **{len(differences)}** |", ""]
    for label, times in (("real-world texts (tests/realworld)", realworld), ("every text above", all_times)):
        lines.append(f"Time per message, classify() (least of 7 runs, old and new taking turns; fuzz: 1 run), {label}: " + "; ".join(
            f"{which} median {statistics.median(t) * 1e6:.0f} µs, p95 {percentile(t, 0.95) * 1e6:.0f} µs"
            for which, t in times.items()))
        lines.append("")
    lines += ["The old module compared here was a copy of clinic/red_flags.py taken just before it was deleted; every "
              "rule's regex text is the old pattern verbatim once its `{term}`s are put in, so the family regexes "
              "(regex_tools.combine, grouped by first letter) are the same, and the guards of the old `_happening()` "
              "became the modifiers of rules/en/modifiers.yml (same regexes, windows and clause cuts).", ""]
    if differences:
        lines += ["## Disagreements", ""] + [f"- {name}: old {a}/{c}, new {b}/{d}: {text[:200]!r}"
                                             for name, text, a, b, c, d in differences[:200]]
    else:
        lines.append("No disagreement.")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
