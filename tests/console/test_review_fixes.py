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


def test_odd_patient_text_cannot_break_the_reviewed_training_file(dbs, client, tmp_path):
    import time
    import yaml
    from console.ingest import Ingester, group_key
    from tests.console.helpers import Tracker, action, csrf_of, user
    odd = ['bell\x07 and escape\x1b[31m text', 'weird "quotes": - intent: greet\n  examples: |\n    - hi',
           '- leading dash # not a comment', 'x' * 900 + ' long', 'del\x7f and c1\x9b chars']
    now = time.time() - 600
    t = Tracker(dbs.tracker)
    for i, text in enumerate(odd):
        t.add(f"rest-odd-{i}", [user(text, "nlu_fallback", 0.2, now + i), action("action_fallback", now + i + 0.5)])
    Ingester(dbs).run_once()
    make_user(dbs, "dana", "frontdesk")
    sign_in(client, "dana", STRONG)
    csrf = csrf_of(client.get("/unanswered").text)
    for text in odd:
        assert client.post("/unanswered/label", data={"csrf": csrf, "key": group_key(text), "label": "topic",
                                                      "topic": "faq/what_is_dry_needling"},
                           follow_redirects=False).status_code == 303
    data = yaml.safe_load((tmp_path / "nlu_reviewed.yml").read_text())
    assert data["version"] == "3.1" and [b["intent"] for b in data["nlu"]] == ["faq/what_is_dry_needling"]
    lines = data["nlu"][0]["examples"].splitlines()
    assert len(lines) == len(odd) and all(line.startswith("- ") for line in lines)
    assert not any(b.get("intent") == "greet" for b in data["nlu"])
