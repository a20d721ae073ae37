"""Issue 18, point 2: the answer texts published from the console reach patients (nlg/localised.py).

A real SQLite content store, Rasa's own domain and response generator, and the paths by which an
answer reaches a patient: an FAQ answer picked by the response selector (ActionRetrieveResponse), a
custom action's `utter_message(response=...)` (the second answer, RemoteAction._utter_responses) and
a rule's utter_* response; on the web and by SMS."""
import asyncio
from pathlib import Path

import pytest
import yaml
from rasa.core.actions.action import ActionRetrieveResponse, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels import sms, sms_text
from clinic import answer_catalogue, content_store
from nlg.localised import LocalisedResponses

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))
HURT = "utter_faq/does_it_hurt"
SHIPPED = answer_catalogue.catalogue()[HURT].text
NEW = "A brief pinch, then maybe a dull ache or a twitch. Tell your physio if you feel nervous."
NEW_SMS = "A brief pinch, then maybe a twitch."


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'content.db'}"
    monkeypatch.setenv("CLINIC_CONTENT_DB_URL", url)
    monkeypatch.setattr(content_store, "LIVE", content_store.LiveContent(refresh=0))
    return content_store.engine(url)


def publish(eng, body):
    vid = content_store.save_version(eng, "answers", body, "alex", "test")
    content_store.set_live(eng, "answers", vid, "alex")
    return vid


def tracker(channel="rest", text="does it hurt?", parse=None):
    t = DialogueStateTracker("patient", DOMAIN.slots)
    t.update(UserUttered(text, intent={"name": "faq", "confidence": 0.9}, parse_data={
        "text": text, "intent": {"name": "faq", "confidence": 0.9}, "entities": [],
        "response_selector": {"faq": {"response": {"utter_action": HURT, "intent_response_key": "faq/does_it_hurt",
                                                   "confidence": 0.9, "responses": []}, "ranking": []}},
        **(parse or {})}, input_channel=channel))
    return t


def generate(name, t, output_channel="collector"):
    return asyncio.run(LocalisedResponses(domain=DOMAIN).generate(name, t, output_channel))


def test_without_a_store_the_shipped_text(monkeypatch):
    monkeypatch.setenv("CLINIC_CONTENT_DB_URL", "off")
    message = generate(HURT, tracker())
    assert message["text"] == SHIPPED and [b["title"] for b in message["buttons"]] == ["Book online",
                                                                                        "Ask something else"]


def test_live_override_replaces_the_text_and_keeps_the_buttons(store):
    publish(store, {HURT: {"text": NEW, "sms": NEW_SMS}})
    message = generate(HURT, tracker("rest"))
    assert message["text"] == NEW
    assert message["buttons"] == DOMAIN.responses[HURT][0]["buttons"]


def test_sms_gets_the_sms_text_or_else_the_web_text(store):
    publish(store, {HURT: {"text": NEW, "sms": NEW_SMS}})
    assert generate(HURT, tracker("twilio"))["text"] == NEW_SMS  # the SMS channel collects as "collector"
    assert generate(HURT, tracker("rest"), output_channel="twilio")["text"] == NEW_SMS
    publish(store, {HURT: {"text": NEW, "sms": None}})
    assert generate(HURT, tracker("twilio"))["text"] == NEW


def test_a_draft_is_not_live_until_set_live_and_a_roll_back_restores(store):
    first = publish(store, {})
    draft = content_store.save_version(store, "answers", {HURT: {"text": NEW, "sms": None}}, "alex", "draft")
    assert generate(HURT, tracker())["text"] == SHIPPED
    content_store.set_live(store, "answers", draft, "alex")
    assert generate(HURT, tracker())["text"] == NEW
    content_store.set_live(store, "answers", first, "alex")  # a roll-back
    assert generate(HURT, tracker())["text"] == SHIPPED


def test_emergency_texts_cannot_be_overridden_and_stay_localised(store):
    publish(store, {"utter_emergency": {"text": "Call us tomorrow.", "sms": None},
                    "utter_other_language": {"text": "English only.", "sms": None}})
    english = generate("utter_emergency", tracker(text="chest pain"))
    assert "911" in english["text"] and "tomorrow" not in english["text"]
    korean = generate("utter_other_language", tracker(text="안녕하세요", parse={"language": {"code": "ko"}}))
    assert korean["text"] != "English only." and "8-1-1" in korean["text"]
    assert korean["buttons"][0]["payload"] == "/request_human"


def test_unusable_overrides_give_the_shipped_text(store):
    publish(store, {HURT: {"text": "   ", "sms": None}, "utter_goodbye": {"text": "x" * 2000},
                    "utter_thank": "not a dict"})
    assert generate(HURT, tracker())["text"] == SHIPPED
    assert generate("utter_goodbye", tracker())["text"] == DOMAIN.responses["utter_goodbye"][0]["text"]
    assert generate("utter_thank", tracker())["text"] == DOMAIN.responses["utter_thank"][0]["text"]


def test_an_unreadable_store_gives_the_shipped_text(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINIC_CONTENT_DB_URL", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    monkeypatch.setattr(content_store, "LIVE", content_store.LiveContent(refresh=0))
    assert generate(HURT, tracker())["text"] == SHIPPED


def test_the_response_selector_path_sends_the_live_text(store):
    publish(store, {HURT: {"text": NEW, "sms": NEW_SMS}})
    channel = CollectingOutputChannel()
    events = asyncio.run(ActionRetrieveResponse("utter_faq").run(channel, LocalisedResponses(domain=DOMAIN),
                                                                 tracker("rest"), DOMAIN))
    assert events[0].text == NEW and [b["title"] for b in events[0].data["buttons"]] == [
        "Book online", "Ask something else"]
    sms_events = asyncio.run(ActionRetrieveResponse("utter_faq").run(
        CollectingOutputChannel(), LocalisedResponses(domain=DOMAIN), tracker("twilio"), DOMAIN))
    assert sms_events[0].text == NEW_SMS


def test_a_custom_actions_response_the_second_answer_sends_the_live_text(store):
    publish(store, {"utter_acupuncture": {"text": "Only dry needling here; ask an acupuncturist.", "sms": None}})
    events = asyncio.run(RemoteAction._utter_responses(
        [{"response": "utter_acupuncture"}], CollectingOutputChannel(), LocalisedResponses(domain=DOMAIN),
        tracker("rest")))
    assert events[0].text == "Only dry needling here; ask an acupuncturist."
    assert events[0].data["buttons"][0]["title"] == "Is it acupuncture?"


def test_the_sms_as_sent_carries_the_live_text_and_its_options(store):
    publish(store, {HURT: {"text": NEW, "sms": NEW_SMS}})
    message = generate(HURT, tracker("twilio"))
    assert sms.render([message]) == f"{NEW_SMS}\nReply 1 Book online, 2 Other question"
    assert answer_catalogue.sms_message(NEW, NEW_SMS, message["buttons"]) == sms.render([message])


def test_sms_rendering_lives_in_one_place():
    assert sms.render is sms_text.render and sms.segments is sms_text.segments and sms.plain is sms_text.plain
    loaded = answer_catalogue.sms_text()  # the console's copy, loaded by path
    shipped = DOMAIN.responses[HURT][0]
    assert loaded.render([shipped]) == sms.render([shipped]) and loaded.segments("é" * 200) == 2


def test_every_passage_is_quoted_exactly_from_the_clinics_page():
    mapping = yaml.safe_load((ROOT / "clinic" / "answer_passages.yml").read_text(encoding="utf-8"))
    page = (ROOT / mapping["page"]).resolve().read_text(encoding="utf-8")
    for name, quotes in mapping["passages"].items():
        assert answer_catalogue.is_editable(name) and name in DOMAIN.responses, name
        for quote in quotes:
            assert quote in page, (name, quote[:60])
    faq = [n for n in DOMAIN.responses if n.startswith("utter_faq/")]
    assert all(answer_catalogue.catalogue()[n].passages for n in faq)  # every FAQ answer has its passage


def test_every_shipped_answer_passes_the_consoles_checks():
    for name, answer in answer_catalogue.catalogue().items():
        if answer.editable:
            assert answer_catalogue.problems(name, answer.text, None) == [], name


def out_of_scope_tracker(channel="rest"):
    return tracker(channel, "whats the weather", {"intent": {"name": "out_of_scope", "confidence": 0.8},
                                                   "response_selector": {"faq": {"joint": True, "ranking": [
                                                       {"intent_response_key": "faq/benefits", "confidence": 0.3}]}}})


def test_the_out_of_scope_reply_is_the_clinics_own_wording_with_the_settings_put_in(store):
    values = {"clinic_phone": "604-555-0123", "nurse_line": "8-1-1 (HealthLink BC)"}
    publish(store, {"utter_out_of_scope": {
        "text": "That one is for our front desk: call {clinic_phone}. Health questions: {nurse_line}.", "sms": None}})
    events = asyncio.run(RemoteAction._utter_responses(
        [{"response": "utter_out_of_scope", **values}], CollectingOutputChannel(),
        LocalisedResponses(domain=DOMAIN), out_of_scope_tracker()))
    assert events[0].text == "That one is for our front desk: call 604-555-0123. Health questions: 8-1-1 (HealthLink BC)."
    titles = [b["title"] for b in events[0].data["buttons"]]
    assert titles[0] == "Request a call-back" and titles[1].startswith("Or were you asking: ")  # one tap, as shipped
    # by SMS with no SMS text of its own: the clinic's web text, still filled
    sms_message = asyncio.run(LocalisedResponses(domain=DOMAIN).generate(
        "utter_out_of_scope", out_of_scope_tracker("twilio"), "collector", **values))
    assert sms_message["text"].startswith("That one is for our front desk: call 604-555-0123.")


def test_without_an_edit_the_sms_gets_the_shipped_shorter_out_of_scope_wording(store):
    values = {"clinic_phone": "604-555-0123", "nurse_line": "8-1-1 (HealthLink BC)"}
    web = asyncio.run(LocalisedResponses(domain=DOMAIN).generate("utter_out_of_scope", out_of_scope_tracker(),
                                                                 "collector", **values))
    text = asyncio.run(LocalisedResponses(domain=DOMAIN).generate("utter_out_of_scope", out_of_scope_tracker("twilio"),
                                                                  "collector", **values))
    assert "604-555-0123" in web["text"] and "604-555-0123" in text["text"] and len(text["text"]) < len(web["text"])
    assert sms.segments(sms.render([text])) <= 2 and "2 Or: " in sms.render([text])
    assert answer_catalogue.effective({})["utter_out_of_scope"]["sms"] == text["text"].replace(
        "604-555-0123", "{clinic_phone}").replace("8-1-1 (HealthLink BC)", "{nurse_line}")


def test_the_console_refuses_an_edit_that_drops_the_clinics_number_or_invents_a_placeholder():
    shipped = answer_catalogue.catalogue()["utter_out_of_scope"]
    assert answer_catalogue.problems("utter_out_of_scope", shipped.text, shipped.sms) == []
    dropped = answer_catalogue.problems("utter_out_of_scope", "Sorry, I can't help with that. Call {nurse_line}.", None)
    assert any("{clinic_phone}" in why for why in dropped)
    invented = answer_catalogue.problems("utter_fallback", "Sorry {patient_name}, say it another way?", None)
    assert any("{patient_name}" in why for why in invented)
    assert answer_catalogue.problems("utter_fallback", "Sorry, I didn't catch that. Pick a topic?", None) == []
    preview = answer_catalogue.preview("utter_out_of_scope", shipped.text, shipped.sms)
    assert "{" not in preview["text"] and "{" not in preview["sms"]  # staff see the number that goes out
