"""Replies in the patient's language (clinic/language_replies.py): what they say, and that they fit SMS."""
import pytest

from channels.sms import render, segments
from clinic import config, language_replies

LANGUAGES = language_replies.languages()
KINDS = ("medical", "crisis", "unclear", "other")


def test_the_languages_our_patients_write_have_texts():
    assert set(LANGUAGES) >= {"zh-Hans", "zh-Hant", "ko", "fa", "es", "pa", "tl"}


@pytest.mark.parametrize("code", LANGUAGES)
def test_emergency_replies_say_911_in_their_language_and_in_english_with_the_interpreter(code):
    for kind, number in (("medical", "911"), ("crisis", "988"), ("unclear", "911")):
        text = language_replies.reply(code, kind)["text"]
        native, english = text.split("\n")
        assert number in native and number in english, (code, kind)
        assert language_replies.interpreter_name(code) in text  # the language's name, said in English
    assert "911" in language_replies.reply(code, "crisis")["text"]  # 988 answers in English/French only


@pytest.mark.parametrize("code", LANGUAGES)
def test_other_messages_get_the_clinics_phone_a_call_back_and_8_1_1_in_their_language(code):
    message = language_replies.reply(code, "other", config.load())
    assert config.load().phone in message["text"] and "8-1-1" in message["text"]
    assert message["buttons"] == [{"title": message["buttons"][0]["title"], "payload": "/request_human"}]
    assert "I can't answer" not in message["text"]


@pytest.mark.parametrize("code", LANGUAGES + ["vi", "ar"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_reply_fits_two_sms_segments_as_sent(code, kind):
    sms = render([language_replies.reply(code, kind, config.load())])
    assert segments(sms) <= 2, (code, kind, len(sms), sms)


def test_a_language_without_texts_gets_english_naming_the_language_for_the_interpreter():
    text = language_replies.reply("vi", "medical")["text"]
    assert "911" in text and "Vietnamese" in text
    assert language_replies.reply("en", "medical") is None


def test_the_clinic_can_override_a_text_but_not_drop_911(tmp_path):
    clinic = config.parse({**_clinic_data(), "language_replies": {
        "ko": {"other": "영어로 답해요. {phone}로 전화 주세요. 8-1-1", "medical": "병원에 가세요"}}})
    assert language_replies.reply("ko", "other", clinic)["text"].startswith("영어로 답해요. 604-555-0100")
    medical = language_replies.reply("ko", "medical", clinic)["text"]
    assert "병원에 가세요" not in medical and medical.count("911") == 2  # unsafe override ignored


def _clinic_data():
    import yaml
    return yaml.safe_load(config.DEFAULT_PATH.read_text(encoding="utf-8"))
