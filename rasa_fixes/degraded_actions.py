"""When the action server is down or hangs, the patient still gets a reply, and a form waits.

Rasa 3.6 logs a failed custom action and carries on with no reply at all: with the action server
stopped, "hi" or "can someone call me back" got an empty answer, and an answer typed into the
call-back form was half-taken (the slot filled, never validated). Here:

- an action call that cannot connect is retried for a few seconds (a supervisor restarts a
  crashed action server in about that time), then fails fast for a while (circuit breaker), so
  a long outage does not make every patient wait;
- an action call has a time limit (Rasa's default is five minutes);
- a failed custom action becomes a short reply with the clinic's phone number;
- a failed form turn takes back the answer it could not check (nothing unvalidated is kept),
  keeps the form where it was and asks the patient to send the answer again in a minute.

Emergency replies are plain responses (domain.yml), so they never depend on any of this.
"""
import asyncio
import logging
import os
import time
from typing import Any, List, Optional

import aiohttp
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.shared.core.events import BotUttered, Event, SlotSet, UserUttered
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

RETRY_SECONDS = float(os.environ.get("ACTION_RETRY_SECONDS", 6))
CALL_TIMEOUT_SECONDS = float(os.environ.get("ACTION_TIMEOUT_SECONDS", 8))
BREAKER_SECONDS = float(os.environ.get("ACTION_BREAKER_SECONDS", 20))
DEGRADED = "degraded"  # BotUttered metadata key: this reply stands in for a failed action


class ActionServerUnavailable(RasaException):
    """The action server could not run an action (down, unreachable or too slow)."""


class _Breaker:
    """After a failure, calls get one try (no retries) until BREAKER_SECONDS have passed."""

    def __init__(self) -> None:
        self.failed_at: Optional[float] = None

    def retry_budget(self) -> float:
        if self.failed_at is not None and time.monotonic() - self.failed_at < BREAKER_SECONDS:
            return 0.0
        return RETRY_SECONDS

    def failed(self) -> None:
        self.failed_at = time.monotonic()

    def succeeded(self) -> None:
        self.failed_at = None


breaker = _Breaker()
_remote_run = RemoteAction.run
_form_run = FormAction.run


def _refused(error: BaseException) -> bool:
    """The request never reached the action server (connection refused): safe to send again."""
    cause = error.__cause__ or error.__context__
    return isinstance(cause, aiohttp.ClientConnectorError)


async def remote_run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
    deadline = time.monotonic() + breaker.retry_budget()
    delay = 0.25
    while True:
        try:
            events = await asyncio.wait_for(_remote_run(self, output_channel, nlg, tracker, domain),
                                            CALL_TIMEOUT_SECONDS)
            breaker.succeeded()
            return events
        except ActionExecutionRejection:
            raise
        except asyncio.TimeoutError:
            breaker.failed()
            raise ActionServerUnavailable(f"action '{self.name()}' took over {CALL_TIMEOUT_SECONDS:.0f} s")
        except RasaException as error:
            if _refused(error) and time.monotonic() + delay < deadline:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
                continue
            breaker.failed()
            raise ActionServerUnavailable(f"action '{self.name()}' failed") from error


async def remote_run_or_reply(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any,
                              domain: Any) -> List[Event]:
    try:
        return await remote_run(self, output_channel, nlg, tracker, domain)
    except ActionServerUnavailable as error:
        if self.name().startswith("validate_"):
            raise  # the form that called it decides what to say (form_run)
        logger.error("%s; answered with the clinic's number", error)
        return _reply(tracker, _unavailable_text(tracker))


async def form_run(self: FormAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
    try:
        return await _form_run(self, output_channel, nlg, tracker, domain)
    except ActionServerUnavailable as error:
        if tracker.active_loop_name != self.name():  # could not even start: nothing to keep
            logger.error("%s; %s not started", error, self.name())
            return _reply(tracker, _unavailable_text(tracker))
        undo = _take_back_unchecked_answers(self, tracker, domain)
        if not undo:
            # Nothing was answered this turn (an emergency, a question, "never mind"). Rasa rejects a
            # form turn that fills nothing, so the rules for interruptions decide what to say; do
            # the same, or an emergency inside the form would get this reply instead of 911.
            raise ActionExecutionRejection(self.name(), "no answer to the form's question this turn")
        logger.error("%s during %s; the form waits for the patient's answer again", error, self.name())
        text = (f"Sorry, I couldn't save that answer just now. Please send it again in a minute, "
                f"or call us at {_phone()}.")
        return undo + _reply(tracker, text)


def _take_back_unchecked_answers(form: FormAction, tracker: Any, domain: Any) -> List[Event]:
    """Undo this turn's slot fills for the form's questions: they were never validated."""
    required = set(form.required_slots(domain))
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if isinstance(e, UserUttered)), default=-1)
    undo = []
    for slot in {e.key for e in events[last_user + 1:] if isinstance(e, SlotSet) and e.key in required}:
        before = next((e.value for e in reversed(events[:last_user + 1])
                       if isinstance(e, SlotSet) and e.key == slot), None)
        undo.append(SlotSet(slot, before))
    return undo


def _reply(tracker: Any, text: str) -> List[Event]:
    """One stand-in reply per turn, however many actions fail in it."""
    for event in reversed(list(tracker.events)):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered) and (event.metadata or {}).get(DEGRADED):
            return []
    return [BotUttered(text, metadata={DEGRADED: True})]


def _phone() -> str:
    from channels.safety_net import clinic_phone

    return clinic_phone()


def _unavailable_text(tracker: Any) -> str:
    again = "" if tracker.get_latest_input_channel() == "twilio" else " or try again in a minute"
    return f"Sorry, I can't do that right now. Please call us at {_phone()}{again}."


def apply() -> None:
    RemoteAction.run = remote_run_or_reply
    FormAction.run = form_run
