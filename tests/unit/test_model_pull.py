"""rasa_fixes/model_pull.py: with a model server configured, the local model still loads; a pulled model
loads beside the old one (the event loop keeps answering), then takes over in one step."""
import asyncio
import hashlib
import time
from pathlib import Path

import pytest
from aiohttp import web
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from rasa_fixes import model_pull
from tests.servers import free_port


class FakeProcessor:
    """Stands in for a MessageProcessor: answers with its own name, slowly."""

    def __init__(self, name, seconds=0.0):
        self.name, self.seconds = name, seconds
        self.domain = Domain.from_dict({"responses": {"utter_x": [{"text": name}]}})
        self.model_filename = f"{name}.tar.gz"

    async def handle_message(self, message):
        await asyncio.sleep(self.seconds)
        return [{"text": self.name}]


def test_a_message_in_progress_finishes_on_the_old_model_the_next_gets_the_new():
    async def scenario():
        agent = Agent()
        agent.processor = FakeProcessor("old", seconds=0.3)
        in_flight = asyncio.ensure_future(agent.handle_message(UserMessage("hi", sender_id="a")))
        await asyncio.sleep(0.05)
        model_pull.swap(agent, FakeProcessor("new"), "f" * 64)
        assert agent.fingerprint == "f" * 64 and agent.domain.responses["utter_x"][0]["text"] == "new"
        after = await agent.handle_message(UserMessage("hi", sender_id="b"))
        return await in_flight, after
    before, after = asyncio.run(scenario())
    assert before == [{"text": "old"}] and after == [{"text": "new"}]


def _pulled(monkeypatch, body: bytes, etag=None):
    async def pull(server, fingerprint, directory):
        Path(directory, "release-7.tar.gz").write_bytes(body)
        return etag or hashlib.sha256(body).hexdigest()
    monkeypatch.setattr(model_pull, "_rasa_pull", pull)


def test_a_pulled_model_loads_in_a_thread_while_the_loop_keeps_answering(monkeypatch):
    _pulled(monkeypatch, b"new model")

    def slow_build(agent, path):
        time.sleep(1.0)  # blocking, like MessageProcessor(...) unpacking and loading components
        assert Path(path).read_bytes() == b"new model"
        return FakeProcessor("new")
    monkeypatch.setattr(model_pull, "build_processor", slow_build)

    async def scenario():
        agent = Agent()
        agent.processor = FakeProcessor("old")
        ticks, gaps = [], []

        async def ticker():
            last = time.monotonic()
            while True:
                await asyncio.sleep(0.01)
                now = time.monotonic()
                gaps.append(now - last)
                last = now
                ticks.append(now)
        task = asyncio.ensure_future(ticker())
        await model_pull.update_model_from_server(EndpointConfig("http://models.example/model"), agent)
        task.cancel()
        return agent, gaps
    agent, gaps = asyncio.run(scenario())
    assert agent.processor.name == "new" and agent.fingerprint == hashlib.sha256(b"new model").hexdigest()
    assert len(gaps) > 50 and max(gaps) < 0.3, f"event loop stalled {max(gaps):.2f} s"


def test_a_download_that_is_not_its_etag_is_not_loaded(monkeypatch):
    _pulled(monkeypatch, b"cut sho", etag=hashlib.sha256(b"cut short").hexdigest())
    monkeypatch.setattr(model_pull, "build_processor", lambda *a: pytest.fail("loaded a damaged download"))
    agent = Agent()
    agent.processor = FakeProcessor("old")
    asyncio.run(model_pull.update_model_from_server(EndpointConfig("http://models.example/model"), agent))
    assert agent.processor.name == "old"


def test_a_model_that_fails_to_load_leaves_the_old_one_and_is_reported_once(monkeypatch, caplog):
    _pulled(monkeypatch, b"broken")

    def broken(agent, path):
        raise ValueError("not a model")
    monkeypatch.setattr(model_pull, "build_processor", broken)
    agent = Agent()
    agent.processor = FakeProcessor("old")
    for _ in range(3):
        asyncio.run(model_pull.update_model_from_server(EndpointConfig("http://models.example/model"), agent))
    assert agent.processor.name == "old"
    assert sum("could not be loaded" in r.getMessage() for r in caplog.records) == 1


def test_apply_replaces_rasas_functions():
    import rasa.core.agent as rasa_agent
    model_pull.apply()
    assert rasa_agent.load_agent is model_pull.load_agent
    assert rasa_agent._update_model_from_server is model_pull.update_model_from_server
