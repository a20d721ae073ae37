"""A message that names nothing ("and the other stuff with the thing?", "so um that one?").

The classifier still picks the FAQ answer whose examples share its filler words, sometimes at 0.96 (tried as a
patient, session 9). Such a message gets the "not understood" reply with the likely topics as buttons instead
(components/faq_answer_gate.py). Question words are not filler: "what is it?" on this assistant means dry needling.
No FAQ training example and no item of any development set is made only of these words
(tests/unit/test_vague_message.py).
"""
import re

FILLER = frozenset("""
a an the and or but so um umm uh uhh er erm hmm hm like ok okay oh well yeah ya yea n nd plus
thing things stuff whatever one ones other others another same
that this these those it its there here
with of about to in on for at by from too also then some any more just really kinda sorta etc
""".split())
_WORD = re.compile(r"[a-z]+")


def names_nothing(text: str) -> bool:
    """True when every word of the message is filler (and it has at least one word)."""
    words = _WORD.findall((text or "").lower())
    return bool(words) and all(word in FILLER for word in words)
