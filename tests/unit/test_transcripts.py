"""Erasing conversations from Rasa's own SQL tracker store: on request and after the retention period."""
import asyncio
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from callbacks import transcripts
from callbacks.store import CallbackStore

DAY = 86400


@pytest.fixture
def rasa_store(tmp_path):
    return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))


def save(store, sender, age_seconds, text="my name is Sam Lee, 604 555 0134"):
    at = time.time() - age_seconds
    tracker = DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered(text, {"name": "inform"}, timestamp=at),
        SlotSet("cb_phone", "+16045550134", timestamp=at),
    ])
    asyncio.run(store.save(tracker))


def stored(store, sender):
    tracker = asyncio.run(store.retrieve(sender))
    return [] if tracker is None else [e for e in tracker.events if isinstance(e, UserUttered)]


def test_retention_erases_only_conversations_idle_that_long(rasa_store, tmp_path):
    save(rasa_store, "old", 40 * DAY)
    save(rasa_store, "recent", 2 * DAY)
    conversations = transcripts.TranscriptStore(f"sqlite:///{tmp_path / 'tracker.db'}")
    assert conversations.purge(30) == 1
    assert stored(rasa_store, "old") == []
    assert len(stored(rasa_store, "recent")) == 1


def test_delete_my_details_erases_that_conversation_once_idle(rasa_store, tmp_path, monkeypatch):
    monkeypatch.setenv("FORGET_IDLE_SECONDS", "30")
    requests = CallbackStore(f"sqlite:///{tmp_path / 'callbacks.db'}")
    conversations = transcripts.TranscriptStore(f"sqlite:///{tmp_path / 'tracker.db'}")
    save(rasa_store, "asked", 5)       # asked a moment ago: Rasa may still be saving that turn
    save(rasa_store, "other", 5)
    requests.request_forget("asked")
    assert transcripts.forget_due(requests, conversations) == 0
    assert len(stored(rasa_store, "asked")) == 1
    monkeypatch.setenv("FORGET_IDLE_SECONDS", "0")
    assert transcripts.forget_due(requests, conversations) == 1
    assert stored(rasa_store, "asked") == []
    assert len(stored(rasa_store, "other")) == 1
    assert transcripts.forget_due(requests, conversations) == 0  # next pass: nothing left, so done
    assert requests.forget_requests() == []  # the request itself is not kept either


def test_a_conversation_written_back_during_the_erase_is_erased_again(rasa_store, tmp_path, monkeypatch):
    monkeypatch.setenv("FORGET_IDLE_SECONDS", "0")
    requests = CallbackStore(f"sqlite:///{tmp_path / 'callbacks.db'}")
    conversations = transcripts.TranscriptStore(f"sqlite:///{tmp_path / 'tracker.db'}")
    save(rasa_store, "asked", 60)
    requests.request_forget("asked")
    assert transcripts.forget_due(requests, conversations) == 1
    save(rasa_store, "asked", 60)  # Rasa saving a turn it was handling: the whole conversation again
    assert transcripts.forget_due(requests, conversations) == 1
    assert stored(rasa_store, "asked") == []
    save(rasa_store, "asked", -1)  # the patient starts afresh later: not erased
    assert transcripts.forget_due(requests, conversations) == 0
    assert len(stored(rasa_store, "asked")) == 1 and requests.forget_requests() == []


def test_nothing_to_erase_before_the_first_conversation(tmp_path):
    conversations = transcripts.TranscriptStore(f"sqlite:///{tmp_path / 'empty.db'}")
    assert conversations.purge(30) == 0 and conversations.erase("anyone") == 0


def test_the_tracker_store_is_found_from_the_servers_own_settings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no var/tracker.db here
    for name in ("TRACKER_DB_URL", "POSTGRES_HOST", "TRACKER_DB"):
        monkeypatch.delenv(name, raising=False)
    assert transcripts.tracker_db_url() is None
    monkeypatch.setenv("TRACKER_DB", "/srv/var/tracker.db")
    assert transcripts.tracker_db_url() == "sqlite:////srv/var/tracker.db"
    monkeypatch.setenv("POSTGRES_HOST", "db")
    monkeypatch.setenv("POSTGRES_USER", "clinic")
    monkeypatch.setenv("POSTGRES_PASSWORD", "p@ss/word")
    monkeypatch.setenv("POSTGRES_DB", "clinic")
    assert transcripts.tracker_db_url() == "postgresql://clinic:p%40ss%2Fword@db:5432/clinic"
