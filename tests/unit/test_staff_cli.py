"""The front desk's command line, run as staff run it."""
import subprocess
import sys
from pathlib import Path

import pytest

from callbacks.store import CallbackStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cb.db'}"
    store = CallbackStore(url)
    store.submit(sender_id="a", name="Sam Lee", phone="+16045550134", email=None,
                 preferred_time="any weekday, morning", preferred_start=None, patient_type="new")
    store.submit(sender_id="b", name="Ana Ruiz", phone="+17785550199", email="ana@example.com",
                 preferred_time="Tue, Dec 1, afternoon", preferred_start=None, patient_type="returning")
    return {"CALLBACK_DB_URL": url, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, store


def cli(env, *args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "callbacks", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_list_done_export_delete(env, tmp_path):
    environment, store = env
    listed = cli(environment, "list")
    assert listed.returncode == 0 and "Sam Lee" in listed.stdout and "(604) 555-0134" in listed.stdout
    reference = store.list()[0].reference
    assert cli(environment, "done", reference).returncode == 0
    assert "Sam Lee" not in cli(environment, "list").stdout
    assert "Sam Lee" in cli(environment, "list", "--all").stdout
    out = tmp_path / "requests.csv"
    assert cli(environment, "export", "--out", str(out)).returncode == 0
    assert out.read_text().count("\n") == 3 and "ana@example.com" in out.read_text()
    deleted = cli(environment, "delete", "--phone", "778 555 0199")
    assert "1 request(s) deleted" in deleted.stdout
    assert cli(environment, "done", "CB-NONE0").returncode == 1


def test_purge_erases_old_conversations_and_says_so_when_it_cannot(env, tmp_path):
    import asyncio
    import time

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    environment, _ = env
    rasa_store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    for sender, age_days in (("old", 40), ("recent", 1)):
        tracker = DialogueStateTracker.from_events(sender, [
            UserUttered("Sam Lee 604 555 0134", timestamp=time.time() - age_days * 86400)])
        asyncio.run(rasa_store.save(tracker))
    done = cli({**environment, "TRACKER_DB": str(tmp_path / "tracker.db")}, "purge", "--days", "30")
    assert done.returncode == 0 and "1 conversation(s) idle for over 30 days erased" in done.stdout
    assert asyncio.run(rasa_store.retrieve("old")) is None
    assert asyncio.run(rasa_store.retrieve("recent")) is not None
    nowhere = cli(environment, "purge", cwd=tmp_path)  # no tracker store configured or found
    assert nowhere.returncode == 1 and "conversations NOT purged" in nowhere.stderr
