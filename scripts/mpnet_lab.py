#!/usr/bin/env python3
"""Issue 19: does all-mpnet-base-v2 (components/mpnet.py) pay, end to end? Measurements only.

Nothing here changes the assistant: the variants are trained from config files written into
the lab folder (default /work/scratch/mpnet, $MPNET_LAB), with `LabClassifier` below in place
of SentenceClassifier, and scored by the project's own scorer (scripts/eval_compare.py) on the
held-out set and the real-world DEVELOPMENT parts only (never the test part).

  reference  (scratch venv with torch + sentence-transformers, not the project's venv)
             the fixture tests/unit/test_mpnet.py compares against, and the bucket check
  cache      embeddings of the training and development texts, so each variant's training and
             scoring does not re-encode 6,000 texts (timed: that is the training-time cost)
  train V    V in: minilm (config.yml as is), mpnet, both, mpnet-bf16, cascade, cascade-both
  eval V     eval_compare.py on V's model; cascade: $MPNET_LAB_TAU (the MiniLM confidence under
             which the mpnet model decides), default 0.5
  latency    per-message embedding time (one message at a time, not cached), start-up, memory
  routed     the share of messages the cascade sends to mpnet for several bars, and its time
  sweep V    right / wrong on the development sets as the "did you mean" bar rises
  table      the figures as one markdown table (lab/summary.md)
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LAB = Path(os.environ.get("MPNET_LAB", "/work/scratch/mpnet"))
FIXTURE = ROOT / "tests" / "unit" / "fixtures"
SETS = "heldout,realworld-dev,realworld-dev2,realworld-dev3"  # never realworld-test
VARIANTS = {  # LabClassifier settings; None: config.yml unchanged
    "minilm": None,
    "mpnet": {"features": "mpnet"},
    "both": {"features": "both"},
    "mpnet-bf16": {"features": "mpnet", "precision": "bfloat16"},
    "cascade": {"features": "mpnet", "cascade": True},
    "cascade-both": {"features": "both", "cascade": True},
}
POLITE = {"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
          "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
          "PYTHONHASHSEED": "0", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


# ------------------------------------------------------------------ the lab classifier
try:
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    from components import linear_store, minilm
    from components.sentence_classifier import LabelModel, SentenceClassifier, apply_label, training_pairs
    from components.two_questions import HALVES, split_questions
except ImportError:  # the reference venv has no Rasa; only `reference` runs there
    DefaultV1Recipe = None


def _encoder(name: str, precision: str = "float32"):
    """The shared encoder, primed from the lab's embedding cache when there is one."""
    from components import mpnet
    encoder = minilm.shared() if name == "minilm" else mpnet.shared(precision=precision)
    cache = LAB / "cache" / f"{name}-{precision if name == 'mpnet' else 'float32'}.npz"
    if not getattr(encoder, "_lab_primed", False) and cache.exists() and os.environ.get("MPNET_LAB_CACHE") != "off":
        data = np.load(cache, allow_pickle=False)
        encoder._cache.update(zip(data["texts"].tolist(), data["vectors"]))
        encoder._lab_primed = True
    return encoder


