#!/usr/bin/env python3
"""Drop training examples (data/*.yml) that equal, or nearly copy, an evaluation text.

The real-world set is gathered independently from public pages; where a common question
("Does it hurt?") happens to be written the same way as one of our training examples, the
training example goes, so the score stays a measurement. Nothing moves the other way.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.unit.test_data_hygiene import evaluation_texts, near_copies, normalise  # noqa: E402

evaluation = {normalise(text) for where, text in evaluation_texts()}
# near copies (tests/unit/test_data_hygiene.py NEAR): the training texts to drop, normalised
evaluation |= {normalise(train) for where, text, (name, train) in near_copies()}
for path in sorted((ROOT / "data").glob("*.yml")):
    if path.name == "nlu_reviewed.yml":
        continue  # written by the staff console
    lines = path.read_text(encoding="utf-8").split("\n")
    kept = [line for line in lines
            if not (re.match(r"^\s+- ", line) and normalise(line.strip()[2:]) in evaluation)]
    if len(kept) != len(lines):
        print(f"{path.name}: dropped {len(lines) - len(kept)}")
        path.write_text("\n".join(kept), encoding="utf-8")
