"""Clean measurement: no held-out or real-world text may also be a training example.

Texts are compared normalised (lower case, punctuation dropped, whitespace collapsed), so
"Is this acupuncture?" in a test set and "is this acupuncture" in data/ count as the same.
"""
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent


def normalise(text: str) -> str:
    text = str(text).lower().replace("\u2019", "'")
    text = re.sub(r"[^\w\s]|_", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def nlu_examples(path: Path):
    """Texts of an NLU file (Rasa's `nlu:` blocks: '- text' lines, entity markup stripped)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in data.get("nlu") or []:
        examples = block.get("examples") or ""
        for line in examples.splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}",
                              lambda m: m.group(1) or m.group(2) or "", line[2:])
                yield text.strip()


def training_texts():
    texts = {}
    for path in sorted((ROOT / "data").glob("*.yml")):
        for text in nlu_examples(path):
            texts.setdefault(normalise(text), f"{path.name}: {text}")
    return texts


def evaluation_texts():
    """(where, text) for every held-out and real-world message."""
    heldout = ROOT / "tests" / "heldout"
    for text in nlu_examples(heldout / "nlu_heldout.yml"):
        yield "heldout/nlu_heldout.yml", text
    for name in ("red_flags.yml", "red_flags_gathered.yml"):
        flags = yaml.safe_load((heldout / name).read_text(encoding="utf-8")) or {}
        for group, items in flags.items():
            for item in items or []:
                yield f"heldout/{name}:{group}", item["text"] if isinstance(item, dict) else item
    for path in sorted((ROOT / "tests" / "realworld").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        items = data.get("items", data) if isinstance(data, dict) else data
        for item in items or []:
            if isinstance(item, dict) and item.get("text"):
                yield f"realworld/{path.name}", item["text"]


TRAINING = training_texts()


def test_training_data_is_found():
    assert len(TRAINING) > 500


def test_no_evaluation_text_is_a_training_example():
    leaks = [f"{where}: {text!r} == {TRAINING[normalise(text)]!r}"
             for where, text in evaluation_texts() if normalise(text) in TRAINING]
    assert not leaks, f"{len(leaks)} evaluation texts are also training examples:\n" + "\n".join(leaks)


NEAR = 0.75  # word overlap (Jaccard) from which a training example counts as a near copy


def training_examples():
    """(file name, text) for every training example we wrote. Not data/nlu_reviewed.yml: those are real
    patients' messages the staff console adds, not written against the sets (an exact copy still fails above)."""
    return [(path.name, text) for path in sorted((ROOT / "data").glob("*.yml")) if path.name != "nlu_reviewed.yml"
            for text in nlu_examples(path)]


def near_copies(training=None):
    """(where, evaluation text, (file, training text)) for every training example whose words overlap an
    evaluation text's by NEAR or more (both at least 3 words): "is dry needling really effective"
    is a near copy of "Is dry needling effective?" even though written independently."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    training = training if training is not None else training_examples()
    evaluation = list(evaluation_texts())
    vectorizer = CountVectorizer(binary=True, tokenizer=str.split, lowercase=False, token_pattern=None)
    a = vectorizer.fit_transform([normalise(t) for _, t in training] + [normalise(t) for _, t in evaluation])
    a, b = a[:len(training)], a[len(training):]
    size_a, size_b = np.asarray(a.sum(1)).ravel(), np.asarray(b.sum(1)).ravel()
    overlap = (a @ b.T).tocoo()  # sparse: only pairs sharing a word
    union = size_a[overlap.row] + size_b[overlap.col] - overlap.data
    near = (overlap.data >= NEAR * union) & (size_a[overlap.row] >= 3) & (size_b[overlap.col] >= 3)
    return [(evaluation[j][0], evaluation[j][1], training[i]) for i, j in zip(overlap.row[near], overlap.col[near])]


def test_no_training_example_is_a_near_copy_of_an_evaluation_text():
    found = [f"{where}: {text[:80]!r} ~ {name}: {train[:80]!r}" for where, text, (name, train) in near_copies()]
    assert not found, f"{len(found)} training examples are near copies:\n" + "\n".join(found)


def test_near_copy_check_catches_a_reworded_copy_and_names_it():
    where, text = next((w, t) for w, t in evaluation_texts() if len(normalise(t).split()) >= 8)
    words = normalise(text).split()
    found = near_copies([("made-up.yml", " ".join(words[:-1]))])  # one word of eight or more dropped
    assert (where, text) in [(w, t) for w, t, _ in found]
    assert not near_copies([("made-up.yml", "a sentence about something else entirely, nothing like it")])


@pytest.mark.parametrize("a,b", [("Is this acupuncture?", "is this  acupuncture"),
                                 ("can i go to the gym after IMS!!", "Can I go to the gym, after ims")])
def test_normalisation_ignores_case_punctuation_and_spacing(a, b):
    assert normalise(a) == normalise(b)
