"""Facts from Rasa's tracker store (`events`), kept in the console's own tables.

Reading a million events on every page view would be far too slow, so a background pass reads the
events added since the last pass (by id, which only grows) and keeps one row per conversation and
one per patient message. Conversations erased from the tracker store ("delete my details",
retention purge) are erased here too on the next reconcile pass.

Text typed while the call-back form is active (the form's active_loop is set, or a slot is being
requested) is never copied: those messages are stored with outcome "form" and no text.
"""
import logging
import os
import smtplib
import threading
import time
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Dict, List, Optional

from sqlalchemy import bindparam, case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from clinic import parse_result  # the assistant's own reader of a parse result
from console import config, languages
from console.db import (Databases, conversations, create_tables, daily, event_json, events, groups, ingest_state,
                        labels, messages, missed_emergencies)

logger = logging.getLogger("console.ingest")
BATCH = 20000
ACTION_FLAGS = {"action_book_online": "booking", "action_submit_callback": "callback",
                "action_fallback": "fallback", "action_out_of_scope": "out_of_scope",
                "utter_emergency": "emergency"}
FLAG_OF_OUTCOME = {"faq": "faq", "fallback": "fallback", "oos": "out_of_scope", "emergency": "emergency"}
# A message in a language the assistant has no answers in (it told the patient, in that language, to
# call): not an unanswered question, but counted and flagged (conversations.other_language).
OTHER_LANGUAGE = languages.OUTCOME
# Outcomes where the assistant answered (an FAQ answer, or an intent with a reply): below the confidence
# bar (config.unsure_below) such a message is kept for review as "answered, unsure" (messages.unsure).
ANSWERED = ("faq", "other")
STOPWORDS = set("""a an the is are was were be been am i me my you your we our it its this that
these those to of in on for at by with and or do does did can could would should will shall
what how why when where who which there here have has had if so as about any some just please
hi hello hey ok okay yes no not dont im u whats hows wheres thats theres youre""".split())


def group_key(text: str) -> str:
    """Similar wordings share a key: lower case, no punctuation or filler words, crude plural and
    -ing stemming, words sorted. Words in any script (languages.words: Unicode letters, digits and
    combining marks; Chinese/Japanese as character pairs), so Korean, Chinese, Farsi or Punjabi text
    groups by its words too; ASCII text gets the same key as before."""
    words = languages.words(text)
    stems = set()
    for w in words:
        w = w.replace("'", "")
        if not w or w in STOPWORDS:
            continue
        for suffix in ("ing", "s"):
            if len(w) > len(suffix) + 3 and w.endswith(suffix):
                w = w[: -len(suffix)]
                break
        if w not in STOPWORDS:
            stems.add(w)
    key = " ".join(sorted(stems)) or " ".join(words) or text.strip().lower()
    return key[:200]


def outcome_of(intent: Optional[str]) -> str:
    return {"faq": "faq", "nlu_fallback": "fallback", "out_of_scope": "oos", "emergency": "emergency",
            "other_language": OTHER_LANGUAGE}.get(intent or "", "other")


def _get_state(conn, key: str, default: str = "0") -> str:
    value = conn.scalar(select(ingest_state.c.value).where(ingest_state.c.key == key))
    return default if value is None else value


