"""Rasa's socket.io channel (the website widget) with the same guards as the REST channel.

Stock `SocketIOInput` passes any message through: no length cap, no per-sender limit, a number
or object as the text only raises an error in the log, metadata that is not an object gets no
reply, and a session id with a lone surrogate stopped the whole server. This one checks each
event's shape and text at the edge (channels/edge.py), answers non-text politely, rate-limits
each conversation (RATE_LIMIT_PER_MINUTE, shared through Redis in production), and never leaves
a patient without a reply (channels/safety_net.py).
"""
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels import edge, safety_net
from channels.rate_limit import RateLimiter

logger = logging.getLogger(__name__)

SLOW_DOWN = "You're sending messages faster than I can answer. Please wait a minute, then try again."
NOT_TEXT = "Sorry, I can only read text messages. Please type your question."


class _CountingOutput(SocketIOOutput):
    """Rasa's socket.io output, counting what it sends, so silence can be noticed."""

    def __init__(self, sio: Any, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)


class PatientSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        limiter = RateLimiter()
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        handlers = sio.handlers[self.namespace or "/"]
        rasa_session_request = handlers["session_request"]

        async def say(room: Text, text: Text) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=room)

        async def session_request(sid: Text, data: Any = None) -> None:
            # a session id we could not store is replaced by a fresh one (a new conversation)
            data = dict(data) if isinstance(data, dict) else {}
            if edge.sender_problem(data.get("session_id")):
                data["session_id"] = uuid.uuid4().hex
            await rasa_session_request(sid, {"session_id": data["session_id"]})

        async def user_uttered(sid: Text, data: Any = None) -> None:
            if not isinstance(data, dict):
                return  # not something the widget sends
            room = data.get("session_id") if self.session_persistence else sid
            if edge.sender_problem(room):
                logger.warning("socket.io message refused: no usable session id")
                return
            text = data.get("message", "")
            if not isinstance(text, str):
                await say(room, NOT_TEXT)
                return
            count = limiter.count("socketio", room)
            if 0 < limiter.per_minute < count:
                if count == limiter.per_minute + 1:  # say it once a minute, not for every message
                    await say(room, SLOW_DOWN)
                return
            text = edge.patient_text(text)
            if not text:
                await say(room, "Your message was empty. What would you like to know about dry needling (IMS)?")
                return
            output = _CountingOutput(sio, self.bot_message_evt)
            message = UserMessage(text, output, room, input_channel=self.name(),
                                  metadata=edge.clean_metadata(data.get(self.metadata_key)))
            replies = await safety_net.answer(lambda: on_new_message(message), lambda: [{}] * output.sent,
                                              text, self.name())
            if not output.sent:  # Rasa said nothing or failed: the safety net's reply
                for reply in replies:
                    await say(room, reply["text"])

        # Rasa's own handlers build a UserMessage (which calls .strip() on the text) and parse
        # metadata before any hook of ours could run; ours replace them.
        handlers["session_request"] = session_request
        handlers[self.user_message_evt] = user_uttered
        return blueprint
