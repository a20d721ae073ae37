"""Queries behind the conversations list, transcripts and insights."""
import json
from datetime import date, datetime, timedelta
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlencode

from sqlalchemy import and_, case, func, select

from console import config
from console.db import Databases, callback_requests, conversations, events, messages
from console.review import topic_name

OUTCOMES = {"faq": "Answered (FAQ)", "fallback": "Fell back", "out_of_scope": "Out of scope",
            "emergency": "Emergency", "booking": "Booking link", "callback": "Call-back requested"}
CHANNELS = {"socketio": "Web", "twilio": "SMS", "rest": "REST"}
PAGE = 50


def day_start(d: date) -> float:
    return datetime(d.year, d.month, d.day, tzinfo=config.TZ).timestamp()


def parse_day(value: Optional[str]) -> Optional[date]:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def conversation_list(dbs: Databases, outcome: Optional[str] = None, channel: Optional[str] = None,
                      start: Optional[date] = None, end: Optional[date] = None, topic: Optional[str] = None,
                      after_hours: bool = False, before: Optional[Tuple[float, int]] = None) -> List[dict]:
    c = conversations.c
    query = select(conversations)
    if outcome in OUTCOMES:
        query = query.where(getattr(c, outcome))
    if channel in CHANNELS:
        query = query.where(c.channel == channel)
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
    for r in rows:
        r["tags"] = [OUTCOMES[k] for k in OUTCOMES if r[k]]
        r["channel_label"] = CHANNELS.get(r["channel"], r["channel"] or "—")
    return rows


def conversation(dbs: Databases, cid: int) -> Optional[dict]:
    with dbs.console.connect() as conn:
        row = conn.execute(select(conversations).where(conversations.c.id == cid)).first()
    if row is None:
        return None
    conv = dict(row._mapping)
    conv["tags"] = [OUTCOMES[k] for k in OUTCOMES if conv[k]]
    conv["channel_label"] = CHANNELS.get(conv["channel"], conv["channel"] or "—")
    return conv


def transcript(dbs: Databases, sender_id: str) -> List[dict]:
    lines = []
    in_form = False
    with dbs.tracker.connect() as conn:
        rows = conn.execute(select(events.c.type_name, events.c.timestamp, events.c.action_name, events.c.data)
                            .where(events.c.sender_id == sender_id).order_by(events.c.id)).fetchall()
    for kind, ts, action, raw in rows:
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            data = {}
        if kind == "active_loop":
            in_form = data.get("name") == "callback_form"
        elif kind == "user":
            parse = data.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            confidence = (parse.get("intent") or {}).get("confidence")
            topic = intent
            if intent == "faq":
                response = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
                topic = response.get("intent_response_key") or "faq"
                confidence = response.get("confidence", confidence)
            lines.append({"who": "patient", "ts": ts, "text": data.get("text") or "", "topic": topic_name(topic),
                          "intent": intent, "confidence": confidence, "in_form": in_form,
                          "emergency": intent == "emergency",
                          "unsure": intent in ("nlu_fallback", "out_of_scope")})
        elif kind == "bot":
            text = data.get("text") or ""
            buttons = [b.get("title", "") for b in (data.get("data") or {}).get("buttons") or []]
            lines.append({"who": "assistant", "ts": ts, "text": text, "buttons": buttons})
        elif kind == "action" and action in ("action_submit_callback", "action_book_online", "action_fallback",
                                            "action_out_of_scope", "utter_emergency"):
            lines.append({"who": "event", "ts": ts, "text": action.replace("action_", "").replace("_", " ")})
    return lines


# -- insights ---------------------------------------------------------------------------------
def _days(start: date, end: date) -> List[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _bucket(ts_col, start: date):
    """Day number since `start` (clinic's local days; the offset of the range's first day)."""
    base = day_start(start)
    return func.floor((ts_col - base) / 86400)


def conv_link(**params) -> str:
    return "/conversations?" + urlencode({k: v for k, v in params.items() if v})


def insights(dbs: Databases, start: date, end: date) -> Dict:
    lo, hi = day_start(start), day_start(end + timedelta(days=1))
    days = _days(start, end)
    labels = [d.strftime("%b %d") for d in days]
    m = messages.c
    out: Dict = {"days": days, "labels": labels}
    with dbs.console.connect() as conn:
        bucket = _bucket(m.ts, start)
        # messages per day by channel
        per = {}
        for b, ch, n in conn.execute(select(bucket, m.channel, func.count()).where(m.ts >= lo, m.ts < hi)
                                     .group_by(bucket, m.channel)):
            if 0 <= int(b) < len(days):
                per.setdefault(ch or "other", [0] * len(days))[int(b)] += n
        out["by_channel"] = [(config_channel(ch), vals, [conv_link(channel=ch if ch in CHANNELS else None,
                                                                  **{"from": d.isoformat(), "to": d.isoformat()})
                                                        for d in days]) for ch, vals in sorted(per.items())]
        # share answered / fell back / out of scope per day
        shares = {"faq": [0] * len(days), "fallback": [0] * len(days), "oos": [0] * len(days)}
        emergencies = [0] * len(days)
        for b, outcome, n in conn.execute(select(bucket, m.outcome, func.count()).where(
                m.ts >= lo, m.ts < hi, m.outcome.in_(("faq", "fallback", "oos", "emergency")))
                .group_by(bucket, m.outcome)):
            if not 0 <= int(b) < len(days):
                continue
            if outcome == "emergency":
                emergencies[int(b)] += n
            else:
                shares[outcome][int(b)] += n
        out["shares"] = shares
        out["emergencies"] = emergencies
        # top topics
        out["topics"] = [(t, n) for t, n in conn.execute(
            select(m.topic, func.count().label("n")).where(m.ts >= lo, m.ts < hi, m.outcome == "faq")
            .group_by(m.topic).order_by(func.count().desc()).limit(10))]
        # conversations started after hours, per week
        c = conversations.c
        weeks = sorted({d - timedelta(days=d.weekday()) for d in days})
        wbucket = func.floor((c.started - day_start(weeks[0])) / (7 * 86400))
        after = [[0, 0] for _ in weeks]
        for w, ah, n in conn.execute(select(wbucket, c.after_hours, func.count()).where(
                c.started >= lo, c.started < hi).group_by(wbucket, c.after_hours)):
            if 0 <= int(w) < len(weeks):
                after[int(w)][1 if ah else 0] += n
        out["weeks"] = weeks
        out["after_hours"] = after
    # call-back requests per week (call-back database)
    per_week = [0] * len(weeks)
    if dbs.has_table(dbs.callbacks, "callback_requests"):
        with dbs.callbacks.connect() as conn:
            for (created,) in conn.execute(select(callback_requests.c.created_at).where(
                    callback_requests.c.created_at >= datetime.utcfromtimestamp(lo),
                    callback_requests.c.created_at < datetime.utcfromtimestamp(hi))):
                d = config.local(created).date()
                w = (d - weeks[0]).days // 7
                if 0 <= w < len(weeks):
                    per_week[w] += 1
    out["callbacks_per_week"] = per_week
    return out


def config_channel(ch: Optional[str]) -> str:
    return CHANNELS.get(ch or "", ch or "other")
