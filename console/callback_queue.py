"""The call-back queue: requests from callback_requests, with the console's status, attempts, notes."""
import csv
import hashlib
import io
import os
from datetime import timedelta
from typing import Dict, List, Optional

from sqlalchemy import delete, insert, select, update

from console import config
from console.db import (Databases, callback_actions, callback_notifications, callback_requests, callback_state,
                        conversations, forget_requests)

STATUS_LABELS = {"new": "New", "called": "Called", "no_answer": "No answer", "done": "Done"}
# What each status means (shown on the queue page and as the status's title).
STATUS_HELP = {"new": "Nobody has called the patient yet.",
               "called": "Someone spoke to the patient; the request stays in the queue until it is marked Done.",
               "no_answer": "Someone called but nobody answered; try again.",
               "done": "Nothing left to do: the request leaves the waiting list."}
ACTIONS = ("called", "no_answer", "done")


class Queue:
    def __init__(self, dbs: Databases, hours: config.Hours):
        self.dbs, self.hours = dbs, hours

    def ready(self) -> bool:
        return self.dbs.has_table(self.dbs.callbacks, "callback_requests")

    def _states(self, ids: List[int]) -> Dict[int, dict]:
        out = {}
        with self.dbs.console.connect() as conn:
            for start in range(0, len(ids), 500):
                for row in conn.execute(select(callback_state).where(
                        callback_state.c.request_id.in_(ids[start:start + 500]))):
                    out[row.request_id] = dict(row._mapping)
        return out

    def _decorate(self, row, state: Optional[dict], now) -> dict:
        item = dict(row._mapping)
        status = (state or {}).get("status") or ("done" if row.status == "done" else "new")
        item.update(state_status=status, status_label=STATUS_LABELS.get(status, status),
                    status_help=STATUS_HELP.get(status, ""),
                    attempts=(state or {}).get("attempts", 0), updated_at=(state or {}).get("updated_at"))
        due = row.preferred_start or (row.created_at + timedelta(hours=24))
        item["overdue"] = status != "done" and due < now
        item["after_hours"] = not self.hours.is_open(row.created_at)
        return item

    def items(self, show: str = "open") -> List[dict]:
        if not self.ready():
            return []
        with self.dbs.callbacks.connect() as conn:
            query = select(callback_requests)
            if show == "open":
                query = query.where(callback_requests.c.status != "done")
            rows = conn.execute(query).fetchall()
        states = self._states([r.id for r in rows])
        now = config.now_utc()
        items = [self._decorate(r, states.get(r.id), now) for r in rows]
        if show == "open":
            items = [i for i in items if i["state_status"] != "done"]
        far = config.now_utc() + timedelta(days=3650)
        items.sort(key=lambda i: (i["preferred_start"] or i["created_at"] + timedelta(hours=24) or far, i["id"]))
        return items

    def latest(self) -> dict:
        if not self.ready():
            return {"max_id": 0, "open": 0}
        items = self.items("open")
        return {"max_id": max([i["id"] for i in items], default=0), "open": len(items),
                "version": max([str(i["updated_at"] or "") for i in items], default="")}

    def get(self, request_id: int) -> Optional[dict]:
        if not self.ready():
            return None
        with self.dbs.callbacks.connect() as conn:
            row = conn.execute(select(callback_requests).where(callback_requests.c.id == request_id)).first()
        if row is None:
            return None
        return self._decorate(row, self._states([row.id]).get(row.id), config.now_utc())

    def history(self, request_id: int) -> List[dict]:
        with self.dbs.console.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(callback_actions).where(callback_actions.c.request_id == request_id)
                .order_by(callback_actions.c.id.desc()))]

    def act(self, item: dict, action: str, user: str, note: str = "") -> None:
        if action not in ACTIONS:
            raise ValueError(action)
        now = config.now_utc()
        attempts = item["attempts"] + (1 if action in ("called", "no_answer") else 0)
        with self.dbs.console.begin() as conn:
            conn.execute(insert(callback_actions).values(
                request_id=item["id"], at=now, user_name=user, action=action, note=note[:500] or None,
                prev_status=item["state_status"], prev_attempts=item["attempts"], undone=False))
            self._set_state(conn, item, action, attempts, now, user)
        self._set_source_status(item["id"], "done" if action == "done" else "new")

    def undo(self, item: dict, user: str) -> Optional[str]:
        """Reverts the latest change; returns what was undone."""
        now = config.now_utc()
        with self.dbs.console.begin() as conn:
            last = conn.execute(select(callback_actions).where(
                (callback_actions.c.request_id == item["id"]) & ~callback_actions.c.undone
                & (callback_actions.c.action != "undo")).order_by(callback_actions.c.id.desc())).first()
            if last is None:
                return None
            conn.execute(update(callback_actions).where(callback_actions.c.id == last.id).values(undone=True))
            conn.execute(insert(callback_actions).values(
                request_id=item["id"], at=now, user_name=user, action="undo", note=f"undid {last.action}",
                prev_status=item["state_status"], prev_attempts=item["attempts"], undone=False))
            self._set_state(conn, item, last.prev_status or "new", last.prev_attempts or 0, now, user)
        self._set_source_status(item["id"], "done" if last.prev_status == "done" else "new")
        return last.action

    def _set_state(self, conn, item, status, attempts, now, user):
        values = dict(status=status, attempts=attempts, updated_at=now, updated_by=user)
        if conn.execute(update(callback_state).where(callback_state.c.request_id == item["id"])
                        .values(**values)).rowcount == 0:
            conn.execute(insert(callback_state).values(request_id=item["id"], reference=item["reference"], **values))

    def _set_source_status(self, request_id: int, status: str) -> None:
        """Keeps callback_requests.status (new/done) in step, so the staff command line agrees."""
        with self.dbs.callbacks.begin() as conn:
            conn.execute(update(callback_requests).where(callback_requests.c.id == request_id).values(
                status=status, done_at=config.now_utc() if status == "done" else None))

    def link_conversations(self, items: List[dict]) -> List[dict]:
        """Sets item["conversation_id"]: the console's id of the conversation each request came from
        (requests keep only a salted hash of the sender id), or None when it is not known (yet)."""
        wanted: Dict[str, List[dict]] = {}
        for item in items:
            item["conversation_id"] = None
            if item.get("sender_key"):
                wanted.setdefault(item["sender_key"], []).append(item)
        if not wanted:
            return items
        salt = os.environ.get("CALLBACK_SENDER_SALT", "clinic-callbacks")
        keys = getattr(self, "_keys", None)
        if keys is None or len(keys) > 200000:
            keys = self._keys = {}
        with self.dbs.console.connect() as conn:
            for cid, sender in conn.execute(select(conversations.c.id, conversations.c.sender_id)
                                            .where(conversations.c.callback)):
                key = keys.get((salt, sender))
                if key is None:
                    key = keys[(salt, sender)] = hashlib.sha256(f"{salt}:{sender}".encode()).hexdigest()
                for item in wanted.get(key, []):
                    item["conversation_id"] = cid
        return items

    def conversation_of(self, item: dict) -> Optional[str]:
        """The conversation the request came from (requests keep only a salted hash of its id)."""
        salt = os.environ.get("CALLBACK_SENDER_SALT", "clinic-callbacks")
        with self.dbs.console.connect() as conn:
            for (sender,) in conn.execute(select(conversations.c.sender_id).where(conversations.c.callback)):
                if hashlib.sha256(f"{salt}:{sender}".encode()).hexdigest() == item["sender_key"]:
                    return sender
        return None

    def delete(self, item: dict, conversation_too: bool = False) -> bool:
        """Deletes the request; with conversation_too, asks for the conversation to be erased as well
        (the same way the patient's own "delete my details" does). Returns whether one was found."""
        sender = self.conversation_of(item) if conversation_too else None
        if sender:
            with self.dbs.callbacks.begin() as conn:
                conn.execute(insert(forget_requests).values(sender_id=sender, requested_at=config.now_utc()))
        with self.dbs.callbacks.begin() as conn:
            conn.execute(delete(callback_notifications).where(callback_notifications.c.request_id == item["id"]))
            conn.execute(delete(callback_requests).where(callback_requests.c.id == item["id"]))
        with self.dbs.console.begin() as conn:
            conn.execute(delete(callback_actions).where(callback_actions.c.request_id == item["id"]))
            conn.execute(delete(callback_state).where(callback_state.c.request_id == item["id"]))
        return bool(sender)

    def export_csv(self, show: str = "all") -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["reference", "created (Vancouver)", "name", "phone", "email", "preferred_time",
                         "patient_type", "status", "attempts", "overdue", "after_hours"])
        for i in self.items(show):
            writer.writerow([i["reference"], config.local(i["created_at"]).strftime("%Y-%m-%d %H:%M"),
                             _safe(i["name"]), _safe(i["phone"]), _safe(i["email"] or ""),
                             _safe(i["preferred_time"]), _safe(i["patient_type"] or ""), i["status_label"], i["attempts"],
                             "yes" if i["overdue"] else "", "yes" if i["after_hours"] else ""])
        return out.getvalue()


def _safe(value: str) -> str:
    """No spreadsheet formulas from patient-typed text (CSV injection)."""
    value = value or ""
    # Every leading formula character is neutralised, digits after it or not ("=1+cmd|...", "-2+3+...");
    # leading blanks are looked through (some spreadsheets ignore them).
    return "'" + value if value.lstrip(" \t\r\n")[:1] in ("=", "+", "-", "@") or value[:1] in ("\t", "\r", "\n") \
        else value
