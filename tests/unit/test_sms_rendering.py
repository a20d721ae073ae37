"""How replies are shaped for SMS."""
from pathlib import Path

import pytest
import yaml

from channels.sms import ALSO_ASKED, conversation_id, plain, render, segments

RESPONSES = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())["responses"]
FAQ_KEYS = sorted(name.split("/", 1)[1] for name in RESPONSES if name.startswith("utter_faq/"))


def test_buttons_become_numbered_options_in_the_same_message():
    text = render([{"text": "Here's the answer.", "buttons": [
        {"title": "Book online", "payload": "/book_appointment"},
        {"title": "Request a call-back", "payload": "/request_human"}]}])
    assert text == "Here's the answer.\nReply 1 Book online, 2 Call-back"


def test_markdown_and_curly_quotes_are_removed():
    assert plain("**Book** [here](https://example.com/b) \u2019now\u2019") == "Book here: https://example.com/b 'now'"


def test_segments():
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2 and segments("a" * 306) == 2
    assert segments("\U0001F600" * 10) == 1 and segments("\u00e9" * 10) == 1
    assert segments("\u4f60" * 71) == 2


def test_conversation_ids_hide_the_number():
    sid = conversation_id("+16045550134")
    assert sid.startswith("sms-") and "6045550134" not in sid
    assert sid == conversation_id("+16045550134") != conversation_id("+16045550135")


def test_every_faq_answer_fits_two_segments_with_its_options():
    from pathlib import Path

    import yaml

    responses = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())["responses"]
    for key, variants in responses.items():
        if key.startswith("utter_faq/"):
            text = render([variants[0]])
            assert segments(text) <= 2, (key, len(text))
            assert "Reply 1 Book" in text


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_an_answer_and_a_second_question_still_fit_two_segments(key):
    answer = RESPONSES[f"utter_faq/{key}"][0]
    for title in ("How long, how many sessions?", "Combined with other care?", "Do I need a referral?"):
        text = render([{"text": answer["text"], "buttons": answer.get("buttons")},
                       {"text": ALSO_ASKED, "buttons": [{"title": title, "payload": "x"}]}])
        assert segments(text) <= 2 and "Reply 1" in text
