import os

import pytest

from tests.smtp_server import SmtpServer


@pytest.fixture
def smtp(monkeypatch):
    """A real local SMTP server as the front desk's mail server; the webhook switched off."""
    server = SmtpServer().start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(server.port))
    monkeypatch.setenv("FRONT_DESK_EMAIL", "desk@example.com")
    monkeypatch.delenv("CALLBACK_WEBHOOK_URL", raising=False)
    yield server
    server.stop()


# Unit tests read clinic.yml alone, never a developer's var/ database (clinic/content_store.py);
# a test that needs the store sets CLINIC_CONTENT_DB_URL itself.
os.environ["CLINIC_CONTENT_DB_URL"] = "off"
