"""Queries behind the conversations list, transcripts and insights."""
import json
from datetime import date, datetime, timedelta, timezone
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlencode

from sqlalchemy import JSON, and_, case, cast, false, func, select, type_coerce

from clinic import parse_result  # the assistant's own reader of a parse result
from console import config, display, languages
from console.db import Databases, callback_requests, conversations, daily, events, messages, event_json
from console.review import is_patient_topic, mask, topic_name

OUTCOMES = {"faq": "Answered (FAQ)", "fallback": "Fell back", "out_of_scope": "Out of scope",
            "emergency": "Emergency", "booking": "Booking link", "callback": "Call-back requested",
            "other_language": "Other language (told to call)"}
CHANNELS = display.CHANNELS
PAGE = 50
SEARCH_LIMIT = 2000  # conversations a text search narrows the list to (the most recently active)


def day_start(d: date) -> float:
    return datetime(d.year, d.month, d.day, tzinfo=config.TZ).timestamp()


def parse_day(value: Optional[str]) -> Optional[date]:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def conversation_list(dbs: Databases, outcome: Optional[str] = None, channel: Optional[str] = None,
                      start: Optional[date] = None, end: Optional[date] = None, topic: Optional[str] = None,
                      after_hours: bool = False, before: Optional[Tuple[float, int]] = None,
                      language: Optional[str] = None, senders: Optional[List[str]] = None) -> List[dict]:
    """Newest activity first (then the higher id), PAGE + 1 rows; senders: only these conversations
    (a text search's matches)."""
    c = conversations.c
    query = select(conversations)
    if senders is not None:
        query = query.where(c.sender_id.in_(senders)) if senders else query.where(false())
    if language and languages.where(c.language, language) is not None:
        query = query.where(languages.where(c.language, language))
    if outcome in OUTCOMES:
        query = query.where(getattr(c, outcome))
    if channel in CHANNELS:
        query = query.where(func.lower(c.channel) == channel)
    if start:
        query = query.where(c.last >= day_start(start))
    if end:
        query = query.where(c.started < day_start(end + timedelta(days=1)))
    if after_hours:
        query = query.where(c.after_hours)
    if topic:
        sub = select(messages.c.conversation_id).where(messages.c.topic == topic)
        if start:
            sub = sub.where(messages.c.ts >= day_start(start))
        if end:
            sub = sub.where(messages.c.ts < day_start(end + timedelta(days=1)))
        query = query.where(c.id.in_(sub))
    if before:
        query = query.where((c.last < before[0]) | and_(c.last == before[0], c.id < before[1]))
    query = query.order_by(c.last.desc(), c.id.desc()).limit(PAGE + 1)
    with dbs.console.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
        names = languages.names(conn)
    for r in rows:
        _label(r, names)
    firsts = first_messages(dbs, [r["sender_id"] for r in rows])
    for r in rows:
        r["preview"] = firsts.get(r["sender_id"], "")
    return rows


def _user_text(dbs: Databases):
    """The SQL expression for a user event's text (`data` is Rasa's JSON), on SQLite and PostgreSQL."""
    if dbs.tracker.dialect.name == "postgresql":
        return cast(events.c.data, JSON)["text"].as_string()
    if dbs.tracker.dialect.name == "sqlite":  # a malformed row is skipped, not an error for the whole search
        return case((func.json_valid(events.c.data), type_coerce(events.c.data, JSON)["text"].as_string()))
    return events.c.data  # elsewhere: the JSON as text (a few more matches)


def first_messages(dbs: Databases, senders: List[str]) -> Dict[str, str]:
    """sender id -> the first patient message, shortened (a tapped button by its name, numbers masked)."""
    if not senders or not dbs.has_table(dbs.tracker, "events"):
        return {}
    out = {}
    with dbs.tracker.connect() as conn:
        for start in range(0, len(senders), 500):
            first = (select(func.min(events.c.id)).where(events.c.sender_id.in_(senders[start:start + 500]),
                                                         events.c.type_name == "user")
                     .group_by(events.c.sender_id))
            for sender, raw in conn.execute(select(events.c.sender_id, events.c.data).where(events.c.id.in_(first))):
                shown, _ = display.patient_text(_json(raw).get("text") or "", topic_name=topic_name)
                out[sender] = display.preview(mask(shown))
    return out