if DefaultV1Recipe is not None:
    from pathlib import Path as _Path
    from typing import Any, Dict, List, Text

    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.linear_model import LogisticRegression

    class LabLabelModel(LabelModel):
        """LabelModel with a choice of sentence features: minilm, mpnet or both (each * scale)."""

        def __init__(self, vectorizers, model, scale, kind="minilm", precision="float32"):
            super().__init__(vectorizers, model, scale)
            self.kind, self.precision = kind, precision

        def features(self, texts):
            from scipy.sparse import csr_matrix, hstack
            names = ["minilm", "mpnet"] if self.kind == "both" else [self.kind]
            dense = [csr_matrix(_encoder(n, self.precision).encode(texts) * self.scale) for n in names]
            return hstack(dense + [v.transform(texts) for v in self.vectorizers.values()]).tocsr()

        @classmethod
        def fit_lab(cls, texts, labels, seed, scale, c, kind, precision):
            vectorizers = linear_store.new_vectorizers()
            for vectorizer in vectorizers.values():
                vectorizer.fit(texts)
            model = LogisticRegression(C=c, max_iter=3000, random_state=seed)
            model.classes_ = np.array(sorted(set(labels)))
            fitted = cls(vectorizers, model, scale, kind, precision)
            model.fit(fitted.features(texts), labels)
            fitted.classes = [str(x) for x in model.classes_]
            return fitted

        def save(self, directory):
            directory.mkdir(parents=True, exist_ok=True)
            linear_store.save(directory, self.vectorizers, self.model,
                              {"scale": self.scale, "kind": self.kind, "precision": self.precision})

        @classmethod
        def load(cls, directory):
            vectorizers, model, meta = linear_store.load(directory)
            return cls(vectorizers, model, float(meta["scale"]), meta["kind"], meta["precision"])

    @DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
    class LabClassifier(SentenceClassifier):
        """SentenceClassifier with mpnet features; `cascade`: MiniLM first, the mpnet model only
        when MiniLM's best label is under $MPNET_LAB_TAU (lab only: one model, several bars)."""

        @staticmethod
        def get_default_config() -> Dict[Text, Any]:
            return {**SentenceClassifier.get_default_config(), "features": "mpnet", "precision": "float32",
                    "cascade": False}

        @classmethod
        def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, **kwargs: Any) -> "LabClassifier":
            models = []
            try:
                with model_storage.read_from(resource) as directory:
                    models = [LabLabelModel.load(d) for d in sorted(_Path(directory).iterdir()) if d.is_dir()]
            except (ValueError, FileNotFoundError):
                pass
            component = cls(config, model_storage, resource, models[-1] if models else None)
            component.models = models
            for m in models:
                _encoder(m.kind if m.kind != "both" else "mpnet", m.precision)
                _encoder("minilm")
            return component

        def train(self, training_data: TrainingData) -> Resource:
            texts, labels = training_pairs(training_data)
            cfg = self.config
            kinds = ["minilm", cfg["features"]] if cfg["cascade"] else [cfg["features"]]
            self.models = [LabLabelModel.fit_lab(texts, labels, cfg["random_seed"], cfg["minilm_scale"], cfg["C"],
                                                 kind, cfg["precision"]) for kind in kinds]
            with self.model_storage.write_to(self.resource) as directory:
                for i, m in enumerate(self.models):
                    m.save(_Path(directory) / f"{i}_{m.kind}")
            return self.resource

        def probabilities(self, texts):
            probs = self.models[0].probabilities(texts)
            if len(self.models) > 1:
                unsure = np.where(probs.max(1) < float(os.environ.get("MPNET_LAB_TAU", "0.5")))[0]
                if len(unsure):
                    probs[unsure] = self.models[1].probabilities([texts[i] for i in unsure])
                    LabClassifier.routed += len(unsure)
                LabClassifier.seen += len(texts)
            return probs

        routed = seen = 0

        def process(self, messages: List[Message]) -> List[Message]:
            if not getattr(self, "models", None):
                return messages
            todo = [m for m in messages if m.get("text")]
            if not todo:
                return messages
            classes = self.models[0].classes
            for message, probs in zip(todo, self.probabilities([m.get("text") for m in todo])):
                apply_label(message, classes, probs)
            for message in todo:
                halves = split_questions(message.get("text"))
                if halves:
                    p = self.probabilities(list(halves))
                    message.set(HALVES, list(zip(halves, [(classes[int(np.argmax(r))], float(np.max(r))) for r in p])))
            return messages