def _set_state(conn, key: str, value: str) -> None:
    if conn.execute(update(ingest_state).where(ingest_state.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(ingest_state).values(key=key, value=value))


class Ingester:
    def __init__(self, dbs: Databases, hours: Optional[config.Hours] = None):
        self.dbs = dbs
        create_tables(dbs.console)
        self.hours = hours or config.Hours()
        self.lock = threading.Lock()
        self.last_reconcile = 0.0
        self._groups = None  # token -> group keys seen, for joining similar wordings
        self._mail_failed_at: Dict[int, float] = {}  # conversation id -> last failed email (retry each minute)
        self._language_names: Dict[str, str] = {}  # code -> name as stored in console_languages

    def _group_for(self, text: str, labelled: set) -> str:
        """The key of an existing group with nearly the same words (Jaccard >= 0.6), else its own."""
        key = group_key(text)
        words = set(key.split())
        best, score = key, 0.6
        candidates = set()
        for w in words:
            candidates |= self._groups.get(w, set())
        for other in candidates:
            if other == key:
                return key
            if other in labelled:
                continue  # a reviewed group takes no new wording unseen by staff
            theirs = set(other.split())
            j = len(words & theirs) / len(words | theirs)
            if j >= score:
                best, score = other, j
        for w in words:
            self._groups.setdefault(w, set()).add(best)
        return best

    def tracker_ready(self) -> bool:
        return self.dbs.has_table(self.dbs.tracker, "events")

    def run_once(self, reconcile_every: float = 60.0) -> int:
        """Read new events; returns how many."""
        with self.lock:
            if not self.tracker_ready():
                return 0
            total = 0
            while True:
                n = self._batch()
                total += n
                if n < BATCH:
                    break
            if time.monotonic() - self.last_reconcile > reconcile_every:
                self.reconcile()
                self.last_reconcile = time.monotonic()
            return total

    def _batch(self) -> int:
        with self.dbs.console.connect() as cconn:
            last_id = int(_get_state(cconn, "last_event_id"))
        with self.dbs.tracker.connect() as tconn:
            max_id = tconn.scalar(select(func.max(events.c.id))) or 0
            if max_id < last_id:  # the tracker store was replaced: start again
                self.reset()
                last_id = 0
            rows = tconn.execute(
                select(events.c.id, events.c.sender_id, events.c.type_name, events.c.timestamp,
                       events.c.action_name, events.c.data)
                .where(events.c.id > last_id).order_by(events.c.id).limit(BATCH)).fetchall()
        if not rows:
            return 0
        senders = list({r.sender_id for r in rows})
        with self.dbs.console.begin() as cconn:
            known: Dict[str, dict] = {}
            for start in range(0, len(senders), 500):
                for row in cconn.execute(select(conversations).where(
                        conversations.c.sender_id.in_(senders[start:start + 500]))):
                    known[row.sender_id] = dict(row._mapping)
            new_rows, changed = {}, set()
            msgs: List[dict] = []
            last_msg: Dict[str, dict] = {}
            next_id = (cconn.scalar(select(func.max(conversations.c.id))) or 0) + 1
            if self._groups is None:
                self._groups = {}
                for k in cconn.scalars(select(messages.c.group_key).where(messages.c.group_key.is_not(None)).distinct()):
                    for w in k.split():
                        self._groups.setdefault(w, set()).add(k)
            labelled = set(cconn.scalars(select(labels.c.group_key)))
            seen_languages: Dict[str, str] = {}
            for r in rows:
                ts = r.timestamp or time.time()
                conv = known.get(r.sender_id)
                if conv is None:
                    started = datetime.fromtimestamp(ts, timezone.utc).replace(tzinfo=None)
                    conv = {"id": next_id, "sender_id": r.sender_id, "channel": None, "started": ts, "last": ts,
                            "user_messages": 0, "faq": False, "fallback": False, "out_of_scope": False,
                            "emergency": False, "booking": False, "callback": False,
                            "after_hours": not self.hours.is_open(started), "in_form": False,
                            "emergency_notified": False, "language": languages.ENGLISH, "other_language": False}
                    next_id += 1
                    known[r.sender_id] = conv
                    new_rows[r.sender_id] = conv
                conv["last"] = max(conv["last"], ts)
                changed.add(r.sender_id)
                kind = r.type_name
                if kind == "user":
                    data = _json(r.data)
                    parse = data.get("parse_data") or {}
                    intent = (parse.get("intent") or {}).get("name")
                    topic, confidence = parse_result.label_and_confidence(parse)
                    topic = topic or intent
                    channel = data.get("input_channel") or conv["channel"]
                    conv["channel"] = channel
                    conv["user_messages"] += 1
                    outcome = outcome_of(intent)
                    if any(isinstance(e, dict) and e.get("entity") == "emergency_kind"
                           for e in parse.get("entities") or []):
                        outcome = "emergency"  # the red-flag net's mark, whatever the intent
                    if conv["in_form"] and outcome != "emergency":
                        outcome = "form"
                    text = (data.get("text") or "")[:1000]
                    language, language_name = languages.language_of(parse)
                    if language != languages.ENGLISH:
                        seen_languages[language] = language_name
                    if outcome in FLAG_OF_OUTCOME:
                        conv[FLAG_OF_OUTCOME[outcome]] = True
                    msg = {"event_id": r.id, "conversation_id": conv["id"], "ts": ts, "channel": channel,
                           "intent": intent, "topic": topic, "confidence": confidence, "outcome": outcome,
                           "text": text if outcome in ("fallback", "oos") else None,
                           "group_key": self._group_for(text, labelled) if outcome in ("fallback", "oos") else None,
                           "language": language, "unsure": False,
                           "_text": None if outcome == "form" else text}
                    msgs.append(msg)
                    last_msg[r.sender_id] = msg
                elif kind == "action":
                    flag = ACTION_FLAGS.get(r.action_name or "")
                    if flag:
                        conv[flag] = True
                    # a confident intent the dialogue still could not handle: a fallback too
                    msg = last_msg.get(r.sender_id)
                    if r.action_name == "utter_emergency" and msg and msg["outcome"] != "emergency":
                        msg["outcome"], msg["text"], msg["group_key"] = "emergency", None, None
                    if r.action_name == "action_fallback" and msg and msg["outcome"] in ("other", "faq") \
                            and msg["_text"] is not None:
                        msg["outcome"], msg["text"] = "fallback", msg["_text"]
                        msg["group_key"] = self._group_for(msg["_text"], labelled)
                elif kind == "active_loop":
                    name = _json(r.data).get("name")
                    conv["in_form"] = name == "callback_form"
                elif kind == "slot":
                    data = _json(r.data)
                    if data.get("name") == "requested_slot":
                        if data.get("value") is not None:
                            conv["in_form"] = True
                elif kind in ("restart", "session_started"):
                    conv["in_form"] = False
            bar = config.unsure_below()
            for m in msgs:  # answered, but unsure (final outcomes: a later fallback or emergency reply wins)
                if m["outcome"] in ANSWERED and m["_text"] and m["confidence"] is not None \
                        and m["confidence"] < bar:
                    m["unsure"], m["text"] = True, m["_text"]
                    m["group_key"] = self._group_for(m["_text"], labelled)
            by_id = {conv["id"]: conv for conv in known.values()}
            for m in msgs:  # final outcomes: an emergency reply outranks "other language"
                if m["outcome"] == OTHER_LANGUAGE:
                    by_id[m["conversation_id"]]["other_language"] = True
            counts: Dict[tuple, int] = self._languages(cconn, msgs, by_id, set(new_rows))
            languages.remember(cconn, seen_languages, self._language_names)
            cols = [c.name for c in conversations.columns]
            if new_rows:
                cconn.execute(insert(conversations), [{k: v[k] for k in cols} for v in new_rows.values()])
            for sender in changed - set(new_rows):
                conv = known[sender]
                cconn.execute(update(conversations).where(conversations.c.id == conv["id"])
                              .values({k: conv[k] for k in cols if k not in ("id", "sender_id")}))
            if msgs:
                mcols = [c.name for c in messages.columns]
                cconn.execute(insert(messages), [{k: m[k] for k in mcols} for m in msgs])
            for m in msgs:
                day = _day(m["ts"])
                for key in (("channel", m["channel"] or "other"), ("outcome", m["outcome"])) + \
                        ((("topic", m["topic"]),) if m["outcome"] == "faq" else ()):
                    counts[(day,) + key] = counts.get((day,) + key, 0) + 1
            for conv in new_rows.values():
                for key in ((_day(conv["started"]), "start", "after" if conv["after_hours"] else "open"),
                            (_day(conv["started"]), "language", conv["language"])):
                    counts[key] = counts.get(key, 0) + 1
            _bump_daily(cconn, counts)
            grouped: Dict[str, list] = {}
            for m in msgs:
                if m["group_key"]:
                    g = grouped.setdefault(m["group_key"], [0, 0.0])
                    g[0] += 1
                    g[1] = max(g[1], m["ts"])
            _bump_groups(cconn, grouped)
            _set_state(cconn, "last_event_id", str(rows[-1].id))
        return len(rows)

    def _languages(self, cconn, msgs: List[dict], by_id: Dict[int, dict], new_senders: set) -> Dict[tuple, int]:
        """Sets the language of conversations that got non-English messages (form text left out);
        returns per-day count changes for conversations read before whose language changed."""
        affected = {m["conversation_id"] for m in msgs
                    if m["language"] != languages.ENGLISH and m["outcome"] != "form"}
        tally: Dict[int, Dict[str, list]] = {cid: {} for cid in affected}
        earlier = [cid for cid in affected if by_id[cid]["sender_id"] not in new_senders]
        m_ = messages.c
        for start in range(0, len(earlier), 500):
            for cid, code, n, first in cconn.execute(
                    select(m_.conversation_id, m_.language, func.count(), func.min(m_.ts))
                    .where(m_.conversation_id.in_(earlier[start:start + 500]), m_.language != languages.ENGLISH,
                           m_.outcome != "form").group_by(m_.conversation_id, m_.language)):
                tally[cid][code] = [n, first]
        for m in msgs:
            if m["conversation_id"] in affected and m["language"] != languages.ENGLISH and m["outcome"] != "form":
                t = tally[m["conversation_id"]].setdefault(m["language"], [0, m["ts"]])
                t[0], t[1] = t[0] + 1, min(t[1], m["ts"])
        changes: Dict[tuple, int] = {}
        for cid, t in tally.items():
            conv = by_id[cid]
            code = languages.dominant({k: tuple(v) for k, v in t.items()})
            if code != conv["language"] and conv["sender_id"] not in new_senders:
                day = _day(conv["started"])
                for key, add in (((day, "language", conv["language"]), -1), ((day, "language", code), 1)):
                    changes[key] = changes.get(key, 0) + add
            conv["language"] = code
        return changes

    def reconcile(self) -> int:
        """Forget conversations that are gone from the tracker store; returns how many."""
        with self.dbs.tracker.connect() as tconn:
            present = set(tconn.scalars(select(events.c.sender_id).distinct()))
        with self.dbs.console.begin() as cconn:
            gone = [(cid, s) for cid, s in cconn.execute(select(conversations.c.id, conversations.c.sender_id))
                    if s not in present]
            touched = set()
            for start in range(0, len(gone), 500):
                ids = [cid for cid, _ in gone[start:start + 500]]
                touched |= set(cconn.scalars(select(messages.c.group_key).where(
                    messages.c.conversation_id.in_(ids), messages.c.group_key.is_not(None))))
                cconn.execute(delete(messages).where(messages.c.conversation_id.in_(ids)))
                cconn.execute(delete(conversations).where(conversations.c.id.in_(ids)))
                cconn.execute(delete(missed_emergencies).where(
                    missed_emergencies.c.sender_id.in_([s for _, s in gone[start:start + 500]])))
            for key in touched:  # recount the groups that lost messages
                n, newest = cconn.execute(select(func.count(), func.max(messages.c.ts)).where(
                    messages.c.group_key == key)).one()
                if n:
                    cconn.execute(update(groups).where(groups.c.group_key == key).values(n=n, newest=newest))
                else:
                    cconn.execute(delete(groups).where(groups.c.group_key == key))
        return len(gone)

    def reset(self) -> None:
        with self.dbs.console.begin() as cconn:
            cconn.execute(delete(messages))
            cconn.execute(delete(conversations))
            cconn.execute(delete(daily))
            cconn.execute(delete(groups))
            cconn.execute(delete(missed_emergencies))  # event ids of a replaced tracker store mean nothing
            _set_state(cconn, "last_event_id", "0")

    # -- emergencies ----------------------------------------------------------------------------
    def notify_emergencies(self, max_age: float = 24 * 3600) -> int:
        """Email the front desk once per emergency conversation: reference and time only."""
        sent = 0
        cutoff = time.time() - max_age
        with self.dbs.console.connect() as conn:
            due = conn.execute(select(conversations.c.id, conversations.c.last).where(
                conversations.c.emergency & ~conversations.c.emergency_notified)).fetchall()
        for cid, last in due:
            if last >= cutoff:
                if time.time() - self._mail_failed_at.get(cid, 0) < 60:
                    continue
                try:
                    send_emergency_email(cid, last, self.hours)
                    sent += 1
                    self._mail_failed_at.pop(cid, None)
                except Exception as error:  # retried a minute later
                    self._mail_failed_at[cid] = time.time()
                    logger.warning("emergency email for C%s not sent: %s", cid, type(error).__name__)
                    continue
            with self.dbs.console.begin() as conn:
                conn.execute(update(conversations).where(conversations.c.id == cid).values(emergency_notified=True))
        return sent


def send_emergency_email(conversation_id: int, ts: float, hours: config.Hours) -> None:
    recipient = os.environ.get("FRONT_DESK_EMAIL") or hours.front_desk_email
    if not recipient:
        raise ValueError("no front desk email")
    when = datetime.fromtimestamp(ts, config.TZ).strftime("%a %d %b %Y, %I:%M %p %Z")
    base = os.environ.get("CONSOLE_PUBLIC_URL", "").rstrip("/")
    message = EmailMessage()
    message["Subject"] = f"Emergency red flag in a patient conversation C{conversation_id}"
    message["From"] = os.environ.get("SMTP_FROM") or f"assistant@{recipient.split('@')[-1]}"
    message["To"] = recipient
    message.set_content(
        "A patient conversation with the assistant hit an emergency red flag; the patient was told to\n"
        "call 911 (or 988). A physiotherapist may want to follow up.\n\n"
        f"Reference: C{conversation_id}\nTime:      {when}\n"
        + (f"Open:      {base}/conversations/{conversation_id}\n" if base else
           "Open it in the front-desk console (Conversations, filter: emergency).\n"))
    host, port = os.environ.get("SMTP_HOST", "localhost"), int(os.environ.get("SMTP_PORT", 25))
    with smtplib.SMTP(host, port, timeout=8) as smtp:
        if os.environ.get("SMTP_STARTTLS", "false").lower() == "true":
            smtp.starttls()
        if os.environ.get("SMTP_USER"):
            smtp.login(os.environ["SMTP_USER"], os.environ.get("SMTP_PASSWORD", ""))
        smtp.send_message(message)
    logger.info("emergency email sent for C%s", conversation_id)


def _bump_daily(conn, counts: Dict[tuple, int]) -> None:
    """Adds per-day counts: existing rows updated in one executemany, new ones inserted."""
    if not counts:
        return
    days = {k[0] for k in counts}
    existing = {(r.day, r.kind, r.key) for r in conn.execute(
        select(daily.c.day, daily.c.kind, daily.c.key).where(daily.c.day.in_(days)))}
    old = [{"d": d, "k": k, "y": y[:80], "add": n} for (d, k, y), n in counts.items() if (d, k, y[:80]) in existing]
    new = [{"day": d, "kind": k, "key": y[:80], "n": n} for (d, k, y), n in counts.items() if (d, k, y[:80]) not in existing]
    if old:
        conn.execute(update(daily).where(daily.c.day == bindparam("d"), daily.c.kind == bindparam("k"),
                                         daily.c.key == bindparam("y")).values(n=daily.c.n + bindparam("add")), old)
    if new:
        conn.execute(insert(daily), new)


def _bump_groups(conn, grouped: Dict[str, list]) -> None:
    if not grouped:
        return
    keys = list(grouped)
    existing = set()
    for start in range(0, len(keys), 500):
        existing |= set(conn.scalars(select(groups.c.group_key).where(groups.c.group_key.in_(keys[start:start + 500]))))
    old = [{"g": k, "add": v[0], "ts": v[1]} for k, v in grouped.items() if k in existing]
    new = [{"group_key": k, "n": v[0], "newest": v[1]} for k, v in grouped.items() if k not in existing]
    if old:
        conn.execute(update(groups).where(groups.c.group_key == bindparam("g")).values(
            n=groups.c.n + bindparam("add"),
            newest=case((groups.c.newest < bindparam("ts"), bindparam("ts")), else_=groups.c.newest)), old)
    if new:
        conn.execute(insert(groups), new)


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts, config.TZ).date().isoformat()


_json = event_json  # one reader of an event's data: console/db.py


class Background(threading.Thread):
    """Reads new events every few seconds while the console runs."""

    def __init__(self, ingester: Ingester, every: float):
        super().__init__(daemon=True, name="console-ingest")
        self.ingester, self.every = ingester, every
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                self.ingester.run_once()
                self.ingester.notify_emergencies()
            except Exception as error:
                logger.warning("ingest pass failed: %s", type(error).__name__)
            self.stopped.wait(self.every)
