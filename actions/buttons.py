"""Buttons and topic titles shared by the actions. Payloads never carry patient data."""
from typing import Dict, Tuple

BOOK = {"title": "Book online", "payload": "/book_appointment"}
CALL_BACK = {"title": "Request a call-back", "payload": "/request_human"}
ASK_MORE = {"title": "Ask something else", "payload": "/ask_more"}

# FAQ topics the greeting and the "did you mean" fallback offer: (button title, payload).
# The payload is a plain question, so a tap goes through the same NLU as typing it
# (tests/test_stories.yml checks each one reaches its answer), and an SMS reply of "2" maps to it.
FAQ_BUTTONS: Dict[str, Tuple[str, str]] = {
    "what_is_dry_needling": ("What is dry needling/IMS?", "What is dry needling?"),
    "how_it_works": ("How does it work?", "How does dry needling work?"),
    "trigger_points": ("What is a trigger point?", "What is a trigger point?"),
    "vs_acupuncture": ("Is it acupuncture?", "Is dry needling the same as acupuncture?"),
    "benefits": ("What are the benefits?", "What are the benefits of dry needling?"),
    "conditions": ("What can it treat?", "What conditions can IMS treat?"),
    "what_to_expect": ("What happens at a session?", "What happens during a dry needling session?"),
    "does_it_hurt": ("Does it hurt?", "Does dry needling hurt?"),
    "twitch_response": ("What is the twitch?", "What is the twitch response?"),
    "session_details": ("How long, how many sessions?", "How long is a session and how many will I need?"),
    "soreness_after": ("Will I be sore after?", "Will I be sore after dry needling?"),
    "aftercare": ("What to do after a session", "What should I do after a dry needling session?"),
    "combined_therapy": ("Combined with other care?", "Is dry needling combined with exercise or other treatment?"),
    "safety": ("Is it safe?", "Is dry needling safe?"),
    "who_performs": ("Who does the needling?", "Who does the dry needling at the clinic?"),
    "suitability": ("Is it right for me?", "Can anyone have dry needling?"),
    "side_effects": ("Other side effects?", "Can dry needling have side effects?"),
}

# Other intents a "did you mean" may offer.
INTENT_TITLES: Dict[str, Dict[str, str]] = {
    "book_appointment": BOOK,
    "request_human": CALL_BACK,
    "ask_hours": {"title": "Opening hours", "payload": "/ask_hours"},
    "ask_location": {"title": "Where we are", "payload": "/ask_location"},
    "ask_contact": {"title": "Phone and email", "payload": "/ask_contact"},
    "ask_cost": {"title": "Fees and insurance", "payload": "/ask_cost"},
    "ask_offer": {"title": "Do you offer IMS?", "payload": "/ask_offer"},
    "ask_referral": {"title": "Do I need a referral?", "payload": "/ask_referral"},
    "ask_availability": {"title": "How soon can I get in?", "payload": "/ask_availability"},
    "ask_what_to_bring": {"title": "What to wear and bring", "payload": "/ask_what_to_bring"},
}

def faq_button(key: str) -> Dict[str, str]:
    title, question = FAQ_BUTTONS[key]
    return {"title": title, "payload": question}
