"""Another treatment as the subject of a question: clinic/other_treatments.yml (why it exists, what it holds)."""
import functools
import re
from pathlib import Path

import yaml

RULES = Path(__file__).resolve().parent / "other_treatments.yml"


@functools.lru_cache(maxsize=1)
def _patterns():
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    def join(words):
        return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)
    return join(data["other"]), join(data["ours"])


def about_another_treatment(text: str) -> bool:
    """True when the message names another treatment and nothing of dry needling / IMS."""
    other, ours = _patterns()
    return bool(other.search(text or "")) and not ours.search(text or "")
