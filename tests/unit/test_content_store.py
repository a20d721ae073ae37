"""clinic/content_store.py: a database that stops answering never holds a patient's reply (the per-process
cache waits for a look-up at most half a second, then keeps the last good content)."""
import sqlite3
import time

from clinic import config, content_store, settings_form


def test_a_locked_database_costs_at_most_half_a_second_and_keeps_the_last_good_facts(tmp_path, monkeypatch):
    path = tmp_path / "content.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("CLINIC_CONTENT_DB_URL", url)
    monkeypatch.setattr(content_store, "LIVE", content_store.LiveContent(refresh=0))
    eng = content_store.engine(url)
    body = {**settings_form.from_clinic_yml(), "phone": "604-931-2200"}
    content_store.save_version(eng, content_store.SETTINGS, body, "alex", "new phone")
    assert config.load().phone == "604-931-2200"

    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # every reader now waits (up to its 15 s busy timeout)
    try:
        started = time.monotonic()
        first = config.load()
        again = [config.load() for _ in range(100)]  # the stuck look-up is not started again
        elapsed = time.monotonic() - started
        assert first.phone == "604-931-2200" and all(c.phone == "604-931-2200" for c in again)
        assert elapsed < 1.5, elapsed  # one wait of at most WAIT_SECONDS (0.5 s), not the 15 s lock wait
    finally:
        blocker.rollback()
        blocker.close()
