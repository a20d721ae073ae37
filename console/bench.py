"""Benchmark: 100,000 conversations (about a million tracker-store events) and the time of each view.

    console/.venv/bin/python -m console.bench [--conversations 100000] [--no-postgres] [--runs 30]

Seeds Rasa-shaped `events` rows and call-back requests, lets the console read them (its ingest
pass, timed too), then requests each view through the real application (routing, database,
template rendering) as a signed-in user and reports p50/p95 in milliseconds. SQLite always;
PostgreSQL too when Debian's server binaries are installed (tests/backing_services.Postgres).
"""
import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = ["is this acupuncture?", "does it hurt", "how long is a session", "will I be sore after",
             "what is a trigger point", "is it safe", "who does the needling", "can I have it if pregnant"]
FAQ = ["vs_acupuncture", "does_it_hurt", "session_details", "soreness_after", "trigger_points", "safety",
       "who_performs", "suitability"]
MISSES = ["do you sell crutches", "what's the weather like", "can you prescribe painkillers",
          "do you do massage", "is parking free on sundays", "asdf qwerty", "do you treat dogs",
          "can I bring my kid", "what about cupping", "is there wifi"]


def seed_rows(n_conv: int, days: int = 365, seed: int = 7):
    """Yields tracker-store rows (sender_id, type_name, timestamp, intent_name, action_name, data)."""
    rnd = random.Random(seed)
    end = time.time()
    for c in range(n_conv):
        channel = rnd.choice(["socketio", "socketio", "twilio", "rest"])
        sender = (f"sms-{c:08x}" if channel == "twilio" else f"s{c:08x}")
        t = end - rnd.random() * days * 86400
        rows = [(sender, "action", t, None, "action_session_start", json.dumps({"event": "action", "name": "action_session_start", "timestamp": t})),
                (sender, "session_started", t, None, None, json.dumps({"event": "session_started", "timestamp": t}))]
        turns = rnd.choice([1, 2, 2, 3, 4])
        for _ in range(turns):
            t += rnd.randint(5, 60)
            roll = rnd.random()
            if roll < 0.65:
                i = rnd.randrange(len(QUESTIONS))
                text, intent, conf = QUESTIONS[i], "faq", 0.9
                extra = {"response_selector": {"faq": {"response": {"intent_response_key": f"faq/{FAQ[i]}", "confidence": 0.88}}}}
                action = "utter_faq"
            elif roll < 0.8:
                text, intent, conf, extra, action = rnd.choice(MISSES) + rnd.choice(["", "?", " please"]), "nlu_fallback", 0.3, {}, "action_fallback"
            elif roll < 0.9:
                text, intent, conf, extra, action = rnd.choice(MISSES), "out_of_scope", 0.8, {}, "action_out_of_scope"
            elif roll < 0.995:
                text, intent, conf, extra, action = "book online", "book_appointment", 0.95, {}, "action_book_online"
            else:
                text, intent, conf, extra, action = "I have chest pain", "emergency", 1.0, {}, "utter_emergency"
            parse = {"text": text, "intent": {"name": intent, "confidence": conf}, "entities": [], **extra}
            rows.append((sender, "user", t, intent, None, json.dumps(
                {"event": "user", "timestamp": t, "text": text, "parse_data": parse, "input_channel": channel})))
            rows.append((sender, "action", t + 0.1, None, action, json.dumps({"event": "action", "timestamp": t + 0.1, "name": action})))
            rows.append((sender, "bot", t + 0.2, None, None, json.dumps({"event": "bot", "timestamp": t + 0.2, "text": "An answer from the clinic's page.", "data": {}})))
            rows.append((sender, "action", t + 0.3, None, "action_listen", json.dumps({"event": "action", "timestamp": t + 0.3, "name": "action_listen"})))
        if rnd.random() < 0.05:  # a call-back form
            t += 30
            rows.append((sender, "active_loop", t, None, None, json.dumps({"event": "active_loop", "timestamp": t, "name": "callback_form"})))
            rows.append((sender, "user", t + 5, "nlu_fallback", None, json.dumps({"event": "user", "timestamp": t + 5, "text": "Jo Bloggs", "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.2}}, "input_channel": channel})))
            rows.append((sender, "active_loop", t + 9, None, None, json.dumps({"event": "active_loop", "timestamp": t + 9, "name": None})))
            rows.append((sender, "action", t + 10, None, "action_submit_callback", json.dumps({"event": "action", "timestamp": t + 10, "name": "action_submit_callback"})))
        yield from rows


def seed(dbs, n_conv: int) -> int:
    from sqlalchemy import insert
    from console.db import callback_requests, events, tracker_meta, source_meta
    tracker_meta.create_all(dbs.tracker)
    source_meta.create_all(dbs.callbacks)
    total, batch = 0, []
    cols = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
    with dbs.tracker.begin() as conn:
        for row in seed_rows(n_conv):
            batch.append(dict(zip(cols, row)))
            if len(batch) == 20000:
                conn.execute(insert(events), batch)
                total += len(batch)
                batch = []
        if batch:
            conn.execute(insert(events), batch)
            total += len(batch)
    rnd = random.Random(3)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with dbs.callbacks.begin() as conn:
        conn.execute(insert(callback_requests), [dict(
            reference=f"CB-B{i:05d}"[:12], created_at=now - timedelta(days=rnd.random() * 365), name=f"Patient {i}",
            phone="+16045550100", email=None, preferred_time="any weekday morning",
            preferred_start=now + timedelta(hours=rnd.randint(-48, 96)), patient_type="new", consent_at=now,
            channel="rest", sender_key=f"{i:064d}", dedupe_key=f"d{i:063d}", status="done" if i % 10 else "new")
            for i in range(3000)])
    return total


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def measure(dbs, label: str, runs: int, rnd: random.Random):
    from sqlalchemy import func, select, update
    from starlette.testclient import TestClient
    from console import security
    from console.app import create_app
    from console.db import conversations, users
    app = create_app(dbs)
    try:
        security.add_user(dbs.console, "bench", "admin", "bench-password-long-enough")
    except ValueError:
        pass
    with dbs.console.begin() as conn:
        conn.execute(update(users).values(must_change=False))
        max_id = conn.scalar(select(func.max(conversations.c.id)))
    today = datetime.now().date()
    views = {
        "call-back queue": lambda: "/callbacks",
        "conversations list": lambda: "/conversations",
        "conversations, filtered (fell back, SMS)": lambda: "/conversations?outcome=fallback&channel=twilio",
        "conversations, one day": lambda: (lambda d: f"/conversations?from={d}&to={d}")(
            today - timedelta(days=rnd.randint(1, 300))),
        "transcript": lambda: f"/conversations/{rnd.randint(1, max_id)}",
        "unanswered questions": lambda: "/unanswered",
        "insights, 30 days (7 charts)": lambda: "/insights",
        "insights, 365 days (7 charts)": lambda: f"/insights?from={today - timedelta(days=365)}&to={today}",
    }
    results = {}
    with TestClient(app) as client:
        page = client.get("/login")
        import re
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        client.post("/login", data={"name": "bench", "password": "bench-password-long-enough", "csrf": csrf})
        for name, path in views.items():
            client.get(path())  # warm
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                response = client.get(path())
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (name, response.status_code)
            results[name] = (statistics.median(times), p(times, 0.95))
    print(f"\n{label}")
    print(f"  {'view':44} {'p50 ms':>8} {'p95 ms':>8}")
    for name, (p50, p95) in results.items():
        print(f"  {name:44} {p50:8.1f} {p95:8.1f}{'' if p95 < 300 else '  (over 300 ms)'}")
    return results


def run(dbs, label, n_conv, runs):
    from console.ingest import Ingester
    from console.db import create_tables
    create_tables(dbs.console)
    start = time.perf_counter()
    n_events = seed(dbs, n_conv)
    seeded = time.perf_counter() - start
    start = time.perf_counter()
    Ingester(dbs).run_once(reconcile_every=0)
    ingested = time.perf_counter() - start
    print(f"{label}: {n_conv:,} conversations, {n_events:,} events; seeded in {seeded:.0f} s, "
          f"console ingest {ingested:.0f} s ({n_events / ingested:,.0f} events/s)")
    start = time.perf_counter()
    Ingester(dbs).run_once(reconcile_every=0)
    print(f"  an ingest pass with nothing new (incl. reconcile): {(time.perf_counter() - start) * 1000:.0f} ms")
    return measure(dbs, label, runs, random.Random(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("CONSOLE_REVIEWED_FILE", os.path.join(tempfile.gettempdir(), "bench_nlu_reviewed.yml"))
    from console.db import Databases
    work = Path(tempfile.mkdtemp(prefix="console-bench-"))
    try:
        dbs = Databases(f"sqlite:///{work / 'console.db'}", f"sqlite:///{work / 'tracker.db'}",
                        f"sqlite:///{work / 'callbacks.db'}")
        run(dbs, "SQLite", args.conversations, args.runs)
        if not args.no_postgres:
            try:
                from tests.backing_services import Postgres
                pg = Postgres(work).start()
            except Exception as error:  # no PostgreSQL server binaries here
                print(f"\nPostgreSQL skipped: {error}")
                return
            try:
                dbs = Databases(pg.url, pg.url, pg.url)
                run(dbs, "PostgreSQL", args.conversations, args.runs)
            finally:
                pg.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
