"""The deterministic safety net on a list of red-flag and ordinary messages (tests/heldout/red_flags.yml)."""
from pathlib import Path

import pytest
import yaml

from clinic import red_flags

CASES = yaml.safe_load((Path(__file__).parent.parent / "heldout" / "red_flags.yml").read_text())


@pytest.mark.parametrize("text", CASES["medical_emergency"])
def test_medical_emergencies_are_all_caught(text):
    assert red_flags.classify(text) in (red_flags.MEDICAL, red_flags.CRISIS), text


@pytest.mark.parametrize("text", CASES["crisis"])
def test_suicide_and_self_harm_are_crisis(text):
    assert red_flags.classify(text) == red_flags.CRISIS, text


@pytest.mark.parametrize("text", CASES["not_emergency"])
def test_ordinary_questions_raise_no_alarm(text):
    assert red_flags.classify(text) is None, text


@pytest.mark.parametrize("text", [
    "will I be sore after IMS?",
    "is bruising normal after dry needling",
    "my back is killing me, can ims help",
    "can ims cause a collapsed lung?",
    "whats the emergency contact number for the clinic",
])
def test_soreness_and_safety_questions_are_not_emergencies(text):
    assert red_flags.classify(text) is None


@pytest.mark.parametrize("text", [
    "Had IMS this morning and now I\u2019m SHORT OF BREATH",
    "sore after needling + cant breathe properly",
    "sob since my ims appt",
    "CHEST PAIN after needles",
])
def test_breathing_trouble_after_needling_wins_over_soreness(text):
    assert red_flags.classify(text) == red_flags.MEDICAL


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "\U0001F600" * 50, "x" * 100_000])
def test_odd_input_is_handled_quietly(text):
    assert red_flags.classify(text) is None
