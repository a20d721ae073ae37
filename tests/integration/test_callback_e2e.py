"""End to end: a patient asks for a call-back over the REST webhook; the request lands in the
database and in the front desk's mailbox, and survives an action server restart."""
import time
import uuid

from callbacks.store import CallbackStore
from callbacks.transcripts import TranscriptStore
from tests.servers import texts



def book_callback(stack, sender, name="Sam Lee"):
    summary, said = book_callback_until_summary(stack, sender, name)
    confirmation = texts(stack.say(sender, "yes"))
    return confirmation, said


def book_callback_until_summary(stack, sender, name="Sam Lee"):
    said = []

    def say(text):
        reply = texts(stack.say(sender, text))
        said.append((text, reply))
        return reply

    assert "What name" in say("can someone call me back?")
    assert "phone number" in say(name)
    faq = say("will I be sore?")  # a question in the middle of the form
    assert "few days" in faq and "phone number" in faq
    assert "doesn't look like" in say("555")
    assert "email" in say("604 555 0134")
    assert "When would you like us to call" in say("skip")
    assert "closed on Sundays" in say("sunday")
    assert "clinic before" in say("any weekday morning")
    assert "Privacy" in say("I'm a new patient")
    summary = say("yes")
    assert name in summary and "(604) 555-0134" in summary and "any weekday, morning" in summary
    return summary, said


def test_call_back_is_stored_emailed_and_survives_a_restart(stack, smtp):
    db = CallbackStore(stack.env["CALLBACK_DB_URL"])
    before = len(smtp.messages)
    confirmation, _ = book_callback(stack, uuid.uuid4().hex)
    [row] = [r for r in db.list() if r.name == "Sam Lee"]
    assert row.reference in confirmation
    assert row.phone == "+16045550134" and row.preferred_time == "any weekday, morning"
    assert row.patient_type == "new" and row.email is None
    assert "call you" in confirmation
    deadline = time.monotonic() + 20  # sent in the background, seconds at most
    while len(smtp.messages) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # the retry loop runs every second here: a duplicate would have arrived by now
    mails = smtp.messages[before:]
    assert len(mails) == 1 and row.reference in mails[0]["Subject"]
    assert "+16045550134" in mails[0].get_payload()

    stack.stop("actions")
    stack.start_actions()
    assert [r.reference for r in CallbackStore(stack.env["CALLBACK_DB_URL"]).list() if r.name == "Sam Lee"] \
        == [row.reference]
    confirmation, _ = book_callback(stack, uuid.uuid4().hex, name="Ana Ruiz")
    assert "Reference: CB-" in confirmation
    assert len(db.list()) == 2


def test_correction_at_the_summary(stack):
    sender = uuid.uuid4().hex
    _, said = book_callback_until_summary(stack, sender)
    choices = stack.say(sender, "change something")
    assert "Phone" in [b["title"] for r in choices for b in r.get("buttons") or []]
    assert "phone number" in texts(stack.say(sender, '/correct_callback{"cb_field": "cb_phone"}'))
    summary = texts(stack.say(sender, "778 555 0199"))
    assert "(778) 555-0199" in summary and "Sam Lee" in summary
    assert "Reference: CB-" in texts(stack.say(sender, "yes"))


def test_cancel_and_emergency_leave_the_form(stack):
    sender = uuid.uuid4().hex
    assert "What name" in texts(stack.say(sender, "i want to talk to a real person"))
    assert "saved nothing" in texts(stack.say(sender, "cancel"))
    sender = uuid.uuid4().hex
    stack.say(sender, "please call me back")
    stack.say(sender, "Ana Ruiz")
    assert "911" in texts(stack.say(sender, "my chest hurts and i cant breathe"))
    assert "Traditional Chinese Medicine" in texts(stack.say(sender, "is this acupuncture?"))


def test_delete_my_details(stack):
    sender = uuid.uuid4().hex
    book_callback(stack, sender, name="Dee Dalton")
    db = CallbackStore(stack.env["CALLBACK_DB_URL"])
    assert any(r.name == "Dee Dalton" for r in db.list(None))
    other = uuid.uuid4().hex
    stack.say(other, "is it safe?")
    reply = texts(stack.say(sender, "please delete my details"))
    assert "deleted" in reply and "conversation will be erased" in reply
    assert not any(r.name == "Dee Dalton" for r in db.list(None))
    # the transcript (name and number typed into the form) goes too, once the conversation is idle
    transcripts = TranscriptStore(f"sqlite:///{stack.env['TRACKER_DB']}")
    deadline = time.monotonic() + 30
    while transcripts.last_activity(sender) is not None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert transcripts.last_activity(sender) is None
    assert transcripts.last_activity(other) is not None  # nobody else's conversation
    assert "What name" in texts(stack.say(sender, "can someone call me back?"))  # starts afresh
