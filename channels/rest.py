"""Rasa's REST channel with the checks a public endpoint needs.

Stock `RestInput` answers 200 with an empty list to a body without a message, passes any JSON
type through as the sender and logs the patient's text when something fails. This one rejects
malformed requests with a clear 4xx, caps the size of what it reads and never echoes the text.
Same URL as the stock channel: /webhooks/rest/webhook.
"""
import logging
import os
import re
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.rate_limit import RateLimiter

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = int(os.environ.get("REST_MAX_BODY_BYTES", 64 * 1024))
MAX_MESSAGE_CHARS = int(os.environ.get("MAX_MESSAGE_CHARS", 2000))
MAX_SENDER_CHARS = 128
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Drop control characters and cut very long messages to what a patient would write."""
    return _CONTROL.sub(" ", text)[:MAX_MESSAGE_CHARS].strip()


def error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class PatientRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("patient_rest_webhook", __name__)
        limiter = RateLimiter()

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return error(413, f"request body over {MAX_BODY_BYTES} bytes")
            try:
                body = request.json
            except Exception:
                return error(400, "body must be JSON")
            if not isinstance(body, dict):
                return error(400, 'body must be a JSON object: {"sender": "...", "message": "..."}')
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER_CHARS:
                return error(400, f"sender must be a string of 1 to {MAX_SENDER_CHARS} characters")
            if not isinstance(text, str):
                return error(400, "message must be a string")
            if not limiter.allow("rest", sender):
                return error(429, "too many messages from this sender, please wait a minute")
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None

            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(
                    clean_text(text), collector, sender, input_channel=self.name(), metadata=metadata))
            except CancelledError:
                logger.error("REST message timed out (sender hash %s)", hash(sender))
                return error(503, "the assistant is busy, please try again")
            except Exception as exc:  # never show a patient a stack trace, never log their text
                logger.error("REST message failed: %s", type(exc).__name__)
                return error(500, "something went wrong on our side, please try again")
            return response.json(collector.messages)

        return webhook