def search(dbs: Databases, words: str) -> List[str]:
    """Conversations (sender ids) with a patient message containing words (case-insensitive), most
    recently active first, at most SEARCH_LIMIT. Parameterised LIKE on the tracker store's events."""
    words = " ".join((words or "").split())[:200]
    if not words or not dbs.has_table(dbs.tracker, "events"):
        return []
    pattern = "%" + "".join("!" + ch if ch in "!%_" else ch for ch in words) + "%"
    query = (select(events.c.sender_id).where(events.c.type_name == "user",
                                              _user_text(dbs).ilike(pattern, escape="!"))
             .group_by(events.c.sender_id).order_by(func.max(events.c.id).desc()).limit(SEARCH_LIMIT))
    with dbs.tracker.connect() as conn:
        return list(conn.scalars(query))


_json = event_json  # one reader of an event's data: console/db.py


def _label(conv: dict, names: Dict[str, str]) -> None:
    conv["tags"] = [OUTCOMES[k] for k in OUTCOMES if conv[k]]
    conv["channel_label"] = display.channel_name(conv["channel"])
    conv["language_name"] = names.get(conv["language"], conv["language"])


def conversation(dbs: Databases, cid: int) -> Optional[dict]:
    with dbs.console.connect() as conn:
        row = conn.execute(select(conversations).where(conversations.c.id == cid)).first()
        names = languages.names(conn) if row is not None else {}
    if row is None:
        return None
    conv = dict(row._mapping)
    _label(conv, names)
    return conv


def language_names(dbs: Databases) -> Dict[str, str]:
    with dbs.console.connect() as conn:
        return languages.names(conn)


def transcript(dbs: Databases, sender_id: str) -> List[dict]:
    lines = []
    in_form = False
    buttons = display.Buttons()  # to show a tapped button by its title, not its payload
    with dbs.tracker.connect() as conn:
        rows = conn.execute(select(events.c.type_name, events.c.timestamp, events.c.action_name, events.c.data,
                                   events.c.id).where(events.c.sender_id == sender_id).order_by(events.c.id)).fetchall()
    for kind, ts, action, raw, event_id in rows:
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            data = {}
        if kind == "active_loop":
            in_form = data.get("name") == "callback_form"
        elif kind == "user":
            parse = data.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            topic, confidence = parse_result.label_and_confidence(parse)
            topic = topic or intent
            code, name = languages.language_of(parse)
            shown, tapped = display.patient_text(data.get("text") or "", buttons, topic_name)
            buttons.patient_spoke()
            lines.append({"who": "patient", "id": event_id, "ts": ts, "text": shown, "tapped": tapped, "topic": topic_name(topic),
                          "language": code, "language_name": name,
                          "intent": intent, "confidence": confidence, "in_form": in_form,
                          "emergency": intent == "emergency" or any(
                              isinstance(e, dict) and e.get("entity") == "emergency_kind"
                              for e in parse.get("entities") or []),
                          "unsure": intent in ("nlu_fallback", "out_of_scope")})
        elif kind == "bot":
            text = data.get("text") or ""
            shown = [b for b in (data.get("data") or {}).get("buttons") or [] if isinstance(b, dict)]
            buttons.shown(shown)
            lines.append({"who": "assistant", "ts": ts, "text": text, "buttons": [b.get("title", "") for b in shown]})
        elif kind == "action" and action == "utter_emergency":  # the red-flag reply, whatever the intent
            for line in reversed(lines):
                if line["who"] == "patient":
                    line["emergency"] = True
                    break
            lines.append({"who": "event", "ts": ts, "text": "utter emergency"})
        elif kind == "action" and action in ("action_submit_callback", "action_book_online", "action_fallback",
                                            "action_out_of_scope", "utter_emergency"):
            lines.append({"who": "event", "ts": ts, "text": action.replace("action_", "").replace("_", " ")})
    return lines


