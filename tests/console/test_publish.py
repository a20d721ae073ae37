"""Publish page and model server (console venv): admin only, CSRF, candidates, publish only when passed,
failures named, roll back to the last five, and Rasa's model server protocol (token, ETag, 204/200/304)."""
import hashlib
import json

import pytest

from tests.console.conftest import make_user
from tests.console.helpers import csrf_of, sign_in

TOKEN = "model-server-test-token"


@pytest.fixture
def content(tmp_path, monkeypatch):
    from clinic import content_store as store
    from publishing import releases
    monkeypatch.setenv("CLINIC_CONTENT_DB_URL", f"sqlite:///{tmp_path / 'content.db'}")
    monkeypatch.setenv("MODEL_SERVER_TOKEN", TOKEN)
    monkeypatch.setenv("RELEASES_DIR", str(tmp_path / "releases"))
    base = tmp_path / "base.tar.gz"
    base.write_bytes(b"the model the servers started with")
    monkeypatch.setenv("BASE_MODEL", str(base))
    spawned = []
    monkeypatch.setattr(releases, "spawn", spawned.append)  # no real training in the console's tests
    eng = store.engine()
    eng.spawned = spawned
    return eng


def model_file(tmp_path, name: str, body: bytes):
    path = tmp_path / name
    path.write_bytes(body)
    return str(path), hashlib.sha256(body).hexdigest()


def admin(dbs, client):
    make_user(dbs, "ada", "admin")
    sign_in(client, "ada", "harbour-lantern-violet-92")
    return client


def audit_actions(dbs):
    from sqlalchemy import select
    from console.db import audit
    with dbs.console.connect() as conn:
        return [(r.action, r.target) for r in conn.execute(select(audit).order_by(audit.c.id))]


def test_front_desk_gets_403_on_every_publish_page(dbs, client, content):
    make_user(dbs, "fred", "frontdesk")
    sign_in(client, "fred", "harbour-lantern-violet-92")
    assert client.get("/admin/publish").status_code == 403
    csrf = csrf_of(client.get("/account").text)
    assert client.post("/admin/publish/start", data={"csrf": csrf}).status_code == 403
    assert content.spawned == []


def test_start_needs_csrf_then_trains_in_the_background_and_shows_progress(dbs, client, content):
    from clinic import content_store as store
    admin(dbs, client)
    page = client.get("/admin/publish")
    assert page.status_code == 200 and "Train and check a candidate" in page.text
    assert "Live now" in page.text and "initial" in page.text  # the servers' first model, returnable
    assert client.post("/admin/publish/start", data={"note": "x"}).status_code == 403
    assert content.spawned == []
    answered = client.post("/admin/publish/start", data={"csrf": csrf_of(page.text), "note": "new labels"},
                           follow_redirects=False)
    assert answered.status_code == 303
    rid = int(answered.headers["location"].rsplit("/", 1)[1])
    assert content.spawned == [rid]
    store.update_release(content, rid, progress="training the model: 42 s so far")
    progress = client.get(f"/admin/publish/{rid}/progress").json()
    assert progress == {"id": rid, "status": "training", "status_text": "Training",
                        "progress": "training the model: 42 s so far", "finished": False}
    assert "42 s so far" in client.get(f"/admin/publish/{rid}").text
    # one at a time
    again = client.post("/admin/publish/start", data={"csrf": csrf_of(page.text)})
    assert again.status_code == 409 and "already being trained" in again.text
    assert ("candidate started", f"release:{rid}") in audit_actions(dbs)


def test_a_failed_candidate_names_what_failed_and_cannot_be_published(dbs, client, content, tmp_path):
    from clinic import content_store as store
    admin(dbs, client)
    path, sha = model_file(tmp_path, "c.tar.gz", b"candidate")
    report = {"passed": False, "failures": ['Label refused: "I can\'t breathe" describes an emergency but is '
                                            'labelled "faq/soreness_after".'], "figures": {}, "changes": []}
    rid = store.add_release(content, "ada", status="refused", model_file=path, model_sha256=sha, report=json.dumps(report))
    page = client.get(f"/admin/publish/{rid}")
    assert "I can&#39;t breathe" in page.text and "faq/soreness_after" in page.text
    assert "Why it cannot be published" in page.text and f"/admin/publish/{rid}/publish" not in page.text
    refused = client.post(f"/admin/publish/{rid}/publish", data={"csrf": csrf_of(page.text)})
    assert refused.status_code == 409 and "did not pass" in refused.text
    assert store.live_ref(content, store.RELEASE) is None
    assert ("candidate refused", f"release:{rid}") in audit_actions(dbs)


