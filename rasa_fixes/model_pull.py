"""Models from the model server (endpoints `models:`, the console's GET /model/live) without a server
that has no model or stalls every message.

Two flaws of Rasa 3.6 (rasa/core/agent.py):
1. With a model server configured, load_agent ignores --model: when the model server is unreachable
   or has no model yet (204), the server starts with NO model and answers nobody. Here the local
   --model loads first (its fingerprint is its sha256, the model server's ETag, so the same file is
   not pulled again), then the server is asked.
2. A pulled model is loaded on the event loop (MessageProcessor(...) takes ~10 s): every message
   waits. Here the new MessageProcessor is built in a thread, then the agent's processor, domain,
   fingerprint and responses are swapped in one step on the loop (no await between): a message
   already in progress finishes on the old model, the next one gets the new model.
Also: a download whose sha256 is not its ETag (cut short) is not loaded, and a model that fails
to load is reported once, not every few seconds.
"""
import asyncio
import copy
import logging
import os
import re
import shutil
import tempfile
from typing import Any, Optional

import rasa.core.agent as rasa_agent
from rasa.core.agent import Agent
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.nlu.utils import is_url

from clinic.file_hash import sha256_file

logger = logging.getLogger(__name__)
SHA256 = re.compile(r"^[0-9a-f]{64}$")
_rasa_load_agent = rasa_agent.load_agent
_rasa_pull = rasa_agent._pull_model_and_fingerprint


file_sha256 = sha256_file  # the model server's ETag


def _model_file(directory: str) -> Optional[str]:
    files = [os.path.join(directory, name) for name in os.listdir(directory) if name.endswith(".tar.gz")]
    return files[0] if files else None


def build_processor(agent: Agent, model_path: str) -> MessageProcessor:
    """The slow part (unpacking, loading every component), run in a thread."""
    return MessageProcessor(model_path=model_path, tracker_store=agent.tracker_store, lock_store=agent.lock_store,
                            action_endpoint=agent.action_endpoint, generator=agent.nlg,
                            http_interpreter=agent.http_interpreter)


def swap(agent: Agent, processor: MessageProcessor, fingerprint: str) -> None:
    """What Agent.load_model does after building the processor, in one synchronous step."""
    agent.processor = processor
    agent.domain = processor.domain
    agent._set_fingerprint(fingerprint)
    agent.tracker_store.domain = agent.domain
    if isinstance(agent.nlg, TemplatedNaturalLanguageGenerator):
        agent.nlg.responses = agent.domain.responses if agent.domain else {}


START_PULL_SECONDS = 60


async def update_model_from_server(model_server: Any, agent: Agent) -> None:
    """Replaces rasa.core.agent._update_model_from_server (the pulling job calls it by that name)."""
    if not is_url(model_server.url or ""):
        logger.warning("model server URL is not usable; keeping the current model")
        return
    if getattr(agent, "_clinic_pulling", False):  # a slow load still running: never two at once
        return
    agent._clinic_pulling = True
    directory = tempfile.mkdtemp(prefix="model-pull-")
    fingerprint = None
    try:
        # a model that failed to load here is named as the one we have: the server answers 304, not the file
        fingerprint = await _rasa_pull(model_server, getattr(agent, "_clinic_failed", None) or agent.fingerprint,
                                       directory)
        model = _model_file(directory) if fingerprint else None
        if not model:
            return
        loop = asyncio.get_running_loop()
        if SHA256.match(fingerprint.strip('"')) and \
                await loop.run_in_executor(None, file_sha256, model) != fingerprint.strip('"'):
            logger.error("model from the model server does not match its ETag (cut short?); not loaded")
            return
        if fingerprint == getattr(agent, "_clinic_failed", None):
            return
        logger.info("new model %s from the model server: loading it beside the current one", fingerprint[:12])
        processor = await loop.run_in_executor(None, build_processor, agent, model)
        swap(agent, processor, fingerprint)
        agent._clinic_failed = None
        logger.info("now serving model %s (%s)", fingerprint[:12], processor.model_filename)
    except Exception as error:
        if fingerprint_failed(agent, fingerprint):
            logger.error("model from the model server could not be loaded (%s); the current model stays",
                         type(error).__name__, exc_info=True)
    finally:
        agent._clinic_pulling = False
        shutil.rmtree(directory, ignore_errors=True)


def fingerprint_failed(agent: Agent, fingerprint: Optional[str]) -> bool:
    """Remember a model that failed to load; True the first time (log it once)."""
    first = fingerprint != getattr(agent, "_clinic_failed", None)
    agent._clinic_failed = fingerprint
    return first


async def load_agent(model_path: Optional[str] = None, model_server: Any = None, remote_storage: Optional[str] = None,
                     endpoints: Any = None, loop: Any = None) -> Agent:
    """Replaces rasa.core.agent.load_agent: the local model first, then the model server."""
    server = (endpoints.model if endpoints is not None and endpoints.model else None) or model_server
    if server is None:
        return await _rasa_load_agent(model_path=model_path, model_server=model_server,
                                      remote_storage=remote_storage, endpoints=endpoints, loop=loop)
    local_endpoints = copy.copy(endpoints)
    if local_endpoints is not None:
        local_endpoints.model = None
    agent = await _rasa_load_agent(model_path=model_path, model_server=None, remote_storage=remote_storage,
                                   endpoints=local_endpoints, loop=loop)
    agent.model_server = server
    if agent.processor is not None:
        path = str(agent.processor.model_path)
        if not os.path.isfile(path):  # --model models: the newest file in it
            path = os.path.join(path, agent.processor.model_filename)
        try:  # the model server's ETag is the file's sha256: the same file is then not pulled again
            agent._set_fingerprint(file_sha256(path))
        except OSError:
            pass
    else:
        logger.warning("no local model loaded; waiting for the model server")
    if not is_url(server.url or ""):
        logger.warning("model server URL %r is not usable: serving the local model only", server.url)
        return agent
    try:  # before the server takes messages, like Rasa, but a slow model server never holds start-up long
        await asyncio.wait_for(update_model_from_server(server, agent), START_PULL_SECONDS)
    except asyncio.TimeoutError:
        logger.warning("model server slow at start-up: serving the local model, pulling in the background")
    wait = server.kwargs.get("wait_time_between_pulls", 100)
    if wait:
        await rasa_agent._schedule_model_pulling(server, int(wait), agent)
    return agent


def apply() -> None:
    rasa_agent.load_agent = load_agent
    rasa_agent._update_model_from_server = update_model_from_server
