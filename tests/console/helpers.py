"""Test helpers: tracker-store events shaped like Rasa 3.6's SQLTrackerStore rows, sign-in."""
import json
import re
import time
from typing import List, Optional

from sqlalchemy import insert  # noqa: E402

from console.db import events, tracker_meta


class Tracker:
    """Writes events into an `events` table with Rasa's columns."""

    def __init__(self, engine):
        self.engine = engine
        tracker_meta.create_all(engine)

    def add(self, sender: str, rows: List[dict]) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(events), [{
                "sender_id": sender, "type_name": r["event"], "timestamp": r["timestamp"],
                "intent_name": ((r.get("parse_data") or {}).get("intent") or {}).get("name"),
                "action_name": r.get("name") if r["event"] == "action" else None,
                "data": json.dumps(r)} for r in rows])


def user(text: str, intent: str, confidence: float = 0.9, ts: Optional[float] = None, channel: str = "rest",
         faq: Optional[str] = None, faq_conf: float = 0.8, language: Optional[tuple] = None) -> dict:
    """language: (code, name) as the multilingual assistant reports it in parse_data (issue 17)."""
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    if language:
        parse["language"] = {"code": language[0], "name": language[1], "confidence": 0.97}
    if faq:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": f"faq/{faq}",
                                                           "confidence": faq_conf}}}
    return {"event": "user", "timestamp": ts or time.time(), "text": text, "parse_data": parse,
            "input_channel": channel}


def bot(text: str, ts: Optional[float] = None, buttons: Optional[List[dict]] = None) -> dict:
    return {"event": "bot", "timestamp": ts or time.time(), "text": text,
            "data": {"buttons": buttons} if buttons else {}}


def action(name: str, ts: Optional[float] = None) -> dict:
    return {"event": "action", "timestamp": ts or time.time(), "name": name}


def loop(name: Optional[str], ts: Optional[float] = None) -> dict:
    return {"event": "active_loop", "timestamp": ts or time.time(), "name": name}


def slot(name: str, value, ts: Optional[float] = None) -> dict:
    return {"event": "slot", "timestamp": ts or time.time(), "name": name, "value": value}


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def sign_in(client, name: str, password: str, follow: bool = False):
    page = client.get("/login")
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(page.text),
                                       "next": "/callbacks"}, follow_redirects=follow)


def page_csrf(client, path: str = "/account") -> str:
    return csrf_of(client.get(path).text)
