"""The gate: the floors of `make test` on a candidate, and the candidate beside the live model.

Floors (a candidate that misses one cannot be published):
- held-out set: accuracy >= 0.97 (tests/heldout/score.py's 0.95 and scripts/eval_compare.py's FLOORS),
  every emergency caught, no out-of-scope message answered from the FAQ, better than tf-idf + LR and
  MiniLM + LR trained on the candidate's own data;
- red flags: every emergency and crisis item of tests/heldout/red_flags*.yml and tests/multilingual/*.yml
  gets an emergency: the intent, or the deterministic net (clinic.redflags), as in the running assistant;
- real-world development part: accuracy not more than 1 point below the live model's, and no more
  out-of-scope messages answered from the FAQ than the live model answers;
- every answer (domain + answers draft) fits two SMS segments with its buttons.
The report also lists the messages whose answer changes (held-out, dev, the labelled wordings).
"""
import asyncio
import glob
import logging
import multiprocessing
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HELDOUT_ACCURACY = 0.97  # max(score.py's 0.95, eval_compare FLOORS["heldout"]["accuracy"])
DEV_TOLERANCE = 0.01  # one point
MAX_CHANGES = 300
SET_NAMES = {"heldout": "held-out set", "dev": "real-world questions", "labelled": "staff-labelled wordings"}
Parser = Callable[[List[str]], List[Dict[str, Any]]]


def red_flag_items(root: Path = ROOT) -> List[Dict[str, str]]:
    files = sorted(glob.glob(str(root / "tests/heldout/red_flags*.yml"))) + sorted(
        glob.glob(str(root / "tests/multilingual/*.yml")))
    out = []
    for path in files:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for kind in ("medical_emergency", "crisis"):
            for item in data.get(kind) or []:
                text = item.get("text") if isinstance(item, dict) else item
                if text:
                    out.append({"text": str(text), "kind": kind, "file": Path(path).name})
    return out


def mask(text: str) -> str:
    return re.sub(r"\d[\d\s().-]{5,}\d", "[number]", text or "")


# -- scoring (pure: predictions in, figures and failures out) ----------------------------------------
def score(items: List[dict], predictions: List[str]) -> Dict[str, Any]:
    from scripts.eval_compare import score as eval_score  # the evaluation's own scoring
    report = eval_score(items, predictions)
    report.pop("per_topic", None)
    report["misses"] = len(report.get("misses") or [])
    return report


def heldout_failures(candidate: Dict[str, Any], baselines: Optional[Dict[str, float]] = None) -> List[str]:
    failures = []
    if candidate["accuracy"] < HELDOUT_ACCURACY:
        failures.append(f"Held-out set: accuracy {candidate['accuracy']:.3f} is below the floor {HELDOUT_ACCURACY}.")
    if candidate["emergency_recall"] is not None and candidate["emergency_recall"] < 1.0:
        failures.append(f"Held-out set: emergency recall {candidate['emergency_recall']:.3f}: every emergency "
                        f"must be caught.")
    if candidate["out_of_scope_answered_from_faq"] > 0:
        failures.append(f"Held-out set: {candidate['out_of_scope_answered_from_faq']} out-of-scope message(s) "
                        f"answered from the FAQ (allowed: 0).")
    for name, accuracy in (baselines or {}).items():
        if accuracy >= candidate["accuracy"]:
            failures.append(f"Held-out set: accuracy {candidate['accuracy']:.3f} does not beat the simple "
                            f"{name} baseline ({accuracy:.3f}).")
    return failures


def dev_failures(candidate: Dict[str, Any], live: Dict[str, Any]) -> List[str]:
    failures = []
    if candidate["accuracy"] < live["accuracy"] - DEV_TOLERANCE - 1e-9:
        failures.append(f"Real-world development set: accuracy {candidate['accuracy']:.3f} is more than one point "
                        f"below the live model's {live['accuracy']:.3f}.")
    if candidate["out_of_scope_answered_from_faq"] > live["out_of_scope_answered_from_faq"]:
        failures.append(f"Real-world development set: {candidate['out_of_scope_answered_from_faq']} out-of-scope "
                        f"message(s) answered from the FAQ; the live model answers "
                        f"{live['out_of_scope_answered_from_faq']}.")
    return failures


def red_flag_misses(items: List[dict], net: Callable[[str], Optional[str]], parse_labels: Callable) -> List[dict]:
    """Emergency items that get no emergency: the net first (deterministic), the model for the rest."""
    unflagged = [item for item in items if net(item["text"]) is None]
    labels = parse_labels([item["text"] for item in unflagged]) if unflagged else []
    return [{**item, "predicted": label} for item, label in zip(unflagged, labels) if label != "emergency"]


def changes(set_name: str, items: List[dict], live: List[str], candidate: List[str]) -> List[dict]:
    out = []
    for item, before, after in zip(items, live, candidate):
        if before != after:
            expected = item.get("label")
            out.append({"set": set_name, "text": mask(item["text"])[:300], "expected": expected, "live": before,
                        "candidate": after,
                        "better": None if not expected else (after == expected) - (before == expected)})
    return out


# -- running the models ---------------------------------------------------------------------------------
def load_parser(model: str) -> Parser:
    """The model loaded in-process, as tests/heldout/score.py does."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(model)
    loop = asyncio.new_event_loop()

    def parse(texts: List[str]) -> List[Dict[str, Any]]:
        async def run():
            return [await agent.parse_message(text) for text in texts]
        return loop.run_until_complete(run())
    return parse


BASELINES = ("tf-idf + LR", "MiniLM + LR")


def baseline_accuracy(name: str, data_dir: str) -> float:
    """One simple baseline trained on the candidate's own examples, scored on the held-out set
    (scripts/eval_compare.py's; 1-2 minutes each, so each runs in its own process beside the models)."""
    sys.path.insert(0, str(ROOT))
    from scripts.eval_compare import fit_minilm, fit_tfidf, load_set, nlu_examples

    texts, labels = [], []
    for path in sorted(Path(data_dir).glob("*.yml")):
        for text, label in nlu_examples(path):
            texts.append(text)
            labels.append(label)
    items = load_set("heldout")
    fit = fit_tfidf if name == BASELINES[0] else fit_minilm
    return score(items, fit(texts, labels)([item["text"] for item in items]))["accuracy"]


def evaluate(candidate: Parser, live: Optional[Parser], sets: Dict[str, List[dict]], flags: List[dict],
             net: Callable[[str], Optional[str]], too_long: List[dict], baselines: Any = None,
             progress: Callable[[str], None] = lambda _: None) -> Dict[str, Any]:
    """sets: heldout, dev, labelled -> [{text, label}]. live None: no live model to compare with.
    baselines: {name: accuracy}, or a function giving them (still running while the models parse)."""
    from clinic.parse_result import label

    def labels_of(parser: Parser, texts: List[str]) -> List[str]:
        return [label(p) for p in parser(texts)]

    predicted: Dict[str, Dict[str, List[str]]] = {"candidate": {}, "live": {}}
    for who, parser in (("candidate", candidate), ("live", live)):
        if parser is None:
            continue
        for name, items in sets.items():
            progress(f"checking: the {who} model on the {SET_NAMES.get(name, name)} ({len(items)} messages)")
            predicted[who][name] = labels_of(parser, [i["text"] for i in items])
    if live is None:
        predicted["live"] = predicted["candidate"]

    figures = {name: {who: score(items, predicted[who][name]) for who in ("candidate", "live")}
               for name, items in sets.items() if name != "labelled"}
    labelled = sets.get("labelled") or []
    figures["labelled"] = {who: {"n": len(labelled), "as_labelled": sum(
        p == i["label"] for p, i in zip(predicted[who].get("labelled", []), labelled))} for who in ("candidate", "live")}
    progress("checking: red flags in every language")
    misses = red_flag_misses(flags, net, lambda texts: labels_of(candidate, texts))
    figures["red_flags"] = {"items": len(flags), "missed": len(misses)}
    figures["sms"] = {"too_long": len(too_long)}
    if callable(baselines):
        progress("checking: waiting for the two simple baselines")
        baselines = baselines()
    if baselines:
        figures["baselines"] = baselines

    failures = heldout_failures(figures["heldout"]["candidate"], baselines)
    failures += dev_failures(figures["dev"]["candidate"], figures["dev"]["live"])
    failures += [f'Red flag missed ({m["file"]}): "{mask(m["text"])[:120]}" got "{m["predicted"]}", not an '
                 f'emergency.' for m in misses]
    failures += [f"SMS too long: {t['answer']} needs {t['segments']} segments with its buttons "
                 f"({t['characters']} characters; at most 2)." for t in too_long]
    changed = []
    for name, items in sets.items():
        changed += changes(name, items, predicted["live"][name], predicted["candidate"][name])
    return {"passed": not failures, "failures": failures, "figures": figures,
            "changes": changed[:MAX_CHANGES], "changes_total": len(changed)}


def run(candidate_model: str, live_model: Optional[str], labelled: List[dict], data_dir: Path, too_long: List[dict],
        progress: Callable[[str], None] = lambda _: None, with_baselines: bool = True) -> Dict[str, Any]:
    """The whole gate on real models (worker.py)."""
    from clinic import redflags
    from scripts.eval_compare import load_set

    started = time.monotonic()
    sets = {"heldout": load_set("heldout"), "dev": load_set("realworld-dev"),
            "labelled": [{"text": e["text"], "label": e["label"]} for e in labelled]}
    pool = futures = None
    if with_baselines:  # started first, in fresh processes (spawn: no TensorFlow state copied)
        pool = ProcessPoolExecutor(max_workers=len(BASELINES), mp_context=multiprocessing.get_context("spawn"))
        futures = {name: pool.submit(baseline_accuracy, name, str(data_dir)) for name in BASELINES}
    try:
        progress("checking: loading the candidate model")
        candidate = load_parser(candidate_model)
        live = None
        if live_model and Path(live_model).resolve() != Path(candidate_model).resolve():
            progress("checking: loading the live model")
            live = load_parser(live_model)
        baselines = (lambda: {name: f.result() for name, f in futures.items()}) if futures else None
        report = evaluate(candidate, live, sets, red_flag_items(), redflags.classify, too_long, baselines, progress)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    report["seconds"] = {"gate": round(time.monotonic() - started, 1)}
    return report
