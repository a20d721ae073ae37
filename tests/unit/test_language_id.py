"""Which language a patient wrote in (clinic/language_id.py): the reply's language."""
import pytest

from clinic.language_id import identify


@pytest.mark.parametrize("text", [
    "is this acupuncture?", "will i be sore", "ok", "thx", "kms", "cant breath", "sob after needling",
    "Can IMS help my sciatica", "is this chatgpt", "how much", "hi", "", "12345", "???", "😀",
])
def test_english_and_short_texts_stay_english(text):
    assert identify(text).code == "en"


@pytest.mark.parametrize("text,code", [
    ("숨을 못 쉬겠어요", "ko"), ("针灸后胸闷气短", "zh-Hans"), ("針灸後胸悶氣短", "zh-Hant"),
    ("نمی‌تونم نفس بکشم", "fa"), ("ਮੈਨੂੰ ਸਾਹ ਨਹੀਂ ਆ ਰਿਹਾ", "pa"), ("nahihirapan akong huminga", "tl"),
    ("dolor de pecho despues de la puncion seca", "es"), ("tôi bị đau ngực", "vi"),
    ("سانس نہیں آ رہی", "ur"), ("日本語は話せますか", "ja"),
])
def test_each_language_patients_write(text, code):
    assert identify(text).code == code


def test_mixed_text_goes_by_the_script_that_carries_the_message():
    assert identify("hi 가슴이 아파요").code == "ko"
    assert identify("Can IMS help my sciatica? I read about it, 好").code == "en"


def test_romanised_punjabi_or_hindi_falls_back_to_english():
    # the English assistant can answer it; the Punjabi red flags still run on it (clinic/redflags)
    assert identify("mujhe saans nahi aa rahi").code == "en"
    assert identify("saah nahi aa reha").code == "en"


def test_binary_and_huge_input_are_harmless():
    assert identify("\x00\x01\x02" * 1000).code == "en"
    assert identify("가" * 100000).code == "ko"
