"""A patient on each channel, as the fault and fuzz tests use them: REST, signed SMS, the widget."""
import time
import uuid
from typing import List
from xml.etree import ElementTree

import requests
import socketio
from twilio.request_validator import RequestValidator

CHANNELS = ("rest", "sms", "socketio")


def rest(stack, sender: str, text: str, timeout: float = 40) -> str:
    """The bot's texts for one REST message (HTTP 200 expected)."""
    reply = requests.post(f"{stack.url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                          timeout=timeout)
    assert reply.status_code == 200, (reply.status_code, reply.text[:300])
    return " ".join(m.get("text", "") for m in reply.json())


def sms_post(stack, phone: str, text: str, timeout: float = 40) -> requests.Response:
    url = stack.env["TWILIO_WEBHOOK_URL"]
    params = {"From": phone, "To": "+16045550100", "Body": text, "MessageSid": "SM" + uuid.uuid4().hex}
    signature = RequestValidator(stack.env["TWILIO_AUTH_TOKEN"]).compute_signature(url, params)
    # the stack's public URL names the server that signed it; post to the server under test
    target = f"{stack.url}/webhooks/twilio/webhook"
    return requests.post(target, data=params, headers={"X-Twilio-Signature": signature}, timeout=timeout)


def sms(stack, phone: str, text: str, timeout: float = 40) -> str:
    """The SMS text Twilio would send back (one message per turn)."""
    reply = sms_post(stack, phone, text, timeout)
    assert reply.status_code == 200, (reply.status_code, reply.text[:300])
    messages = ElementTree.fromstring(reply.text).findall("Message")
    assert len(messages) <= 1
    return messages[0].text if messages else ""


class Widget:
    """The website widget: a socket.io client in its own conversation, collecting the bot's texts."""

    def __init__(self, stack):
        self.replies: List[str] = []
        self.session_id = "widget-" + uuid.uuid4().hex
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", lambda data: self.replies.append(
            data.get("text", "") if isinstance(data, dict) else ""))
        self.client.connect(stack.url, transports=["polling"], socketio_path="socket.io", wait_timeout=10)
        self.client.emit("session_request", {"session_id": self.session_id})
        time.sleep(0.3)

    def say(self, text: str, timeout: float = 40) -> str:
        """Send a message; the texts that arrive until the replies stop coming."""
        seen = len(self.replies)
        self.client.emit("user_uttered", {"session_id": self.session_id, "message": text})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.replies) == seen:
            time.sleep(0.1)
        time.sleep(0.5)  # a turn may send several messages
        return " ".join(self.replies[seen:])

    def close(self) -> None:
        self.client.disconnect()


def say_on(channel: str, stack, text: str) -> str:
    """One message from a new patient on `channel`."""
    if channel == "rest":
        return rest(stack, "p-" + uuid.uuid4().hex[:12], text)
    if channel == "sms":
        return sms(stack, f"+1604555{uuid.uuid4().int % 10000:04d}", text)
    widget = Widget(stack)
    try:
        return widget.say(text)
    finally:
        widget.close()
