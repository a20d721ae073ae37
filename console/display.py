"""How things read on the console's pages: phone numbers, channels, the buttons patients tapped,
short previews. Plain functions (Jinja filters and helpers for console/views.py); no database."""
import json
import re
from typing import Dict, Iterable, Optional, Tuple

# The channel names Rasa records (`input_channel`) and what staff call them.
CHANNELS = {"socketio": "Web chat", "twilio": "SMS", "rest": "API"}

# A button's payload: "/intent", optionally with entities as JSON ("/correct_callback{"cb_field": "cb_phone"}")
# and/or a confidence ("/affirm@0.9").
PAYLOAD = re.compile(r"^/([A-Za-z0-9_][A-Za-z0-9_./-]*)\s*(\{.*\})?\s*(@[0-9.]+)?\s*$", re.DOTALL)
# Readable names for a payload whose button title cannot be found in the conversation any more.
PAYLOAD_NAMES = {"affirm": "Yes", "deny": "No", "request_human": "Call-back", "book_appointment": "Book online",
                 "ask_more": "Ask something else", "greet": "Hello", "goodbye": "Goodbye", "thank": "Thanks",
                 "cancel": "Cancel", "delete_my_data": "Delete my details", "bot_challenge": "Am I talking to a bot?",
                 "correct_callback": "Change my details"}
CALLBACK_FIELDS = {"cb_name": "name", "cb_phone": "phone", "cb_email": "email", "cb_time": "time",
                   "cb_patient_type": "new/returning"}
NANP = re.compile(r"^\+?1?([2-9]\d{2})([2-9]\d{2})(\d{4})$")


def channel_name(channel: Optional[str]) -> str:
    """"socketio" -> "Web chat", "rest"/"REST" -> "API", "twilio" -> "SMS"; others as recorded."""
    if not channel:
        return "—"
    return CHANNELS.get(str(channel).strip().lower(), str(channel))


def phone(value: Optional[str]) -> str:
    """A North American number as (604) 555-0199 (stored as +16045550199); any other number as stored."""
    if not value:
        return "—"
    raw = str(value).strip()
    compact = re.sub(r"[\s().-]", "", raw)
    if compact.startswith("+") and not compact.startswith("+1"):
        return raw  # another country: as stored
    match = NANP.match(compact)
    if not match:
        return raw
    area, exchange, line = match.groups()
    return f"({area}) {exchange}-{line}"


def parse_payload(text: str) -> Optional[Tuple[str, dict]]:
    """(intent, entities) when text is a button payload ("/deny", '/correct_callback{"cb_field": ...}'), else None."""
    match = PAYLOAD.match((text or "").strip())
    if not match:
        return None
    entities = {}
    if match.group(2):
        try:
            value = json.loads(match.group(2))
            entities = value if isinstance(value, dict) else {}
        except ValueError:
            entities = {}
    return match.group(1), entities


def _same_payload(a: str, b: str) -> bool:
    if (a or "").strip() == (b or "").strip():
        return True
    pa, pb = parse_payload(a), parse_payload(b)
    return pa is not None and pa == pb


def button_title(text: str, buttons: Iterable[dict]) -> Optional[str]:
    """The title of the button whose payload is text, among buttons ({"title", "payload"}), or None."""
    for button in buttons or []:
        if isinstance(button, dict) and button.get("title") and _same_payload(text, str(button.get("payload") or "")):
            return str(button["title"])
    return None


def payload_name(text: str, topic_name=None) -> Optional[str]:
    """A readable name for a payload without its button ("/affirm" -> "Yes"), or None if text is not one."""
    parsed = parse_payload(text)
    if parsed is None:
        return None
    intent, entities = parsed
    if intent == "correct_callback" and entities.get("cb_field") in CALLBACK_FIELDS:
        return "Change my " + CALLBACK_FIELDS[entities["cb_field"]]
    if intent in PAYLOAD_NAMES:
        return PAYLOAD_NAMES[intent]
    if topic_name is not None:
        return topic_name(intent)
    return intent.replace("_", " ").capitalize()


class Buttons:
    """The buttons the assistant has shown in one conversation, to name a tapped payload by its title:
    those of the messages since the patient's last message first, then any shown earlier."""

    def __init__(self):
        self.recent: list = []
        self.earlier: list = []

    def shown(self, buttons: Iterable[dict]) -> None:
        self.recent.extend(b for b in buttons or [] if isinstance(b, dict))

    def patient_spoke(self) -> None:
        self.earlier = self.recent + self.earlier
        self.recent = []

    def title(self, text: str) -> Optional[str]:
        return button_title(text, self.recent) or button_title(text, self.earlier)


def patient_text(text: str, buttons: Optional[Buttons] = None, topic_name=None) -> Tuple[str, bool]:
    """(what to show, whether it was a button tap): the tapped button's title, else a readable name
    for its payload, else the text as typed."""
    if parse_payload(text) is None:  # typed, or a button whose payload is the question itself
        return text, False
    title = buttons.title(text) if buttons is not None else None
    return (title or payload_name(text, topic_name) or text), True


def preview(text: Optional[str], limit: int = 80) -> str:
    """The start of a message, on one line, cut at a word near the limit."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def filters() -> Dict[str, object]:
    """Jinja filters for the templates."""
    return {"phone": phone, "channel": channel_name}
