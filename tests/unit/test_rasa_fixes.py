"""rasa_fixes keeps Rasa's behaviour: the compiled check accepts and rejects exactly what Rasa's own did."""
import asyncio

import jsonschema
import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import components  # noqa: F401  (loading our model applies the fixes the same way)
from rasa_fixes.action_result_schema import _validate_action_result

REPLIES = {
    "slot and text": ({"events": [{"event": "slot", "name": "cb_name", "value": "Sam"}],
                       "responses": [{"text": "Thanks, Sam."}]}, True),
    "empty": ({}, True),
    "form events": ({"events": [{"event": "active_loop", "name": "callback_form"},
                                {"event": "slot", "name": "requested_slot", "value": "cb_phone"}]}, True),
    "events not a list": ({"events": {"event": "slot"}}, False),
    "event without a type": ({"events": [{"name": "cb_name", "value": "Sam"}]}, False),
    "unknown event type": ({"events": [{"event": "drop_database"}]}, False),
    "responses not objects": ({"responses": ["hello"]}, False),
}


def rasa_original(result):
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
        return True
    except jsonschema.ValidationError:
        return False


def ours(result):
    try:
        return _validate_action_result(None, result)
    except jsonschema.ValidationError as error:
        assert "Failed to validate Action server response" in error.message
        return False


@pytest.mark.parametrize("name", REPLIES)
def test_compiled_check_agrees_with_rasas_check(name):
    reply, valid = REPLIES[name]
    assert rasa_original(reply) is valid
    assert ours(reply) is valid


def test_the_fix_is_what_rasa_runs_once_our_model_loads():
    assert RemoteAction._validate_action_result is _validate_action_result
    # and our model does load the `components` package (which applies the fixes)
    import yaml
    pipeline = yaml.safe_load(open("config.yml"))["pipeline"]
    assert any(str(step["name"]).startswith("components.") for step in pipeline)


def run_remote_action(reply):
    async def scenario():
        app = web.Application()

        async def webhook(request):
            return web.json_response(reply)

        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            action = RemoteAction("action_greet", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
            domain = Domain.from_dict({"slots": {"cb_name": {"type": "text", "mappings": [{"type": "custom"}]}}})
            return await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}),
                                    DialogueStateTracker("patient", domain.slots), domain)
        finally:
            await runner.cleanup()

    return asyncio.run(scenario())


def test_a_real_action_reply_still_becomes_events():
    events = run_remote_action({"events": [{"event": "slot", "name": "cb_name", "value": "Sam"}],
                                "responses": [{"text": "Thanks, Sam."}]})
    assert SlotSet("cb_name", "Sam") in events
    assert any(getattr(e, "text", None) == "Thanks, Sam." for e in events)


def test_a_malformed_action_reply_is_still_refused():
    with pytest.raises(jsonschema.ValidationError):
        run_remote_action({"events": [{"name": "cb_name", "value": "Sam"}]})


def test_event_types_resolve_as_rasa_resolves_them():
    from rasa.shared.core.events import ActiveLoop, BotUttered, Event, SlotSet, UserUttered
    from rasa_fixes.event_types import _original

    for name in ("user", "bot", "slot", "active_loop", "action", "restart", "session_started", "followup"):
        assert Event.resolve_by_type(name) is _original(name)
    assert Event.resolve_by_type("slot") is SlotSet and Event.resolve_by_type("bot") is BotUttered
    assert Event.resolve_by_type("user") is UserUttered and Event.resolve_by_type("active_loop") is ActiveLoop
    assert Event.resolve_by_type("topic") is None  # Rasa's backwards compatibility
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.from_parameters({"event": "slot", "name": "cb_name", "value": "Sam"}) == SlotSet("cb_name", "Sam")
