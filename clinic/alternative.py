"""An answer with a one-tap alternative (issue 19): when the runner-up is close and plausible, the answer
goes out with one more button, "Or were you asking: How long, how many sessions?".

The "did you mean" stays for real doubt (no answer given); this is for an answer given with a close second.
Thresholds chosen on the development sets (held-out, real-world dev, dev2, dev3; never a test part): with a
runner-up at >= 0.2 and >= 0.3 x the answer's own confidence, the alternative shows beside 39 of 516 FAQ
answers and is the right one for 5 of their 27 wrong ones (0.1 / 0.2: 66 shown for 7). The acupuncture and medicine
replies take it too (session 8: shown beside 11 of them, the right answer for 3).
An out-of-scope reply gets the same button when the model still found an answer somewhat likely (>= 0.1, chosen
on the same sets: shown beside 16 of 121 out-of-scope replies, the right answer for 6 of them, 7 shown to messages
that were really out of scope): the FAQ gate holds back a doubtful answer, but one tap should still reach it.
scripts/eval_compare.py counts it in "right within one tap".
"""
from typing import Any, Dict, List, Optional

from actions.buttons import FAQ_BUTTONS, INTENT_TITLES
from actions.fallback import button_for, likely_labels
from clinic.parse_result import OUT_OF_SCOPE, SECOND_QUESTION, label

MIN_CONFIDENCE = 0.2
MIN_RATIO = 0.3
OUT_OF_SCOPE_MIN_CONFIDENCE = 0.1
# the scoped replies the NLG sends (data/rules.yml), which take the button like an FAQ answer
SCOPED_REPLIES = {"ask_acupuncture": "utter_acupuncture", "ask_medication": "utter_medication"}
OUT_OF_SCOPE_REPLY = "utter_out_of_scope"  # actions/fallback.py sends it; nlg/localised.py adds the button
PREFIX = "Or were you asking: "
SMS_PREFIX = "Or: "  # a numbered SMS option must stay short: "3 Or: Will I be sore after?"


def _confidence(parse: Dict[str, Any], name: str) -> float:
    selector = ((parse.get("response_selector") or {}).get("faq") or {})
    for item in selector.get("ranking") or []:
        if item.get("intent_response_key") == name:
            return float(item.get("confidence") or 0.0)
    for item in parse.get("intent_ranking") or []:
        if item.get("name") == name:
            return float(item.get("confidence") or 0.0)
    return 0.0


def _answerable(name: str) -> bool:
    return (name.startswith("faq/") and name[4:] in FAQ_BUTTONS) or name in INTENT_TITLES


def alternative_label(parse: Dict[str, Any]) -> Optional[str]:
    """The runner-up worth one button, or None (not an answer we offer alternatives to, or no close second)."""
    parse = parse or {}
    given = label(parse)
    if given != OUT_OF_SCOPE and not (given.startswith("faq/") and _answerable(given)) and given not in SCOPED_REPLIES:
        return None  # FAQ answers, scoped replies and out-of-scope replies (all through nlg/localised.py)
    if (parse.get(SECOND_QUESTION) or {}).get("label"):
        return None  # two answers already go out in this turn: no third option
    if given == OUT_OF_SCOPE:
        floor = OUT_OF_SCOPE_MIN_CONFIDENCE  # the gate held the answer back: any somewhat likely one
    else:
        floor = max(MIN_CONFIDENCE, MIN_RATIO * _confidence(parse, given))
    # only the best runner-up is ever offered
    best = next((name for name in likely_labels(parse, limit=4) if name != given and _answerable(name)), None)
    return best if best and _confidence(parse, best) >= floor else None


def alternative_button(parse: Dict[str, Any], buttons=(), sms: bool = False) -> Optional[Dict[str, str]]:
    """The button for alternative_label(), unless the answer already has one with that payload ("Book online")."""
    name = alternative_label(parse)
    if not name:
        return None
    button = button_for(name)
    if any(b.get("payload") == button["payload"] for b in buttons or ()):
        return None
    title = button["title"].rstrip("?")
    return {"title": f"{SMS_PREFIX if sms else PREFIX}{title}?", "payload": button["payload"]}


def buttons_with_alternative(parse: Dict[str, Any], message: Dict[str, Any], sms: bool) -> Optional[List[Dict[str, str]]]:
    """The message's buttons with the alternative last ("1" stays "Book online" on SMS, as patients learn it), or
    None when there is no alternative or, by SMS, it fits two segments neither as is nor without "Ask something else"."""
    buttons = list(message.get("buttons") or [])
    extra = alternative_button(parse, buttons, sms=sms)
    if extra is None:
        return None
    if not sms:
        return buttons + [extra]
    from clinic.answer_catalogue import sms_text  # by path: the channels package patches Rasa

    roomier = [b for b in buttons if b.get("payload") != "/ask_more"] + [extra]
    return next((c for c in (buttons + [extra], roomier)
                 if sms_text().segments(sms_text().render([{**message, "buttons": c}])) <= 2), None)
