"""SMS through Twilio, answered inside the webhook response (TwiML).

What Rasa's own Twilio channel does not do, and this one does:
- checks `X-Twilio-Signature` against the auth token and the public URL (Twilio's
  RequestValidator) and answers 403 without touching any conversation when it fails;
- renders quick replies as ONE message with numbered options, and maps a reply of "1" or "2"
  back to that button's payload (looked up in the shared tracker store, so it works on any of
  several servers);
- keeps replies short and plain (no markdown), and honours STOP / START / HELP;
- keys conversations by a hash of the phone number, so numbers stay out of the tracker store
  and the logs.

Settings (environment): TWILIO_AUTH_TOKEN, TWILIO_WEBHOOK_URL (the public URL Twilio calls,
e.g. https://chat.example-clinic.ca/webhooks/twilio/webhook), SMS_MAX_CHARS (default 1000).
"""
import hashlib
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels import edge, safety_net
from channels.rate_limit import RateLimiter
from channels.sms_optout import OptOutList
# how replies read as one SMS: plain Python, shared with the console's answers page
from channels.sms_text import ALSO_ASKED, GSM7, SHORT_TITLES, TINY_TITLES, plain, render, segments  # noqa: F401
from clinic import config

logger = logging.getLogger(__name__)

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
START_WORDS = {"START", "UNSTOP", "OPTIN"}
HELP_WORDS = {"HELP", "INFO"}


def twiml(text: Optional[str]) -> HTTPResponse:
    inner = f"<Message>{escape(text)}</Message>" if text else ""
    return response.text(f'<?xml version="1.0" encoding="UTF-8"?><Response>{inner}</Response>',
                         content_type="application/xml")


def conversation_id(phone: str) -> str:
    salt = os.environ.get("SMS_SENDER_SALT", "clinic-sms")
    return "sms-" + hashlib.sha256(f"{salt}:{phone}".encode()).hexdigest()[:24]


class TwilioSmsInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(credentials.get("auth_token") or os.environ.get("TWILIO_AUTH_TOKEN", ""),
                   credentials.get("webhook_url") or os.environ.get("TWILIO_WEBHOOK_URL", ""))

    def __init__(self, auth_token: str, webhook_url: str) -> None:
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.webhook_url = webhook_url
        self.max_chars = int(os.environ.get("SMS_MAX_CHARS", 1000))
        self.optouts = OptOutList()
        self.limiter = RateLimiter()
        if not auth_token or not webhook_url:
            logger.warning("SMS channel: TWILIO_AUTH_TOKEN or TWILIO_WEBHOOK_URL missing; every request is refused")

    @staticmethod
    def remember(change: Callable[[str], None], sender_id: str) -> None:
        """Record STOP / START; with the database down Twilio's own opt-out list still applies."""
        try:
            change(sender_id)
        except Exception as error:
            logger.error("SMS opt-out list not updated: %s", type(error).__name__)

    def opted_out(self, sender_id: str) -> bool:
        """Unknown when the database is down: answer anyway (Twilio itself blocks texts after STOP)."""
        try:
            return self.optouts.is_opted_out(sender_id)
        except Exception as error:
            logger.warning("SMS opt-out list unreachable: %s", type(error).__name__)
            return False

    def signed(self, request: Request, params: Dict[str, str]) -> bool:
        if not self.validator or not self.webhook_url:
            return False
        return self.validator.validate(self.webhook_url, params, request.headers.get("X-Twilio-Signature", ""))

    async def numbered_choice(self, request: Request, sender_id: str, body: str) -> Optional[str]:
        """'2' -> the payload of the 2nd option we last offered this sender, if any."""
        if not re.fullmatch(r"\d{1,2}", body):
            return None
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        try:
            tracker = await agent.tracker_store.retrieve(sender_id)
        except Exception as error:  # tracker store down: read "2" as text rather than fail
            logger.warning("SMS option lookup failed: %s", type(error).__name__)
            return None
        if tracker is None:
            return None
        last_bot = next((e for e in reversed(tracker.events) if isinstance(e, BotUttered)), None)
        buttons = (last_bot.data.get("buttons") or last_bot.data.get("quick_replies") or []) if last_bot else []
        index = int(body) - 1
        return buttons[index]["payload"] if 0 <= index < len(buttons) else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sms = Blueprint("twilio_sms_webhook", __name__)

        @sms.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sms.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > 64 * 1024:
                return response.text("body too large", status=413)
            try:  # Twilio signs every parameter, empty ones included
                form = parse_qs((request.body or b"").decode("utf-8"), keep_blank_values=True, strict_parsing=False)
                params = {key: values[0] for key, values in form.items()}
            except (UnicodeDecodeError, ValueError):
                return response.text("form-encoded UTF-8 body expected", status=400)
            if not self.signed(request, params):
                return response.text("invalid Twilio signature", status=403)
            phone, body = params.get("From", ""), (params.get("Body") or "").strip()
            if not phone:
                return response.text("missing From", status=400)
            sender_id = conversation_id(phone)
            clinic = config.load()
            keyword = body.upper().strip(" .!")

            if keyword in STOP_WORDS:
                self.remember(self.optouts.opt_out, sender_id)
                return twiml(f"You're unsubscribed from {clinic.short_name} messages and won't get more. "
                             "Reply START to resubscribe.")
            opted_out = self.opted_out(sender_id)
            if keyword in START_WORDS or (keyword == "YES" and opted_out):
                self.remember(self.optouts.opt_in, sender_id)
                return twiml(f"You're resubscribed to {clinic.short_name}. Ask me about dry needling (IMS) "
                             "any time. Reply HELP for help, STOP to opt out.")
            if opted_out:
                return twiml(None)  # opted out: say nothing
            if keyword in HELP_WORDS:
                return twiml(f"{clinic.name} assistant: general info about dry needling (IMS), booking and "
                             f"call-backs. Call us at {clinic.phone}. Emergencies: 911. Msg&data rates may apply. "
                             "Reply STOP to opt out.")
            if not self.limiter.allow("sms", sender_id):
                return twiml(None)  # a flood: answer nothing rather than run up SMS charges
            body = edge.patient_text(body[: self.max_chars])
            if not body:
                return twiml("Your message was empty. What would you like to know about dry needling (IMS)?")

            text = await self.numbered_choice(request, sender_id, body) or body
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender_id, input_channel=self.name())
            replies = await safety_net.answer(lambda: on_new_message(message), lambda: collector.messages,
                                              text, self.name())
            return twiml(render(replies))

        return sms
