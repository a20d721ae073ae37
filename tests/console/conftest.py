"""Fixtures for the console's tests. Imports of the console itself stay inside the fixtures: the
end-to-end test runs in the assistant's venv (Rasa, Playwright), which does not have them."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

STRONG = "harbour-lantern-violet-92"


@pytest.fixture
def dbs(tmp_path, monkeypatch):
    from console.db import Databases
    monkeypatch.setenv("CONSOLE_REVIEWED_FILE", str(tmp_path / "nlu_reviewed.yml"))
    monkeypatch.setenv("CALLBACK_DB_URL", f"sqlite:///{tmp_path / 'callbacks.db'}")
    return Databases(f"sqlite:///{tmp_path / 'console.db'}", f"sqlite:///{tmp_path / 'tracker.db'}",
                     f"sqlite:///{tmp_path / 'callbacks.db'}")


@pytest.fixture
def app(dbs):
    from console.app import create_app
    return create_app(dbs)


def make_user(dbs, name: str, role: str, password: str = STRONG) -> str:
    from sqlalchemy import update
    from console import security
    from console.db import users
    security.add_user(dbs.console, name, role, password)
    with dbs.console.begin() as conn:
        conn.execute(update(users).where(users.c.name == name).values(must_change=False))
    return password


@pytest.fixture
def client(app):
    from starlette.testclient import TestClient
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def other_client(app):
    from starlette.testclient import TestClient
    with TestClient(app, base_url="http://testserver") as c:
        yield c
