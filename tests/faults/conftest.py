"""Fault tests: real processes, stopped with SIGKILL / SIGSTOP or restarted, never mocked."""
import hashlib
import os
import signal

import sqlalchemy

from tests.patients import CHANNELS, say_on

MEDICAL = "I had dry needling this morning and now I can't breathe and my chest hurts"
CRISIS = "I want to kill myself"
CLINIC_PHONE = "604-555-0100"  # clinic.yml's placeholder number, copied into each test stack
# the same, as a patient writes it in another language: 911 / 988 in that language and in English
IN_OTHER_LANGUAGES = [("숨을 못 쉬겠어요, 가슴이 너무 아파요", "911", "지금 바로 911"),
                      ("نمی‌تونم نفس بکشم", "911", "با 911 تماس"),
                      ("ya no quiero vivir", "988", "Llame o escriba al 988")]


def assert_emergencies_answered(stack, where: str) -> None:
    """911 and 988 on every channel, whatever is down."""
    for channel in CHANNELS:
        assert "911" in say_on(channel, stack, MEDICAL), (where, channel)
        assert "988" in say_on(channel, stack, CRISIS), (where, channel)
        for text, number, in_their_language in IN_OTHER_LANGUAGES:
            reply = say_on(channel, stack, text)
            assert number in reply and in_their_language in reply, (where, channel, reply)


def assert_clear_reply_with_phone(stack, where: str, text: str = "hi") -> None:
    for channel in CHANNELS:
        reply = say_on(channel, stack, text)
        assert CLINIC_PHONE in reply, (where, channel, reply)
        if channel != "sms":
            assert "try again in a minute" in reply, (where, channel, reply)
        assert "Traceback" not in reply and "Error" not in reply


def stored_requests_checksum(url: str) -> str:
    """sha256 of every stored call-back request, every column, in id order."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as db:
            if not sqlalchemy.inspect(db).has_table("callback_requests"):
                return "none/0"
            rows = db.execute(sqlalchemy.text("SELECT * FROM callback_requests ORDER BY id")).fetchall()
    finally:
        engine.dispose()
    return hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest() + f"/{len(rows)}"


def kill(stack, name: str, sig=signal.SIGKILL) -> None:
    """SIGKILL (or another signal) to one of the stack's processes and its children."""
    os.killpg(stack.processes[name].pid, sig)
    if sig == signal.SIGKILL:
        stack.processes[name].wait(timeout=10)
        del stack.processes[name]
