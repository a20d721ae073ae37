"""Regression tests for the console review (each failed before its fix)."""
import csv
import io

from tests.console.conftest import STRONG, make_user
from tests.console.helpers import sign_in
from tests.console.test_queue import store, submit


def test_csv_formula_with_a_digit_after_the_sign_is_neutralised(dbs, client):
    s = store(dbs)
    for name in ("=1+HYPERLINK(evil)", "-2+3+cmd|' /C calc'!A0", "  =SUM(A1)", "@1x"):
        submit(s, name, sender=name.strip() + "x")
    make_user(dbs, "boss", "admin")
    sign_in(client, "boss", STRONG)
    rows = list(csv.reader(io.StringIO(client.get("/callbacks/export.csv").text)))[1:]
    names = {r[2] for r in rows}
    assert names == {"'=1+HYPERLINK(evil)", "'-2+3+cmd|' /C calc'!A0", "'  =SUM(A1)", "'@1x"}
    assert all(not r[3][:1] in "=+-@" for r in rows)  # phone numbers too


def test_safe_next_refuses_control_characters():
    from console.app import _safe_next
    assert _safe_next("/\t/evil.example") == "/"
    assert _safe_next("/\n/evil.example") == "/"
    assert _safe_next("//evil.example") == "/"
    assert _safe_next("/callbacks?show=all") == "/callbacks?show=all"


def test_a_database_that_is_down_gives_a_503_page_not_a_crash(dbs, app, client):
    from sqlalchemy import create_engine
    make_user(dbs, "desk", "frontdesk")
    sign_in(client, "desk", STRONG)
    assert client.get("/callbacks").status_code == 200
    dbs.callbacks = create_engine("sqlite:////nonexistent-dir/x/callbacks.db")
    app.state.queue.dbs = dbs
    response = client.get("/callbacks")
    assert response.status_code == 503
    assert "not answering" in response.text and "Traceback" not in response.text
