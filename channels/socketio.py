"""Rasa's socket.io channel (the website widget) with the same guards as the REST channel.

Stock `SocketIOInput` passes any message through: no length cap, no per-sender limit, and a
number or object as the text only raises an error in the log. This one cuts long messages,
answers non-text politely, ignores events of the wrong shape, and rate-limits each conversation (RATE_LIMIT_PER_MINUTE, shared through Redis in production like the other channels).
"""
import logging
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from channels.rate_limit import RateLimiter
from channels.rest import MAX_SENDER_CHARS, clean_text

logger = logging.getLogger(__name__)

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
            count = limiter.count("socketio", sender)
            if 0 < limiter.per_minute < count:
                if count == limiter.per_minute + 1:  # say it once a minute, not for every message
                    await message.output_channel.send_text_message(sender, SLOW_DOWN)
                return
            message.text = clean_text(message.text or "")
            await on_new_message(message)

        blueprint = super().blueprint(guarded)
        # Rasa's own handler builds a UserMessage (which calls .strip() on the text) before any
        # hook of ours runs, so a number or object as the message only raised an error in the
        # log. Check the event's shape first, then hand it to Rasa's handler.
        handlers = self.sio.handlers[self.namespace or "/"]
        rasa_handler = handlers[self.user_message_evt]

        async def checked(sid: Text, data: Any = None) -> None:
            if not isinstance(data, dict):
                return  # not something the widget sends
            if not isinstance(data.get("message", ""), str):
                room = data.get("session_id") if self.session_persistence else sid
                if isinstance(room, str) and 0 < len(room) <= MAX_SENDER_CHARS:
                    await self.sio.emit(self.bot_message_evt, {"text": NOT_TEXT}, room=room)
                return
            await rasa_handler(sid, data)

        handlers[self.user_message_evt] = checked
        return blueprint
