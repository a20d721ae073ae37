"""A smaller fuzz campaign in `make test` (FUZZ_CASES, default 600); `make fuzz` runs 10,000."""
import os

import pytest

from tests.fuzz.campaign import Campaign, seeded_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    servers = seeded_stack(tmp_path_factory.mktemp("fuzz"))
    yield servers
    servers.stop()


def test_generated_requests_on_every_channel_get_clear_answers_and_change_nothing_stored(stack):
    report = Campaign(stack, seed=int(os.environ.get("FUZZ_SEED", 0))).run(int(os.environ.get("FUZZ_CASES", 600)))
    print(report)
    assert report["server_errors_5xx"] == 0 and report["crashes"] == 0
    assert report["problems"] == [], report["problems"]
    assert report["stored_checksum_before"] == report["stored_checksum_after"]
    assert not report["stored_checksum_before"].endswith("/0")  # the checksum covered real rows
    log = (stack.workdir / "rasa.log").read_text(errors="replace")
    assert "Traceback" not in log
