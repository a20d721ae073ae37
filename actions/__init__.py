"""Custom actions for the rasa-sdk action server, one module per concern.

    faq.py          answers from the FAQ, with a next step
    clinic_info.py  greeting, hours, location, contact, fees (from clinic.yml)
    fallback.py     "did you mean" and out-of-scope replies
    handoff.py      booking link and talking to a person
"""
import logging

from clinic import config

logger = logging.getLogger(__name__)

try:
    _unset = config.placeholders(config.load())
    if _unset:
        logger.warning("clinic.yml still has placeholder values for: %s", ", ".join(_unset))
except Exception as error:  # a broken clinic file must be seen at start-up, not by a patient
    logger.error("clinic.yml cannot be read: %s", error)
