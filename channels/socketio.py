"""Rasa's socket.io channel (the website widget) with the same guards as the REST channel.

Stock `SocketIOInput` passes any message through: no length cap, no per-sender limit, any JSON type
as the text. This one cuts long messages, answers non-text politely, and rate-limits each
conversation (RATE_LIMIT_PER_MINUTE, shared through Redis in production like the other channels).
"""
import logging
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from channels.rate_limit import RateLimiter
from channels.rest import clean_text

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
SLOW_DOWN = "You're sending messages faster than I can answer. Please wait a minute, then try again."
NOT_TEXT = "Sorry, I can only read text messages. Please type your question."


class PatientSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        limiter = RateLimiter()

        async def guarded(message: UserMessage) -> None:
            sender = str(message.sender_id or "")
            if len(sender) > MAX_SENDER_CHARS:
                logger.warning("socket.io message refused: session id over %d characters", MAX_SENDER_CHARS)
                return
            if not limiter.allow("socketio", sender):
                await message.output_channel.send_text_message(sender, SLOW_DOWN)
                return
            if not isinstance(message.text, str):
                await message.output_channel.send_text_message(sender, NOT_TEXT)
                return
            message.text = clean_text(message.text)
            await on_new_message(message)

        return super().blueprint(guarded)
