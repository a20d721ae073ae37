"""Where a message holds two questions ("what is IMS and does it hurt?"): pure text, no model.

Used by the sentence classifier (which reads each half) and the question splitter (which decides
whether to answer both); a module of its own so neither has to import the other.
"""
import re
from typing import Optional, Tuple

# the two halves of a two-question message with the classifier's reading of each, left on the
# message by components/sentence_classifier.py for components/question_splitter.py; not output
HALVES = "question_halves"

_QUESTION_START = (r"(?:what|whats|what's|how|is|are|does|do|did|can|could|will|would|should|who|when|where|why|"
                   r"any|am|which|r|wat|wats)")
_AND_SPLIT = re.compile(rf"^(?P<a>.{{8,}}?)\s*,?\s+(?:and|&|also|plus|and also|n|an|nd)\s+(?P<b>{_QUESTION_START}\b.{{5,}})$",
                        re.IGNORECASE | re.DOTALL)
# "what will I feel during and after it?" asks two things: the feeling during and after. Not a choice
# ("before or after?"), a comparison ("the difference between during and after") or "before and after photos".
_TIMES = re.compile(r"\b(before|during|after)(?:hand|wards?)?\s*(?:and|&|n|/)\s*(before|during|after)(?:hand|wards?)?\b"
                    r"(?!\s+(?:photos?|pictures?|pics?|shots?|images?|results?)\b)", re.IGNORECASE)
_COMPARING = re.compile(r"\b(?:difference|differences|between|compare|compared|comparison|vs|versus)\b", re.IGNORECASE)


def split_questions(text: str) -> Optional[Tuple[str, str]]:
    """The two questions of a message, or None."""
    text = " ".join((text or "").split())
    if len(text) < 12 or len(text) > 400:
        return None
    parts = [p.strip() for p in re.split(r"(?<=\?)[\"\u201d\u2019']?\s+", text) if p.strip()]
    quotes = "\"\u201c\u201d\u2018\u2019' "
    parts = [re.sub(r"^(?:or|and|also|plus|then)\s+", "", p.strip(quotes), flags=re.IGNORECASE).strip(quotes)
             for p in parts]
    questions = [p for p in parts if p.endswith("?")]
    if len(parts) == 2 and len(questions) >= 1 and all(len(p.split()) >= 2 for p in parts):
        return parts[0], parts[1]
    if len(parts) == 1:
        match = _AND_SPLIT.match(text)
        if match and len(match.group("a").split()) >= 2 and len(match.group("b").split()) >= 2:
            return match.group("a").strip(" ,"), match.group("b").strip()
        times = _TIMES.search(text)
        if times and times.group(1).lower() != times.group(2).lower() and not _COMPARING.search(text):
            return (text[:times.start()] + times.group(1) + text[times.end():],
                    text[:times.start()] + times.group(2) + text[times.end():])
    return None
