"""The call-back queue on SQLite: order, marks, actions, undo, export, delete, live updates."""
import csv
import io
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from callbacks.store import CallbackStore
from console.db import audit
from tests.console.conftest import STRONG, make_user
from tests.console.helpers import csrf_of, sign_in


def store(dbs):
    return CallbackStore(str(dbs.callbacks.url.render_as_string(hide_password=False)))


def submit(s, name, start=None, sender=None, **kw):
    request, _ = s.submit(sender_id=sender or name, name=name, phone="+16045550134", email=None,
                          preferred_time=kw.pop("preferred_time", "tomorrow morning"), preferred_start=start,
                          patient_type="new", channel="rest")
    return request


def utc(dt):
    return dt.replace(tzinfo=timezone.utc)


def actions_audited(dbs):
    with dbs.console.connect() as conn:
        return [(r.action, r.target, r.detail) for r in conn.execute(select(audit).order_by(audit.c.id))]


def test_queue_order_overdue_after_hours_and_live_updates(dbs, client):
    s = store(dbs)
    now = datetime.now(timezone.utc)
    later = submit(s, "Later Patient", now + timedelta(days=2))
    soon = submit(s, "Soon Patient", now + timedelta(hours=3))
    late = submit(s, "Late Patient", now - timedelta(hours=2))
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    page = client.get("/callbacks").text
    assert page.index("Late Patient") < page.index("Soon Patient") < page.index("Later Patient")
    row = page[page.index(late.reference):page.index("Soon Patient")]
    assert "Overdue" in row
    assert client.get("/api/callbacks/latest").json()["open"] == 3
    newest = submit(s, "Newest Patient", now + timedelta(days=1))
    assert client.get("/api/callbacks/latest").json()["max_id"] == newest.id
    assert "Newest Patient" in client.get("/callbacks/rows").text
    assert ("viewed call-back list", None, "open: 3 requests") in actions_audited(dbs)
    assert soon and later


def test_after_hours_flag(dbs, client):
    from sqlalchemy import update
    from console.db import callback_requests
    s = store(dbs)
    r = submit(s, "Night Owl")
    with dbs.callbacks.begin() as conn:  # a Sunday, 23:30 in Vancouver
        conn.execute(update(callback_requests).where(callback_requests.c.id == r.id)
                     .values(created_at=datetime(2026, 11, 30, 7, 30)))
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    assert "After hours" in client.get(f"/callbacks/{r.id}").text


def test_called_no_answer_done_undo_and_the_staff_cli_agrees(dbs, client):
    s = store(dbs)
    r = submit(s, "Sam Lee", datetime.now(timezone.utc) + timedelta(hours=5))
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    detail = client.get(f"/callbacks/{r.id}")
    assert "Sam Lee" in detail.text and "+16045550134" in detail.text
    csrf = csrf_of(detail.text)
    client.post(f"/callbacks/{r.id}/action", data={"csrf": csrf, "action": "no_answer", "note": "left voicemail"})
    client.post(f"/callbacks/{r.id}/action", data={"csrf": csrf, "action": "called", "note": "booked Tue"})
    page = client.get(f"/callbacks/{r.id}").text
    assert "attempts: 2" in page and "left voicemail" in page and "Called" in page
    client.post(f"/callbacks/{r.id}/action", data={"csrf": csrf, "action": "done"})
    assert [x.reference for x in s.list("new")] == []  # `python -m callbacks list` agrees
    assert "Sam Lee" not in client.get("/callbacks").text
    assert "Sam Lee" in client.get("/callbacks?show=all").text
    client.post(f"/callbacks/{r.id}/action", data={"csrf": csrf, "action": "undo"})
    assert [x.reference for x in s.list("new")] == [r.reference]
    page = client.get(f"/callbacks/{r.id}").text
    assert "Called" in page and "(undone)" in page
    audited = actions_audited(dbs)
    assert ("viewed call-back", r.reference, None) in audited
    assert ("changed call-back", r.reference, "marked no_answer with note") in audited
    assert ("changed call-back", r.reference, "undo done") in audited
    assert not any("left voicemail" in str(a) or "+1604" in str(a) for a in audited)


def test_guessing_an_id_gets_nothing(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    assert client.get("/callbacks/999").status_code == 404
    assert client.get("/callbacks/abc").status_code == 404
    assert client.get("/conversations/999").status_code == 404


def test_delete_on_request(dbs, client):
    s = store(dbs)
    r = submit(s, "Forget Me")
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    csrf = csrf_of(client.get(f"/callbacks/{r.id}").text)
    assert client.post(f"/callbacks/{r.id}/delete", data={"csrf": csrf}).status_code == 400  # not confirmed
    client.post(f"/callbacks/{r.id}/delete", data={"csrf": csrf, "confirm": "yes"})
    assert s.list(None) == []
    assert client.get(f"/callbacks/{r.id}").status_code == 404
    assert ("deleted call-back", r.reference, "on the patient's request") in actions_audited(dbs)


def test_csv_export_is_for_admins_and_audited(dbs, client):
    s = store(dbs)
    submit(s, "=HYPERLINK(evil)")
    submit(s, "Sam Lee")
    make_user(dbs, "boss", "admin")
    sign_in(client, "boss", STRONG)
    response = client.get("/callbacks/export.csv")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][0] == "reference" and len(rows) == 3
    names = {r[2] for r in rows[1:]}
    assert "'=HYPERLINK(evil)" in names and "Sam Lee" in names
    assert ("exported call-backs", None, "all: 2 rows") in actions_audited(dbs)


def test_delete_can_erase_the_conversation_too(dbs, client):
    import time
    from console.ingest import Ingester
    from tests.console.helpers import Tracker, action, user
    Tracker(dbs.tracker).add("web-77", [user("call me back", "request_human", 0.9, time.time(), "socketio"),
                                        action("action_submit_callback")])
    Ingester(dbs).run_once()
    s = store(dbs)
    r = submit(s, "Erase Me", sender="web-77")
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    csrf = csrf_of(client.get(f"/callbacks/{r.id}").text)
    client.post(f"/callbacks/{r.id}/delete", data={"csrf": csrf, "confirm": "yes", "conversation": "yes"})
    assert [f.sender_id for f in s.forget_requests()] == ["web-77"]  # the action server erases it when idle
    assert ("deleted call-back", r.reference, "on the patient's request; conversation to be erased") in actions_audited(dbs)
