"""Build the English spaCy pipeline that SpacyNLP loads, from official packages only.

`python -m spacy download` needs the internet and the `en-core-web-*` uploads on PyPI are
not spaCy's own, so we assemble a blank English pipeline (spaCy's rule-based tokenizer) with
a lookup lemmatizer whose tables come from the official `spacy-lookups-data` package.
The output depends only on the pinned package versions, so every install builds the same one.
"""
import sys
from pathlib import Path

import spacy

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "build/spacy-en")


def build() -> "spacy.language.Language":
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # pulls the `lemma_lookup` table from spacy-lookups-data
    nlp.meta.update({"name": "clinic_lemma", "version": "1.0.0"})
    return nlp


if __name__ == "__main__":
    nlp = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(OUT)
    sample = nlp("my shoulders were aching after the needles")
    print(f"spaCy pipeline written to {OUT}:", " ".join(t.lemma_ for t in sample))
