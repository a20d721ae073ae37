#!/usr/bin/env python3
"""Fast NLU experiments on the DEVELOPMENT sets only (held-out, real-world dev, dev2, dev3 and dev4), without Rasa.

Re-creates the decision the trained pipeline makes (sentence classifier -> fallback threshold ->
FAQ answer gate -> red-flag net) in-process, so a change of data or threshold is scored in
seconds instead of a full `make train` + `make eval`. The real-world TEST part is refused here:
it is scored only by `make eval` / `make nlu-floors`.

  python scripts/nlu_lab.py [--misses]      # current config.yml settings, dev figures (+ each miss)
  python scripts/nlu_lab.py --sweep         # threshold grid on dev (wrong vs fallback trade-off)
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_compare import load_set, outcome, score, training_examples  # noqa: E402


def pipeline_settings():
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    by_name = {c["name"].rsplit(".", 1)[-1]: c for c in config["pipeline"]}
    return by_name


def build(texts, labels, settings):
    from components.faq_answer_gate import SecondOpinion
    from components.sentence_classifier import LabelModel

    sc = settings["SentenceClassifier"]
    model = LabelModel.fit(texts, labels, sc.get("random_seed", 2024), sc.get("minilm_scale", 2.0), sc.get("C", 10))
    intents = [l.split("/")[0] for l in labels]
    opinion = SecondOpinion.fit(texts, intents, "faq", 2024)
    return model, opinion


GATE = pipeline_settings()["FaqAnswerGate"]
EMERGENCY_MODEL_THRESHOLD = pipeline_settings()["EmergencyNet"].get("model_threshold", 0.0)


def decide(model, opinion, items, fallback_t, faq_t, faq_amb, second_t, emergency_p=None, oos_t=0.0):
    from clinic import redflags as red_flags
    from clinic.other_treatments import about_another_treatment
    from clinic.vague_message import names_nothing

    texts = [it["text"] for it in items]
    probs = model.probabilities(texts)
    classes = model.classes
    out = []
    for text, p in zip(texts, probs):
        order = np.argsort(-p)
        label, conf = classes[order[0]], float(p[order[0]])
        faq_probs = [(classes[i], float(p[i])) for i in order if classes[i].startswith("faq/")]
        predicted = label
        if conf < fallback_t:
            predicted = "nlu_fallback"
        elif label.startswith("faq/"):
            top = faq_probs[0][1]
            runner = faq_probs[1][1] if len(faq_probs) > 1 else 0.0
            if top < faq_t or top - runner < faq_amb or (second_t > 0 and opinion.faq_probability(text) < second_t) \
                    or (oos_t > 0 and opinion.out_of_scope_probability(text) >= oos_t):
                predicted = "nlu_fallback"
        long_chars = GATE.get("long_message_chars", 0)
        if long_chars and len(text) > long_chars and label not in ("emergency", "out_of_scope") \
                and conf < GATE.get("long_message_threshold", 0.6):
            predicted = "nlu_fallback"  # components/faq_answer_gate.py: a long message needs a surer answer
        if label.startswith("faq/") and names_nothing(text):
            predicted = "nlu_fallback"  # components/faq_answer_gate.py: a message that names nothing
        if label.startswith("faq/") and about_another_treatment(text):
            predicted = "out_of_scope"  # components/faq_answer_gate.py: another treatment's question
        bar = (GATE.get("answer_thresholds") or {}).get(label)
        if bar is not None and conf < bar:
            predicted = "nlu_fallback"  # components/faq_answer_gate.py: this answer asks for more
        if label == "emergency" and (conf < EMERGENCY_MODEL_THRESHOLD or red_flags.discusses_risk(text)):
            predicted = "nlu_fallback"  # components/emergency_net.py: the model alone must be sure
        if emergency_p is not None and "emergency" in classes and p[classes.index("emergency")] >= emergency_p:
            predicted = "emergency"
        if red_flags.classify(text):
            predicted = "emergency"
        out.append(predicted)
    return out, probs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="heldout,realworld-dev,realworld-dev2,realworld-dev3,realworld-dev4")
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--emergency-p", type=float, default=None)
    args = parser.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    if any("test" in s for s in sets):
        sys.exit("the real-world test part is scored only by make eval; tune on dev")
    settings = pipeline_settings()
    texts, labels = training_examples()
    model, opinion = build(texts, labels, settings)
    fb = settings["FallbackClassifier"]["threshold"]
    gate = settings["FaqAnswerGate"]
    grid = [(fb, gate["threshold"], gate.get("ambiguity_threshold", 0.0), gate.get("second_opinion_threshold", 0.0))]
    oos_t = gate.get("out_of_scope_threshold", 0.5)
    if args.sweep:
        grid = [(f, q, a, s) for f in (0.2, 0.3, 0.4, 0.5) for q in (0.3, 0.4, 0.5, 0.6)
                for a in (0.0, 0.1, 0.2) for s in (0.0,) if q >= f]
    for name in sets:
        items = load_set(name)
        for f, q, a, s in grid:
            predicted, _ = decide(model, opinion, items, f, q, a, s, args.emergency_p, oos_t)
            r = score(items, predicted)
            print(f"{name:14s} fb={f:.2f} faq={q:.2f} amb={a:.2f} 2nd={s:.2f}  acc {r['accuracy']:.3f}  "
                  f"wrong {r['wrong']:3d} ({r['wrong_rate']:.1%})  fallback {r['fallback']:3d}  "
                  f"emerg {r['emergency_recall']}  oos->faq {r['out_of_scope_answered_from_faq']}")
            if args.misses and not args.sweep:
                for m in r["misses"]:
                    print(f"    {m['outcome']:8s} {m['label']:28s} -> {m['predicted']:28s} | {m['text'][:150]}")


if __name__ == "__main__":
    main()
