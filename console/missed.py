"""Missed emergencies (issue 18, point 4): patient messages staff marked as a red flag the assistant did
not catch. Marks live in console_missed_emergencies (event id, who, when; no text). The list and its CSV,
for the red-flag tests, read the text and language from the tracker store, so a conversation erased
there ("delete my details", the retention purge) leaves the list too (console/ingest.py reconcile)."""
import csv
import io
import os
from datetime import date, datetime, timedelta
from typing import Dict, Iterable, List, Optional, Set

from sqlalchemy import delete, insert, select

from console import config, languages
from console.callback_queue import _safe
from console.db import Databases, conversations, events, missed_emergencies, event_json
from console.review import mask

TAG = "Missed emergency"
me = missed_emergencies.c


def marked_events(dbs: Databases, sender_id: str) -> Set[int]:
    """The marked message ids (tracker event ids) of one conversation."""
    with dbs.console.connect() as conn:
        return set(conn.scalars(select(me.event_id).where(me.sender_id == sender_id)))


def marked_senders(dbs: Databases, senders: Iterable[str]) -> Set[str]:
    senders, out = list(senders), set()
    with dbs.console.connect() as conn:
        for start in range(0, len(senders), 500):
            out |= set(conn.scalars(select(me.sender_id).where(me.sender_id.in_(senders[start:start + 500]))
                                    .distinct()))
    return out


def highlight(dbs: Databases, convs: List[dict]) -> List[dict]:
    """Conversations (views.conversation_list / conversation rows): missed_emergency set, tag added."""
    found = marked_senders(dbs, [c["sender_id"] for c in convs])
    for c in convs:
        c["missed_emergency"] = c["sender_id"] in found
        if c["missed_emergency"] and TAG not in c.get("tags", []):
            c.setdefault("tags", []).append(TAG)
    return convs


def mark_lines(dbs: Databases, sender_id: str, lines: List[dict]) -> List[dict]:
    """Transcript lines (views.transcript): a marked patient message is highlighted like an emergency."""
    found = marked_events(dbs, sender_id)
    for line in lines:
        if line["who"] == "patient":
            line["missed"] = line.get("id") in found
    return lines


def _patient_message(dbs: Databases, sender_id: str, event_id: int):
    """The tracker store's user event with this id in this conversation, or None."""
    with dbs.tracker.connect() as conn:
        return conn.execute(select(events.c.id, events.c.timestamp, events.c.data).where(
            events.c.id == event_id, events.c.sender_id == sender_id, events.c.type_name == "user")).first()


def mark(dbs: Databases, sender_id: str, event_id: int, user_name: str) -> bool:
    """Marks a patient message; False if it was marked already. LookupError: no such patient message."""
    row = _patient_message(dbs, sender_id, event_id)
    if row is None:
        raise LookupError("no such patient message")
    with dbs.console.begin() as conn:
        if conn.scalar(select(me.event_id).where(me.event_id == event_id)) is not None:
            return False
        conn.execute(insert(missed_emergencies).values(event_id=event_id, sender_id=sender_id,
                                                       ts=row.timestamp or 0.0, user_name=user_name,
                                                       at=config.now_utc()))
    return True


def unmark(dbs: Databases, sender_id: str, event_id: int) -> bool:
    with dbs.console.begin() as conn:
        return conn.execute(delete(missed_emergencies).where(
            me.event_id == event_id, me.sender_id == sender_id)).rowcount > 0


_json = event_json  # one reader of an event's data: console/db.py


def listing(dbs: Databases) -> List[dict]:
    """Every marked message, newest first: text (digit runs masked), language (when the parse had one),
    conversation, message time, who marked it and when."""
    with dbs.console.connect() as conn:
        marks = [dict(r._mapping) for r in conn.execute(select(missed_emergencies).order_by(me.ts.desc()))]
        senders = list({m["sender_id"] for m in marks})
        cids: Dict[str, int] = {}
        for start in range(0, len(senders), 500):
            cids.update({s: cid for cid, s in conn.execute(select(conversations.c.id, conversations.c.sender_id)
                                                         .where(conversations.c.sender_id.in_(senders[start:start + 500])))})
    texts: Dict[int, dict] = {}
    ids = [m["event_id"] for m in marks]
    if ids and dbs.has_table(dbs.tracker, "events"):
        with dbs.tracker.connect() as conn:
            for start in range(0, len(ids), 500):
                for eid, raw in conn.execute(select(events.c.id, events.c.data).where(
                        events.c.id.in_(ids[start:start + 500]), events.c.type_name == "user")):
                    texts[eid] = _json(raw)
    out = []
    for m in marks:
        data = texts.get(m["event_id"])
        if data is None:  # erased from the tracker store since (reconcile drops the mark)
            continue
        language = (data.get("parse_data") or {}).get("language")
        code = languages.normalise(language.get("code")) if isinstance(language, dict) else None
        name = " ".join(str(language.get("name") or "").split())[:60] if code else ""
        out.append({"event_id": m["event_id"], "conversation": cids.get(m["sender_id"]), "ts": m["ts"],
                    "text": mask((data.get("text") or "")[:1000]), "language": code or "", "language_name": name,
                    "marked_by": m["user_name"], "marked_at": m["at"]})
    return out


def export_csv(rows: List[dict]) -> str:
    base = os.environ.get("CONSOLE_PUBLIC_URL", "").rstrip("/")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date (Vancouver)", "text", "language", "conversation", "link"])
    for r in rows:
        when = datetime.fromtimestamp(r["ts"], config.TZ).strftime("%Y-%m-%d %H:%M")
        link = f"{base}/conversations/{r['conversation']}" if r["conversation"] else ""
        writer.writerow([when, _safe(r["text"]), r["language"], f"C{r['conversation']}" if r["conversation"] else "",
                         link])
    return out.getvalue()


def per_day(dbs: Databases, days: List[date]) -> List[int]:
    """Marked messages per clinic day (by the message's time), for Insights."""
    counts = [0] * len(days)
    if not days:
        return counts
    lo = datetime(days[0].year, days[0].month, days[0].day, tzinfo=config.TZ).timestamp()
    last = days[-1] + timedelta(days=1)
    hi = datetime(last.year, last.month, last.day, tzinfo=config.TZ).timestamp()
    index = {d: i for i, d in enumerate(days)}
    with dbs.console.connect() as conn:
        for (ts,) in conn.execute(select(me.ts).where(me.ts >= lo, me.ts < hi)):
            i = index.get(datetime.fromtimestamp(ts, config.TZ).date())
            if i is not None:
                counts[i] += 1
    return counts
