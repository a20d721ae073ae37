"""Rasa's REST channel with the checks a public endpoint needs.

Stock `RestInput` answers 200 with an empty list to a body without a message, passes any JSON
type through as the sender and logs the patient's text when something fails. This one rejects
malformed requests with a clear 4xx, caps the size of what it reads and never echoes the text.
Same URL as the stock channel: /webhooks/rest/webhook.
"""
import json
import logging
import os
from typing import Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import edge, safety_net
from channels.rate_limit import RateLimiter

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = int(os.environ.get("REST_MAX_BODY_BYTES", 64 * 1024))
EMPTY_REPLY = "Your message was empty. What would you like to know about dry needling (IMS)?"


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
                body = json.loads(request.body or b"")
            except (ValueError, RecursionError):
                return error(400, "body must be JSON")
            if not isinstance(body, dict):
                return error(400, 'body must be a JSON object: {"sender": "...", "message": "..."}')
            sender, text = body.get("sender"), body.get("message")
            problem = edge.sender_problem(sender)
            if problem:
                return error(400, problem)
            if not isinstance(text, str):
                return error(400, "message must be a string")
            if not limiter.allow("rest", sender):
                return error(429, "too many messages from this sender, please wait a minute")
            text = edge.patient_text(text)
            if not text:
                return response.json([{"text": EMPTY_REPLY}])

            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender, input_channel=self.name(),
                                  metadata=edge.clean_metadata(body.get("metadata")))
            replies = await safety_net.answer(lambda: on_new_message(message), lambda: collector.messages,
                                              text, self.name())
            return response.json(replies)

        return webhook
