"""The patient-facing replies built from the clinic's facts (hours, location, contact, fees, booking,
a person, the clinic-written answers).

One place for these texts: the action server sends them (actions/clinic_info.py, handoff.py,
clinic_questions.py) and the console's settings page previews them, so staff see exactly what a
patient will get. No Rasa here (the console's venv imports it).
"""
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Tuple

from actions.buttons import ASK_MORE, BOOK, CALL_BACK, faq_button
from clinic import config, hours
from clinic.config import Clinic

Message = Dict[str, Any]


def greeting(clinic: Clinic) -> Message:
    return {
        "text": (
            f"Hi! I'm the automated assistant for {clinic.name}. I can answer questions about "
            "dry needling (IMS) and help you book or get a call-back. I give general "
            "information, not medical advice. In an emergency, call 911."
        ),
        "buttons": [faq_button("what_is_dry_needling"), faq_button("does_it_hurt"), BOOK],
    }


def hours_reply(clinic: Clinic, now: Optional[datetime] = None) -> Message:
    return {"text": f"Our hours: {hours.weekly_summary(clinic)}. {hours.open_status(clinic, now)}",
            "buttons": [BOOK, CALL_BACK]}


def location(clinic: Clinic) -> Message:
    parking = f" {clinic.parking}" if clinic.parking else ""
    return {"text": f"We're at {clinic.address}.{parking} Questions about getting here? Call {clinic.phone}.",
            "buttons": [BOOK, ASK_MORE]}


def contact(clinic: Clinic, now: Optional[datetime] = None) -> Message:
    email = f" or email {clinic.email}" if clinic.email else ""
    return {"text": f"You can call us at {clinic.phone}{email}. {hours.open_status(clinic, now)}",
            "buttons": [CALL_BACK, BOOK]}


def cost(clinic: Clinic) -> Message:
    text = " ".join(part for part in (clinic.fees, clinic.insurance) if part)
    return {"text": f"{text} Call us at {clinic.phone} for details.", "buttons": [CALL_BACK, BOOK]}


def booking(clinic: Clinic) -> Message:
    return {
        "text": (
            "You can book dry needling (IMS) online any time, day or night: "
            f"{clinic.booking_url} . Your first visit starts with an assessment. "
            "Prefer a call from us instead?"
        ),
        "buttons": [CALL_BACK, ASK_MORE],
    }


def request_human(clinic: Clinic, now: Optional[datetime] = None) -> Message:
    if hours.is_open(clinic, now):
        text = (f"Our front desk is in now: call {clinic.phone} to talk to someone right away. "
                "Or I can ask them to call you back.")
    else:
        text = f"{hours.open_status(clinic, now)} I can ask our front desk to call you back."
    # the call-back form follows (data/rules_callback.yml); it asks no health questions
    return {"text": text + " I just need a few details (type 'never mind' to stop)."}


def clinic_question(clinic: Clinic, key: str) -> Message:
    """A clinic-written answer (offer, referral, availability, what_to_bring) and the phone number."""
    text = f"{config.clinic_answer(clinic, key)} Phone: {clinic.phone}."
    return {"text": text, "buttons": [BOOK, CALL_BACK] if key != "what_to_bring" else [CALL_BACK, ASK_MORE]}


def _question(key: str) -> Callable[[Clinic, Optional[datetime]], Message]:
    return lambda clinic, now=None: clinic_question(clinic, key)


# Every reply built from the facts, for the preview: (name, what the patient asked, builder, facts used).
# `facts` are the settings form's field keys (hours = every hours_* field and holidays).
REPLIES: List[Tuple[str, str, Callable[..., Message], Tuple[str, ...]]] = [
    ("greeting", "Hi", lambda c, now=None: greeting(c), ("name",)),
    ("hours", "What are your hours?", hours_reply, ("hours",)),
    ("location", "Where are you?", lambda c, now=None: location(c), ("address", "parking", "phone")),
    ("contact", "How do I reach you?", contact, ("phone", "email", "hours")),
    ("cost", "How much does it cost?", lambda c, now=None: cost(c), ("fees", "insurance", "phone")),
    ("booking", "Can I book online?", lambda c, now=None: booking(c), ("booking_url",)),
    ("request_human", "Can I talk to a person?", request_human, ("phone", "hours")),
    ("offer", "Do you offer IMS?", _question("offer"), ("offer", "phone")),
    ("referral", "Do I need a referral?", _question("referral"), ("referral", "phone")),
    ("availability", "How soon can I get in?", _question("availability"), ("availability", "phone")),
    ("what_to_bring", "What should I bring?", _question("what_to_bring"), ("what_to_bring", "phone")),
]


def all_replies(clinic: Clinic, now: Optional[datetime] = None) -> List[Tuple[str, str, Message, Tuple[str, ...]]]:
    return [(name, asked, build(clinic, now), facts) for name, asked, build, facts in REPLIES]
