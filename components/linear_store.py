"""tf-idf (words + character n-grams) and logistic-regression arrays, saved as JSON and .npy files
(never pickles) and loaded back. Shared by the FAQ gate's second opinion and the sentence classifier."""
import json
from pathlib import Path
from typing import Any, Dict, Tuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ANALYZERS = {"word": {"analyzer": "word", "ngram_range": (1, 2)},
             "char": {"analyzer": "char_wb", "ngram_range": (2, 5)}}


def new_vectorizers() -> Dict[str, TfidfVectorizer]:
    return {name: TfidfVectorizer(sublinear_tf=True, lowercase=True, **kwargs) for name, kwargs in ANALYZERS.items()}


def save(directory: Path, vectorizers: Dict[str, TfidfVectorizer], model: LogisticRegression,
         meta: Dict[str, Any]) -> None:
    meta = {**meta, "classes": [str(c) for c in model.classes_], "vocabularies": {}}
    for name, vectorizer in vectorizers.items():
        meta["vocabularies"][name] = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
        np.save(directory / f"idf_{name}.npy", vectorizer.idf_)
    np.save(directory / "coef.npy", model.coef_)
    np.save(directory / "intercept.npy", model.intercept_)
    (directory / "meta.json").write_text(json.dumps(meta))


def load(directory: Path) -> Tuple[Dict[str, TfidfVectorizer], LogisticRegression, Dict[str, Any]]:
    meta = json.loads((directory / "meta.json").read_text())
    vectorizers = {}
    for name, kwargs in ANALYZERS.items():
        vectorizer = TfidfVectorizer(sublinear_tf=True, lowercase=True, vocabulary=meta["vocabularies"][name], **kwargs)
        vectorizer.idf_ = np.load(directory / f"idf_{name}.npy")
        vectorizers[name] = vectorizer
    model = LogisticRegression()
    model.classes_ = np.array(meta["classes"])
    model.coef_ = np.load(directory / "coef.npy")
    model.intercept_ = np.load(directory / "intercept.npy")
    return vectorizers, model, meta


def predict_proba(model: LogisticRegression, features) -> np.ndarray:
    """sklearn's predict_proba for a multinomial (or binary) model, without its per-call copy.

    sklearn computes `features @ coef_.T`; with a sparse `features` scipy copies the transposed
    (non-contiguous) coefficient matrix on every call: ~4 ms for our ~45 x 150k matrix, twice a
    message. Keeping a contiguous transposed copy once makes the product ~0.1 ms.
    """
    coef_t = getattr(model, "_coef_t", None)
    if coef_t is None:
        coef_t = model._coef_t = np.ascontiguousarray(model.coef_.T)
    scores = np.asarray(features @ coef_t) + model.intercept_
    if scores.shape[1] == 1:  # binary: sklearn's column is the positive class
        positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return np.column_stack([1.0 - positive, positive])
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores
