"""How a turn's replies read as one SMS: numbered options, no markdown, segments counted.

Plain Python (no Rasa, no Sanic), so the console's answers page previews an SMS exactly as
channels/sms.py sends it and refuses a text that would cost more than two segments. Import it by
file path where the `channels` package (which patches Rasa) cannot be imported.
"""
import re
from typing import Any, Dict, List

GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
           "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
SHORT_TITLES = {"/request_human": "Call-back", "/ask_more": "Other question", "/book_appointment": "Book online"}
TINY_TITLES = {"/request_human": "Call-back", "/ask_more": "More", "/book_appointment": "Book"}
ALSO_ASKED = "You also asked:"  # actions/clinic_questions.py: a second question, offered as an option


def segments(text: str) -> int:
    """How many SMS segments a message costs (GSM-7: 160/153 characters, else UCS-2: 70/67)."""
    single, multi = (160, 153) if set(text) <= GSM7 else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // multi)


def plain(text: str) -> str:
    """SMS has no markdown: [title](url) -> 'title: url', drop emphasis marks, tidy spaces."""
    text = re.sub(r"\[([^\]]+)\]\((\S+)\)", r"\1: \2", text or "")
    text = re.sub(r"[*_`#]+", "", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"[ \t]+", " ", text).strip()


def render(messages: List[Dict[str, Any]]) -> str:
    """All bot messages of one turn as one SMS, with the last buttons as numbered options, in two
    segments where the wording allows (shorter option titles first, then a shorter way to offer
    the patient's second question)."""
    texts = [plain(m.get("text", "")) for m in messages if m.get("text")]
    buttons = next((m.get("buttons") or m.get("quick_replies") for m in reversed(messages)
                    if m.get("buttons") or m.get("quick_replies")), None)
    body = "\n".join(texts)
    if not buttons:
        return body or "Sorry, I have no answer for that. Please call the clinic."
    candidates = []
    for titles in (SHORT_TITLES, TINY_TITLES):  # the shorter wording when it saves a segment
        options = ", ".join(f"{i} {titles.get(b['payload'], b['title'])}" for i, b in enumerate(buttons, 1))
        candidates.append(f"{body}\nReply {options}")
    if texts and texts[-1] == ALSO_ASKED and len(buttons) == 1:
        candidates.append("\n".join(texts[:-1]) + "\nReply 1 for your other question")
    return next((c for c in candidates if segments(c) <= 2), candidates[-1])
