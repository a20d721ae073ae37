"""Buttons and topic titles shared by the actions. Payloads never carry patient data."""
from typing import Dict, List

BOOK = {"title": "Book online", "payload": "/book_appointment"}
CALL_BACK = {"title": "Request a call-back", "payload": "/request_human"}
ASK_MORE = {"title": "Ask something else", "payload": "/ask_more"}

# Readable titles for FAQ topics, used by the greeting and the "did you mean" fallback.
FAQ_TITLES: Dict[str, str] = {
    "what_is_dry_needling": "What is dry needling/IMS?",
    "how_it_works": "How does it work?",
    "trigger_points": "What is a trigger point?",
    "vs_acupuncture": "Is it acupuncture?",
    "benefits": "What are the benefits?",
    "conditions": "What can it treat?",
    "what_to_expect": "What happens at a session?",
    "does_it_hurt": "Does it hurt?",
    "twitch_response": "What is the twitch?",
    "session_details": "How long and how many sessions?",
    "soreness_after": "Will I be sore after?",
    "aftercare": "What to do after a session",
    "combined_therapy": "Is it combined with other care?",
    "safety": "Is it safe?",
    "who_performs": "Who does the needling?",
    "suitability": "Is it right for me?",
}

# Other intents a "did you mean" may offer.
INTENT_TITLES: Dict[str, Dict[str, str]] = {
    "book_appointment": BOOK,
    "request_human": CALL_BACK,
    "ask_hours": {"title": "Opening hours", "payload": "/ask_hours"},
    "ask_location": {"title": "Where we are", "payload": "/ask_location"},
    "ask_contact": {"title": "Phone and email", "payload": "/ask_contact"},
    "ask_cost": {"title": "Fees and insurance", "payload": "/ask_cost"},
}

# After these answers the natural next step is to ask the physiotherapist, not to book at once.
ASK_A_PERSON_NEXT = {"suitability", "safety", "session_details", "soreness_after"}


def faq_button(key: str) -> Dict[str, str]:
    return {"title": FAQ_TITLES[key], "payload": '/faq{"faq_key": "%s"}' % key}


def next_steps(faq_key: str) -> List[Dict[str, str]]:
    if faq_key in ASK_A_PERSON_NEXT:
        return [BOOK, CALL_BACK, ASK_MORE]
    return [BOOK, ASK_MORE]
