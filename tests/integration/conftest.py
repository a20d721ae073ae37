import pytest

from tests.servers import Stack
from tests.smtp_server import SmtpServer


@pytest.fixture(scope="session")
def smtp():
    """A real local SMTP server standing in for the clinic's mail server."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, smtp):
    """The real action server + Rasa server, started once for all integration tests."""
    workdir = tmp_path_factory.mktemp("stack")
    servers = Stack(workdir, env={
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "FRONT_DESK_EMAIL": "desk@example.com",
        # the background loop (email retries, erasing conversations on request) every second, not minute
        "NOTIFY_RETRY_SECONDS": "1", "FORGET_IDLE_SECONDS": "2",
    }).start()
    print(f"\nstart-up seconds: {servers.startup_seconds}")
    yield servers
    servers.stop()