def test_publish_a_passed_candidate_then_the_model_server_serves_it(dbs, client, content, tmp_path):
    from clinic import content_store as store
    admin(dbs, client)
    assert client.get("/model/live", params={"token": TOKEN}).status_code == 204  # nothing published yet
    path, sha = model_file(tmp_path, "release-3.tar.gz", b"candidate model bytes")
    draft = store.save_version(content, store.ANSWERS, {"faq/aftercare": "Rest."}, "ada")
    report = {"passed": True, "failures": [], "changes": [], "changes_total": 0, "seconds": {"gate": 61.0},
              "figures": {"heldout": {w: {"accuracy": 0.98, "emergency_recall": 1.0,
                                          "out_of_scope_answered_from_faq": 0} for w in ("live", "candidate")},
                          "dev": {w: {"accuracy": 0.9, "out_of_scope_answered_from_faq": 0} for w in ("live", "candidate")},
                          "labelled": {w: {"n": 2, "as_labelled": 1} for w in ("live", "candidate")},
                          "red_flags": {"items": 588, "missed": 0}, "sms": {"too_long": 0}}}
    rid = store.add_release(content, "ada", status="passed", model_file=path, model_sha256=sha,
                            answers_version=draft, report=json.dumps(report))
    page = client.get(f"/admin/publish/{rid}")
    assert "98.0%" in page.text and "588 of 588" in page.text
    published = client.post(f"/admin/publish/{rid}/publish", data={"csrf": csrf_of(page.text)}, follow_redirects=True)
    assert published.status_code == 200 and "Published." in published.text
    assert store.live_ref(content, store.RELEASE) == rid and store.live_ref(content, store.ANSWERS) == draft
    assert ("published", f"release:{rid}") in audit_actions(dbs)

    client.cookies.clear()  # the model server needs no session, only the token
    served = client.get("/model/live", params={"token": TOKEN})
    assert served.status_code == 200 and served.content == b"candidate model bytes"
    assert served.headers["etag"] == sha and served.headers["filename"] == "release-3.tar.gz"
    same = client.get("/model/live", params={"token": TOKEN}, headers={"If-None-Match": sha})
    assert same.status_code == 304 and same.content == b""
    older = client.get("/model/live", params={"token": TOKEN}, headers={"If-None-Match": "0" * 64})
    assert older.status_code == 200
    assert client.get("/model/live", params={"token": "wrong"}).status_code == 401
    assert client.get("/model/live").status_code == 401


def test_the_model_server_is_closed_without_a_configured_token(client, content, monkeypatch):
    monkeypatch.setenv("MODEL_SERVER_TOKEN", "")
    assert client.get("/model/live", params={"token": ""}).status_code == 401


def test_roll_back_offers_the_last_five_published_models(dbs, client, content, tmp_path):
    from clinic import content_store as store
    from publishing import releases
    admin(dbs, client)
    releases.ensure_initial(content)
    ids = []
    for n in range(6):
        path, sha = model_file(tmp_path, f"r{n}.tar.gz", f"model {n}".encode())
        draft = store.save_version(content, store.ANSWERS, {"faq/aftercare": f"text {n}"}, "ada")
        rid = store.add_release(content, "ada", status="passed", model_file=path, model_sha256=sha,
                                answers_version=draft, note=f"change {n}")
        releases.publish(content, rid, "ada")
        ids.append(rid)
    page = client.get("/admin/publish")
    offered = [rid for rid in ids + [1] if f"/admin/publish/{rid}/rollback" in page.text]
    assert offered == ids[1:5]  # five listed: the live one (no button) and four before it
    assert "Live now</strong>" in page.text
    back = client.post(f"/admin/publish/{ids[2]}/rollback", data={"csrf": csrf_of(page.text)}, follow_redirects=True)
    assert back.status_code == 200 and "Rolled back" in back.text
    assert store.live_ref(content, store.RELEASE) == ids[2]
    assert store.live_ref(content, store.ANSWERS) == store.release(content, ids[2])["answers_version"]
    served = client.get("/model/live", params={"token": TOKEN})
    assert served.content == b"model 2"
    too_old = client.post(f"/admin/publish/{ids[0]}/rollback", data={"csrf": csrf_of(page.text)})
    assert too_old.status_code == 409
    assert ("rolled back", f"release:{ids[2]}") in audit_actions(dbs)
