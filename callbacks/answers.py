"""Read a patient's answers to the call-back questions: name, phone, email, new/returning, consent."""
import re
from typing import Optional, Tuple

import phonenumbers

EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
SKIP = re.compile(r"^(skip|no|nope|nah|no thanks|no thank you|none|n/?a|dont have one|don'?t have one|no email|pass)\W*$", re.I)
YES = re.compile(r"^(y|ya|yes|yep|yeah|yup|sure|ok|okay|k|i agree|agree|i consent|consent|of course|fine|"
                 r"yes please|sounds good|thats fine|that's fine|go ahead)\b", re.I)
NO = re.compile(r"^(n|no|nope|nah|i do ?n'?o?t|dont|do not|rather not|no thanks|never)\b", re.I)
NEW = re.compile(r"\b(new|first|never been|never|havent been|haven'?t been|not yet|1st)\b", re.I)
RETURNING = re.compile(r"\b(returning|return|been before|existing|current|again|previous|before|yes|regular|back)\b", re.I)


# words of a sentence, not of a name: "i want to talk to a human" is a request, not a name
NOT_NAME_WORDS = frozenset("""i me my you your we want wanna need talk speak human person someone somebody real
agent representative operator bot robot help call please can could would should to the a an is are was be
what how why when where who yes no not okay ok thanks thank hi hello hey skip cancel stop nevermind never
mind anyone front desk""".split())


def name(text: str) -> Optional[str]:
    """A plausible name: letters, spaces, hyphens, apostrophes, periods; 1 to 60 characters, at most
    six words, and not a sentence ("i want to talk to a human")."""
    cleaned = re.sub(r"^(my name is|my name's|name is|i am|i'm|im|it's|its|this is)\s+", "", text.strip(), flags=re.I)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .,!")
    if not 1 <= len(cleaned) <= 60 or not re.fullmatch(r"[^\W\d_]+(?:[ '.\-][^\W\d_]+)*\.?", cleaned):
        return None
    words = cleaned.lower().split()
    if len(words) > 6 or sum(w.strip(".'-") in NOT_NAME_WORDS for w in words) >= 2 or (
            len(words) == 1 and words[0] in NOT_NAME_WORDS):
        return None
    return cleaned.title() if cleaned.islower() or cleaned.isupper() else cleaned


def phone(text: str) -> Optional[str]:
    """A North American number in E.164 (+16045550134), or None."""
    digits_only = re.sub(r"[^\d+]", "", text or "")
    if not 10 <= len(digits_only.lstrip("+")) <= 11:
        return None
    try:
        number = phonenumbers.parse(text, "CA")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 1 or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def pretty_phone(e164: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(e164, "CA"), phonenumbers.PhoneNumberFormat.NATIONAL)


def email(text: str) -> Tuple[bool, Optional[str]]:
    """(understood, address): (True, None) means the patient skipped it."""
    text = (text or "").strip().strip(".")
    if SKIP.match(text):
        return True, None
    if len(text) <= 254 and EMAIL.match(text):
        return True, text.lower()
    return False, None


def patient_type(text: str) -> Optional[str]:
    text = text or ""
    if NEW.search(text) and not re.search(r"\bnot new\b", text, re.I):
        return "new"
    if RETURNING.search(text) or re.search(r"\bnot new\b", text, re.I):
        return "returning"
    return None


def consent(text: str, intent: Optional[str] = None) -> Optional[bool]:
    if intent == "affirm" or YES.match((text or "").strip()):
        return True
    if intent == "deny" or NO.match((text or "").strip()):
        return False
    return None
