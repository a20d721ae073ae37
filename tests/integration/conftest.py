import pytest

from tests.servers import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The real action server + Rasa server, started once for all integration tests."""
    servers = Stack(tmp_path_factory.mktemp("stack")).start()
    print(f"\nstart-up seconds: {servers.startup_seconds}")
    yield servers
    servers.stop()