# -- insights ---------------------------------------------------------------------------------
def _days(start: date, end: date) -> List[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def today(dbs: Databases, day: date) -> Dict[str, int]:
    """Counts for one clinic day from the per-day table."""
    d = daily.c
    out = {"conversations": 0, "messages": 0, "faq": 0, "fallback": 0, "oos": 0, "emergency": 0}
    with dbs.console.connect() as conn:
        for kind, key, n in conn.execute(select(d.kind, d.key, d.n).where(d.day == day.isoformat())):
            if kind == "start":
                out["conversations"] += n
            elif kind == "channel":
                out["messages"] += n
            elif kind == "outcome" and key in out:
                out[key] += n
    return out


def conv_link(**params) -> str:
    return "/conversations?" + urlencode({k: v for k, v in params.items() if v})


def insights(dbs: Databases, start: date, end: date) -> Dict:
    """Chart data from the per-day counts (console_daily) and the call-back requests."""
    days = _days(start, end)
    index = {d.isoformat(): i for i, d in enumerate(days)}
    labels = [d.strftime("%b %d") for d in days]
    weeks = sorted({d - timedelta(days=d.weekday()) for d in days})
    out: Dict = {"days": days, "labels": labels, "weeks": weeks}
    per: Dict[str, List[int]] = {}
    shares = {"faq": [0] * len(days), "fallback": [0] * len(days), "oos": [0] * len(days)}
    emergencies = [0] * len(days)
    topics: Dict[str, int] = {}
    by_language: Dict[str, int] = {}  # conversations by the day they started
    other_language = 0  # messages the assistant told, in their language, to call
    after = [[0, 0] for _ in weeks]
    d = daily.c
    with dbs.console.connect() as conn:
        rows = conn.execute(select(d.day, d.kind, d.key, d.n).where(
            d.day >= start.isoformat(), d.day <= end.isoformat())).fetchall()
    for day, kind, key, n in rows:
        i = index.get(day)
        if i is None:
            continue
        if kind == "channel":
            per.setdefault((key or "other").lower(), [0] * len(days))[i] += n
        elif kind == "outcome":
            if key == "emergency":
                emergencies[i] += n
            elif key == languages.OUTCOME:
                other_language += n
            elif key in shares:
                shares[key][i] += n
        elif kind == "topic":
            topics[key] = topics.get(key, 0) + n
        elif kind == "language":
            by_language[key] = by_language.get(key, 0) + n
        elif kind == "start":
            w = (days[i] - weeks[0]).days // 7
            after[w][1 if key == "after" else 0] += n
    out["by_channel"] = [(config_channel(ch), vals, [conv_link(channel=ch if ch in CHANNELS else None,
                                                              **{"from": x.isoformat(), "to": x.isoformat()})
                                                    for x in days]) for ch, vals in sorted(per.items())]
    out["shares"], out["emergencies"], out["after_hours"] = shares, emergencies, after
    out["languages"] = sorted(((k, n) for k, n in by_language.items() if n > 0), key=lambda kv: (-kv[1], kv[0]))
    out["other_language"] = other_language
    out["topics"] = sorted(((t, n) for t, n in topics.items() if is_patient_topic(t)), key=lambda kv: -kv[1])[:10]
    lo, hi = day_start(start), day_start(end + timedelta(days=1))
    per_week = [0] * len(weeks)
    if dbs.has_table(dbs.callbacks, "callback_requests"):
        with dbs.callbacks.connect() as conn:
            for (created,) in conn.execute(select(callback_requests.c.created_at).where(
                    callback_requests.c.created_at >= datetime.fromtimestamp(lo, timezone.utc).replace(tzinfo=None),
                    callback_requests.c.created_at < datetime.fromtimestamp(hi, timezone.utc).replace(tzinfo=None))):
                w = (config.local(created).date() - weeks[0]).days // 7
                if 0 <= w < len(weeks):
                    per_week[w] += 1
    out["callbacks_per_week"] = per_week
    return out


def other_language_messages(dbs: Databases, start: date, end: date) -> int:
    """Messages in a language the assistant has no answers in, from the per-day counts."""
    d = daily.c
    with dbs.console.connect() as conn:
        return sum(conn.scalars(select(d.n).where(d.kind == "outcome", d.key == languages.OUTCOME,
                                                  d.day >= start.isoformat(), d.day <= end.isoformat())))


def config_channel(ch: Optional[str]) -> str:
    return display.channel_name(ch) if ch else "other"
