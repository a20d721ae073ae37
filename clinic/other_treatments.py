"""Another treatment as the subject of a question: clinic/other_treatments.yml (why it exists, what it holds)."""
import re
from pathlib import Path

import yaml

RULES = Path(__file__).resolve().parent / "other_treatments.yml"


def _any_of(words) -> "re.Pattern[str]":
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)


_DATA = yaml.safe_load(RULES.read_text(encoding="utf-8"))  # read once, when the server loads the gate
OTHER, OURS = _any_of(_DATA["other"]), _any_of(_DATA["ours"])


def about_another_treatment(text: str) -> bool:
    """True when the message names another treatment and nothing of dry needling / IMS."""
    return bool(OTHER.search(text or "")) and not OURS.search(text or "")
