"""Sign-in, sessions, CSRF, roles and the audit log, against the real app on SQLite."""
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, text, update

from console import config, security
from console.db import audit, sessions, users
from tests.console.conftest import STRONG, make_user
from tests.console.helpers import csrf_of, page_csrf, sign_in


def audit_rows(dbs, action=None):
    with dbs.console.connect() as conn:
        query = select(audit).order_by(audit.c.id)
        if action:
            query = query.where(audit.c.action == action)
        return conn.execute(query).fetchall()


def test_wrong_password_is_refused_and_audited(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    response = sign_in(client, "dana", "not-the-password")
    assert response.status_code == 401
    assert "do not match" in response.text
    assert client.get("/callbacks", follow_redirects=False).status_code == 303  # still signed out
    [row] = audit_rows(dbs, "sign-in failed")
    assert row.user_name == "dana" and row.detail == "wrong name or password"


def test_unknown_user_and_email_like_names_are_not_logged(dbs, client):
    sign_in(client, "someone@example.com", "whatever-it-is")
    [row] = audit_rows(dbs, "sign-in failed")
    assert "@" not in (row.user_name or "")


def test_right_password_signs_in_with_a_new_httponly_strict_cookie(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    client.cookies.set("console_session", "attacker-chosen-token")
    response = sign_in(client, "dana", STRONG)
    assert response.status_code == 303 and response.headers["location"] == "/callbacks"
    cookie = [h for h in response.headers.get_list("set-cookie") if h.startswith("console_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "attacker-chosen-token" not in cookie
    assert client.get("/callbacks").status_code == 200
    assert audit_rows(dbs, "sign-in")[0].user_name == "dana"


def test_secure_cookie_behind_https(dbs, app, monkeypatch):
    from starlette.testclient import TestClient
    monkeypatch.setenv("CONSOLE_SECURE_COOKIES", "1")
    make_user(dbs, "dana", "frontdesk")
    with TestClient(app, base_url="https://testserver") as client:
        response = sign_in(client, "dana", STRONG)
        cookie = [h for h in response.headers.get_list("set-cookie") if "console_session=" in h][0]
        assert cookie.startswith("__Host-console_session=") and "Secure" in cookie
        assert client.get("/callbacks").status_code == 200
        assert "max-age" in client.get("/callbacks").headers["strict-transport-security"]


def test_lock_out_after_repeated_failures_even_with_the_right_password(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    for _ in range(config.MAX_FAILS_ACCOUNT):
        assert sign_in(client, "dana", "wrong-password-x").status_code == 401
    response = sign_in(client, "dana", STRONG)
    assert response.status_code == 429 and "Too many failed attempts" in response.text
    assert audit_rows(dbs, "sign-in locked")[0].detail == "too many failures for this account"


def test_throttled_per_address_across_accounts(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    for i in range(config.MAX_FAILS_ADDRESS):
        sign_in(client, f"guess{i}", "wrong-password-x")
    assert sign_in(client, "dana", STRONG).status_code == 429
    assert audit_rows(dbs, "sign-in locked")[-1].detail == "too many failures for this address"


def test_login_without_csrf_token_is_refused(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    client.get("/login")
    response = client.post("/login", data={"name": "dana", "password": STRONG})
    assert response.status_code == 403
    assert audit_rows(dbs, "csrf rejected")


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_state_change_without_the_right_csrf_token_is_403(dbs, client, token):
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    data = {"action": "called"} if token is None else {"action": "called", "csrf": token}
    response = client.post("/callbacks/1/action", data=data)
    assert response.status_code == 403
    [row] = audit_rows(dbs, "csrf rejected")
    assert row.user_name == "dana" and "/callbacks/1/action" in row.detail
    response = client.post("/logout", data={})
    assert response.status_code == 403  # even signing out needs the token


@pytest.mark.parametrize("field,age", [("last_seen", config.IDLE_TIMEOUT + 60),
                                       ("created_at", config.ABSOLUTE_TIMEOUT + 60)])
def test_expired_session_is_ended(dbs, client, field, age):
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    with dbs.console.begin() as conn:
        conn.execute(update(sessions).values({field: config.now_utc() - timedelta(seconds=age)}))
    response = client.get("/conversations", follow_redirects=False)
    assert response.status_code == 303 and "why=expired" in response.headers["location"]
    with dbs.console.connect() as conn:
        assert conn.execute(select(sessions)).fetchall() == []
    row = audit_rows(dbs, "session ended")[0]
    assert row.user_name == "dana" and "expired" in row.detail


def test_front_desk_user_cannot_open_admin_pages(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    for path in ("/admin/users", "/admin/audit", "/callbacks/export.csv"):
        response = client.get(path)
        assert response.status_code == 403, path
    csrf = page_csrf(client, "/callbacks")
    assert client.post("/admin/users", data={"csrf": csrf, "what": "add", "name": "mallory",
                                             "role": "admin"}).status_code == 403
    with dbs.console.connect() as conn:
        assert conn.scalar(select(users.c.id).where(users.c.name == "mallory")) is None
    assert len(audit_rows(dbs, "denied")) == 4


def test_signed_out_request_for_a_record_gets_nothing(dbs, client):
    from callbacks.store import CallbackStore
    CallbackStore(str(dbs.callbacks.url)).submit(
        sender_id="s1", name="Sam Lee", phone="+16045550134", email=None, preferred_time="any weekday morning",
        preferred_start=None, patient_type="new")
    for path in ("/callbacks/1", "/conversations/1", "/callbacks/export.csv", "/api/callbacks/latest"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code in (303, 401), path
        assert "Sam Lee" not in response.text and "555" not in response.text
    assert client.post("/callbacks/1/delete", data={"confirm": "yes"}).status_code == 401
    assert audit_rows(dbs, "denied") == []  # issue 18: signed-out visits are not logged as denials


def test_disabling_a_user_ends_their_session(dbs, client, other_client):
    make_user(dbs, "boss", "admin")
    make_user(dbs, "dana", "frontdesk")
    sign_in(other_client, "dana", STRONG)
    assert other_client.get("/callbacks").status_code == 200
    sign_in(client, "boss", STRONG)
    with dbs.console.connect() as conn:
        dana = conn.scalar(select(users.c.id).where(users.c.name == "dana"))
    csrf = page_csrf(client, "/admin/users")
    assert client.post("/admin/users", data={"csrf": csrf, "what": "disable", "id": str(dana)}).status_code == 200
    response = other_client.get("/callbacks", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert sign_in(other_client, "dana", STRONG).status_code == 401
    assert audit_rows(dbs, "user changed")[0].detail == "disable"
    assert [r.detail for r in audit_rows(dbs, "sign-in failed")] == ["disabled account"]


def test_a_disabled_users_live_session_is_refused(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    with dbs.console.begin() as conn:  # e.g. `python -m console users disable` racing a request
        conn.execute(update(users).values(disabled=True))
    response = client.get("/callbacks", follow_redirects=False)
    assert "why=disabled" in response.headers["location"]
    assert "disabled" in audit_rows(dbs, "session ended")[0].detail


def test_logout_ends_the_session(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    cookie = client.cookies.get("console_session")
    client.post("/logout", data={"csrf": page_csrf(client, "/callbacks")})
    client.cookies.set("console_session", cookie)  # replaying the old token
    assert client.get("/callbacks", follow_redirects=False).status_code == 303
    assert audit_rows(dbs, "sign-out")


def test_one_time_password_must_be_changed_and_common_passwords_are_refused(dbs, client):
    one_time = security.add_user(dbs.console, "newbie", "frontdesk")
    sign_in(client, "newbie", one_time)
    assert client.get("/callbacks", follow_redirects=False).headers["location"] == "/account"
    csrf = page_csrf(client)
    for bad in ("password1234", "qwertyuiop", "short"):
        response = client.post("/account", data={"csrf": csrf, "what": "password", "current": one_time,
                                                 "new": bad, "again": bad})
        assert "class=\"error\"" in response.text, bad
    response = client.post("/account", data={"csrf": csrf, "what": "password", "current": one_time,
                                             "new": STRONG, "again": STRONG}, follow_redirects=True)
    assert "has been changed" in response.text
    assert client.get("/callbacks").status_code == 200
    assert security.password_problem("iloveyou12") is not None
    assert "password" in security.common_passwords() and len(security.common_passwords()) >= 9000


def test_totp_two_factor_sign_in(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    page = client.post("/account", data={"csrf": page_csrf(client), "what": "totp-start"})
    secret = __import__("re").search(r'name="secret" value="([A-Z2-7]+)"', page.text).group(1)
    client.post("/account", data={"csrf": csrf_of(page.text), "what": "totp-confirm", "secret": secret,
                                  "code": pyotp.TOTP(secret).now()})
    client.post("/logout", data={"csrf": page_csrf(client, "/callbacks")})
    response = sign_in(client, "dana", STRONG)
    assert response.headers["location"].startswith("/login/totp")
    assert client.get("/callbacks", follow_redirects=False).headers["location"] == "/login/totp"
    form = client.get("/login/totp")
    bad = client.post("/login/totp", data={"csrf": csrf_of(form.text), "code": "000000", "next": "/callbacks"})
    assert bad.status_code == 401
    ok = client.post("/login/totp", data={"csrf": csrf_of(form.text), "code": pyotp.TOTP(secret).now(),
                                          "next": "/callbacks"}, follow_redirects=False)
    assert ok.status_code == 303
    assert client.get("/callbacks").status_code == 200
    assert audit_rows(dbs, "sign-in")[-1].detail == "with two-factor code"


def test_admin_can_require_two_factor(dbs, client, other_client):
    make_user(dbs, "boss", "admin")
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "boss", STRONG)
    with dbs.console.connect() as conn:
        dana = conn.scalar(select(users.c.id).where(users.c.name == "dana"))
    client.post("/admin/users", data={"csrf": page_csrf(client, "/admin/users"), "what": "require-totp",
                                      "id": str(dana)})
    sign_in(other_client, "dana", STRONG)
    assert other_client.get("/conversations", follow_redirects=False).headers["location"] == "/account"


def test_audit_log_is_append_only(dbs, client):
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    for statement in ("UPDATE console_audit SET action = 'x'", "DELETE FROM console_audit"):
        with pytest.raises(Exception):
            with dbs.console.begin() as conn:
                conn.execute(text(statement))
    assert audit_rows(dbs, "sign-in")


def test_admin_reads_the_audit_log(dbs, client):
    make_user(dbs, "boss", "admin")
    sign_in(client, "boss", "wrong-password-x")
    sign_in(client, "boss", STRONG)
    page = client.get("/admin/audit")
    assert page.status_code == 200 and "sign-in failed" in page.text and "sign-in" in page.text


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_health_503_when_a_database_is_unreachable(tmp_path):
    from starlette.testclient import TestClient
    from console.app import create_app
    from console.db import Databases
    dbs = Databases(f"sqlite:///{tmp_path / 'c.db'}", "postgresql://nobody:x@127.0.0.1:1/none",
                    f"sqlite:///{tmp_path / 'cb.db'}")
    with TestClient(create_app(dbs)) as c:
        assert c.get("/health").status_code == 503


def test_errors_show_no_stack_trace(dbs, client, monkeypatch):
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    from console import views

    def boom(*a, **k):
        raise RuntimeError("secret internals")
    monkeypatch.setattr(views, "conversation_list", boom)
    from starlette.testclient import TestClient
    with TestClient(client.app, raise_server_exceptions=False, cookies=client.cookies) as c:
        response = c.get("/conversations")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
