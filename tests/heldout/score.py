"""Score the trained model on the held-out set (never used in training) and enforce floors.

A message counts as right when the intent is right and, for FAQ questions, the chosen answer
is right too. Out-of-scope messages must never be answered from the FAQ; emergencies must all
be caught. Usage: python -m tests.heldout.score [--floor-accuracy 0.95] [--model models/x.tar.gz]
"""
import argparse
import asyncio
import json
import logging
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
NO_ANSWER = {"nlu_fallback", "out_of_scope", "other_language"}  # other_language: "we answer in English, call us"


def load_examples(path: Path):
    for block in yaml.safe_load(path.read_text())["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield line[2:].strip(), block["intent"]


def predicted_label(parse: dict) -> str:
    intent = parse["intent"]["name"]
    if intent == "faq":
        key = parse["response_selector"]["faq"]["response"]["intent_response_key"]
        return key or "faq"
    return intent


def is_correct(expected: str, predicted: str) -> bool:
    if expected == "out_of_scope":
        return predicted in NO_ANSWER
    return expected == predicted


async def parse_all(model: str, texts):
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines

    agent = Agent.load(model)
    return [await agent.parse_message(text) for text in texts]


def newest_model() -> str:
    models = sorted(Path("models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        sys.exit("no trained model in models/: run make train")
    return str(models[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(HERE / "nlu_heldout.yml"))
    parser.add_argument("--model", default=None)
    parser.add_argument("--floor-accuracy", type=float, default=0.95)
    parser.add_argument("--report", default="results/heldout.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    examples = list(load_examples(Path(args.data)))
    parses = asyncio.run(parse_all(args.model or newest_model(), [t for t, _ in examples]))

    per_label = defaultdict(Counter)
    errors = []
    for (text, expected), parse in zip(examples, parses):
        predicted = predicted_label(parse)
        ok = is_correct(expected, predicted)
        per_label[expected]["right" if ok else "wrong"] += 1
        if not ok:
            errors.append({"text": text, "expected": expected, "predicted": predicted})

    total = len(examples)
    right = sum(c["right"] for c in per_label.values())
    accuracy = right / total
    emergency = per_label["emergency"]
    emergency_recall = emergency["right"] / max(1, sum(emergency.values()))
    oos_answered = [e for e in errors if e["expected"] == "out_of_scope" and e["predicted"].startswith("faq")]

    print(f"held-out messages: {total}")
    for label in sorted(per_label):
        c = per_label[label]
        print(f"  {label:32s} {c['right']:3d}/{c['right'] + c['wrong']:3d}")
    for e in errors:
        print(f"  MISS  {e['expected']:28s} -> {e['predicted']:28s} | {e['text']}")
    print(f"accuracy (intent + FAQ answer): {accuracy:.3f}   floor {args.floor_accuracy}")
    print(f"emergency recall: {emergency_recall:.3f}   floor 1.0")
    print(f"out-of-scope answered from the FAQ: {len(oos_answered)}   allowed 0")

    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(
        {"total": total, "accuracy": accuracy, "emergency_recall": emergency_recall,
         "out_of_scope_answered": len(oos_answered), "errors": errors}, indent=2))

    failed = accuracy < args.floor_accuracy or emergency_recall < 1.0 or oos_answered
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