# ------------------------------------------------------------------ reference fixture
def reference() -> None:
    """Run with the scratch venv (torch, sentence-transformers): writes the fixture."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.models.mpnet.modeling_mpnet import MPNetEncoder

    import importlib.util  # components/mpnet.py alone: the package's __init__ needs Rasa
    spec = importlib.util.spec_from_file_location("mpnet_alone", ROOT / "components" / "mpnet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    relative_buckets = module.relative_buckets
    for length in (1, 2, 9, 17, 64, 130, 200, 384):
        positions = torch.arange(length)
        theirs = MPNetEncoder.relative_position_bucket(positions[None, :] - positions[:, None]).numpy()
        assert (theirs == relative_buckets(length)).all(), f"bucket mismatch at length {length}"
    sentences = json.loads((FIXTURE / "mpnet_sentences.json").read_text(encoding="utf-8"))
    model = SentenceTransformer(str(ROOT / "build" / "mpnet"), device="cpu")
    vectors = model.encode(sentences, batch_size=8, convert_to_numpy=True, normalize_embeddings=False)
    np.save(FIXTURE / "mpnet_reference.npy", vectors.astype(np.float32))
    print(f"{len(sentences)} reference embeddings, max_seq_length {model.max_seq_length}, buckets agree")


# ------------------------------------------------------------------ measurements
def _texts():
    sys.path.insert(0, str(ROOT))
    sys.argv = sys.argv[:1]
    from scripts import eval_compare
    train, _ = eval_compare.training_examples()
    sets = {s: [it["text"] for it in eval_compare.load_set(s)] for s in SETS.split(",")}
    return train, sets


def cache(precision: str) -> None:
    from components import mpnet
    train, sets = _texts()
    texts = list(dict.fromkeys(train + [t for v in sets.values() for t in v]))
    (LAB / "cache").mkdir(parents=True, exist_ok=True)
    report = {}
    for name in ("minilm", "mpnet"):
        if name == "minilm" and precision != "float32":
            continue
        start = time.perf_counter()
        encoder = minilm.MiniLM() if name == "minilm" else mpnet.MPNet(precision=precision)
        loaded = time.perf_counter()
        vectors = encoder.encode(texts)
        seconds = time.perf_counter() - loaded
        tag = f"{name}-{precision}"
        np.savez(LAB / "cache" / f"{tag}.npz", texts=np.array(texts), vectors=vectors)
        report[tag] = {"texts": len(texts), "load_s": loaded - start, "encode_s": seconds,
                       "training_texts_s": seconds * len(set(train)) / len(texts)}
        print(tag, report[tag], flush=True)
    _merge("cache", report)


def _merge(key, value) -> None:
    path = LAB / "figures.json"
    figures = json.loads(path.read_text()) if path.exists() else {}
    figures.setdefault(key, {}).update(value)
    path.write_text(json.dumps(figures, indent=1))


def _config(variant: str) -> Path:
    import yaml
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    settings = VARIANTS[variant]
    if settings is not None:
        for step in config["pipeline"]:
            if step["name"] == "components.sentence_classifier.SentenceClassifier":
                step["name"] = "scripts.mpnet_lab.LabClassifier"
                step.update(settings)
    path = LAB / "configs" / f"{variant}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _run(cmd, **env) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, env={**os.environ, **POLITE, **env})
    return time.perf_counter() - start


def train(variant: str) -> None:
    out = LAB / "models"
    seconds = _run([str(ROOT / ".venv" / "bin" / "rasa"), "train", "--config", str(_config(variant)),
                    "--out", str(out), "--fixed-model-name", variant, "--quiet"])
    _merge("train_s", {variant: seconds})


def evaluate(variant: str) -> None:
    tau = os.environ.get("MPNET_LAB_TAU", "0.5")
    tag = variant + (f"@{tau}" if variant.startswith("cascade") else "")
    out = LAB / "eval" / tag
    _run([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "scripts" / "eval_compare.py"),
          "--model", str(LAB / "models" / f"{variant}.tar.gz"), "--sets", SETS, "--out", str(out),
          "--show-misses", ""], MPNET_LAB_TAU=tau)
    results = json.loads((out / "results.json").read_text())
    row = {s: {k: r["assistant"][k] for k in ("n", "accuracy", "wrong", "fallback", "right_within_one_tap")}
           for s, r in results["results"].items()}
    row["load_s"] = results["meta"]["load_seconds"]
    _merge("eval", {tag: row})


def latency(limit: int = 300) -> None:
    import resource
    from components import mpnet
    _, sets = _texts()
    texts = list(dict.fromkeys(t for v in sets.values() for t in v))
    texts = texts[::max(1, len(texts) // limit)][:limit]  # every set in its share, not the first one only
    report, per_text = {}, {}
    for name, make in (("minilm", lambda: minilm.MiniLM()), ("mpnet-float32", lambda: mpnet.MPNet()),
                       ("mpnet-bfloat16", lambda: mpnet.MPNet(precision="bfloat16"))):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        encoder = make()
        encoder._encode(["warm up"])
        startup = time.perf_counter() - start
        times = []
        for text in texts:
            t0 = time.perf_counter()
            encoder._encode([text])
            times.append(1000 * (time.perf_counter() - t0))
        per_text[name] = np.array(times)
        times = sorted(times)
        report[name] = {"startup_s": startup, "median_ms": times[len(times) // 2],
                        "p95_ms": times[int(0.95 * (len(times) - 1))], "mean_ms": sum(times) / len(times),
                        "max_rss_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024}
        print(name, report[name], flush=True)
        del encoder
    np.savez(LAB / "latency.npz", texts=np.array(texts), **per_text)
    _merge("latency", report)


def routed(variant: str = "cascade") -> None:
    """How often the cascade asks mpnet (MiniLM's best under tau), and what that costs a message:
    MiniLM's time, plus mpnet's for the messages routed (from `latency`'s per-message times)."""
    import tarfile
    import tempfile
    timing = np.load(LAB / "latency.npz")
    texts = timing["texts"].tolist()
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(LAB / "models" / f"{variant}.tar.gz") as archive:
            archive.extractall(tmp)
        first = next(Path(tmp).rglob("0_minilm"))
        best = LabLabelModel.load(first).probabilities(texts).max(1)
    report = {}
    for tau in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        for precision in ("float32", "bfloat16"):
            cost = np.sort(timing["minilm"] + np.where(best < tau, timing[f"mpnet-{precision}"], 0.0))
            report[f"tau {tau} {precision}"] = {
                "routed": float((best < tau).mean()), "median_ms": float(cost[len(cost) // 2]),
                "p95_ms": float(cost[int(0.95 * (len(cost) - 1))]), "mean_ms": float(cost.mean())}
            print(f"tau {tau} {precision}", report[f"tau {tau} {precision}"])
    _merge("cascade_cost", report)


def sweep(variant: str) -> None:
    """Right and wrong answers on the development sets when any answer under a bar becomes "did you
    mean" (the FallbackClassifier's bar raised uniformly): compares variants at equal wrong answers,
    since the shipped bars were chosen for MiniLM's confidences."""
    from scripts import eval_compare
    from clinic.parse_result import label_and_confidence
    assistant = eval_compare.Assistant(str(LAB / "models" / f"{variant}.tar.gz"))
    items = [it for s in SETS.split(",") for it in eval_compare.load_set(s)]
    parses = assistant.parse([it["text"] for it in items])
    labels, confidence = zip(*[label_and_confidence(p) for p in parses])
    keep = eval_compare.NO_ANSWER | {"emergency"}  # the red-flag net is not a bar's business
    report = {}
    for bar in (0.3, 0.4, 0.5, 0.6, 0.7):
        outcomes = [eval_compare.outcome(it, "nlu_fallback" if lab not in keep and (c or 0) < bar else lab)
                    for it, lab, c in zip(items, labels, confidence)]
        report[str(bar)] = {"right": outcomes.count("right"), "wrong": outcomes.count("wrong"), "n": len(items)}
        print(variant, bar, report[str(bar)], flush=True)
    _merge("sweep", {variant: report})


def table() -> None:
    figures = json.loads((LAB / "figures.json").read_text())
    sets = SETS.split(",")
    lines = ["| variant | " + " | ".join(sets) + " | wrong (sum) | load s |",
             "|---|" + "---|" * (len(sets) + 2)]
    for tag, row in figures.get("eval", {}).items():
        cells = [f"{row[s]['accuracy']:.3f}" for s in sets]
        lines.append(f"| {tag} | " + " | ".join(cells) + f" | {sum(row[s]['wrong'] for s in sets)} | "
                     f"{row['load_s']:.1f} |")
    text = "\n".join(lines) + "\n\n```\n" + json.dumps({k: v for k, v in figures.items() if k != "eval"},
                                                       indent=1) + "\n```\n"
    (LAB / "summary.md").write_text(text)
    print(text)


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["table"]
    actions = {"reference": reference, "cache": lambda: cache(rest[0] if rest else "float32"),
               "train": lambda: train(rest[0]), "eval": lambda: evaluate(rest[0]),
               "latency": latency, "sweep": lambda: sweep(rest[0]), "routed": lambda: routed(*rest), "table": table}
    actions[command]()
