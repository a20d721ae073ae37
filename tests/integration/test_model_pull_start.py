"""rasa_fixes/model_pull.py with the real trained model (after `make train`, so here and not in tests/unit):
with a model server configured, the local model still loads when the server is down or has none."""
import asyncio
import hashlib
from pathlib import Path

import pytest
from aiohttp import web
from rasa.core.utils import AvailableEndpoints
from rasa.utils.endpoints import EndpointConfig

from rasa_fixes import model_pull
from tests.servers import free_port, newest_model


@pytest.mark.parametrize("answer", ["unreachable", "204"])
def test_the_local_model_loads_when_the_model_server_has_none_or_is_down(answer):
    """Rasa 3.6 alone starts with no model at all here."""
    model = newest_model()
    port = free_port()

    async def scenario():
        runner = None
        if answer == "204":
            app = web.Application()
            asked = []

            async def live(request):
                asked.append(request.headers.get("If-None-Match"))
                return web.Response(status=204)
            app.router.add_get("/model/live", live)
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
        server = EndpointConfig(f"http://127.0.0.1:{port}/model/live", token="t", wait_time_between_pulls=0)
        try:
            agent = await model_pull.load_agent(model_path=model, endpoints=AvailableEndpoints(model=server))
        finally:
            if runner:
                await runner.cleanup()
        return agent, (asked if answer == "204" else None)
    agent, asked = asyncio.run(scenario())
    assert agent.is_ready() and agent.processor.model_filename == Path(model).name
    sha = hashlib.sha256(Path(model).read_bytes()).hexdigest()
    assert agent.fingerprint == sha  # the model server's ETag for this same file: not pulled again
    if asked is not None:
        assert asked == [sha]
    reply = asyncio.run(agent.parse_message("is this acupuncture?"))
    assert reply["intent"]["name"]
