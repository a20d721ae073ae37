"""Unanswered questions: grouped by similar wording, labelled by staff, written as Rasa NLU data.
Answers given with low confidence ("answered, unsure", messages.unsure) are grouped and labelled the same way."""
import os
import re

import yaml
import tempfile
from typing import Dict, List, Optional

from sqlalchemy import delete, func, insert, select, update

from console import config
from console.db import Databases, groups, labels, messages

FAQ_KEYS = ["what_is_dry_needling", "how_it_works", "trigger_points", "vs_acupuncture", "benefits",
            "conditions", "what_to_expect", "does_it_hurt", "twitch_response", "session_details",
            "soreness_after", "aftercare", "combined_therapy", "safety", "who_performs", "suitability"]
TOPICS = [f"faq/{k}" for k in FAQ_KEYS] + [
    "ask_hours", "ask_location", "ask_contact", "ask_cost", "book_appointment", "request_human",
    "greet", "goodbye", "thank", "bot_challenge", "affirm", "deny"]
# Intents staff should not label into: safety and the dialogue's own mechanics.
NOT_LABELLABLE = {"faq", "nlu_fallback", "out_of_scope", "emergency", "cancel", "correct_callback",
                  "delete_my_data", "ask_more"}


# What patients ask about: FAQ answers, the ask_* questions and these. Everything else in the domain
# (affirm, deny, greet, goodbye, thank, bot_challenge, nlu_fallback, cancel, correct_callback, ask_more...)
# is the dialogue's own mechanics and is not offered as a topic in lists and filters.
PATIENT_INTENTS = ("book_appointment", "request_human", "emergency", "out_of_scope", "other_language")
NOT_TOPICS = {"ask_more"}
# Readable names; other ask_* intents read as their words ("ask_parking" -> "Parking").
TOPIC_NAMES = {"ask_hours": "Opening hours", "ask_location": "Location and directions",
               "ask_contact": "Phone and email", "ask_cost": "Fees and insurance", "ask_offer": "Do you offer IMS?",
               "ask_referral": "Referral needed?", "ask_availability": "How soon can I get in?",
               "ask_what_to_bring": "What to wear and bring", "ask_acupuncture": "Acupuncture",
               "ask_medication": "Medication", "book_appointment": "Booking an appointment",
               "request_human": "Call-back / talk to staff", "emergency": "Emergency",
               "out_of_scope": "Out of scope", "other_language": "Other language"}


def is_patient_topic(topic: Optional[str]) -> bool:
    """An FAQ answer or something a patient asks about (not a dialogue mechanic like affirm or greet)."""
    if not topic or topic in NOT_TOPICS:
        return False
    return topic.startswith("faq/") or topic.startswith("ask_") or topic in PATIENT_INTENTS


def patient_topics(path=None) -> list:
    """The topics to offer in filters: FAQ keys and patient intents from the domain (safety ones too)."""
    try:
        domain = yaml.safe_load(open(path or os.environ.get("CONSOLE_DOMAIN") or config.ROOT / "domain.yml"))
        keys = sorted(k.split("/", 1)[1] for k in (domain.get("responses") or {}) if k.startswith("utter_faq/"))
        intents = [next(iter(i)) if isinstance(i, dict) else i for i in domain.get("intents") or []]
        found = [f"faq/{k}" for k in keys] + [i for i in intents if is_patient_topic(i)]
        if keys:
            return found
    except (OSError, ValueError, AttributeError, TypeError, yaml.YAMLError):
        pass
    return [t for t in TOPICS if is_patient_topic(t)] + [i for i in PATIENT_INTENTS if i not in TOPICS]


def load_topics(path=None) -> list:
    """FAQ keys (responses utter_faq/<key>) and intents from the assistant's domain.yml, so a topic
    added there can be chosen here; the contract's list when the file cannot be read."""
    try:
        domain = yaml.safe_load(open(path or os.environ.get("CONSOLE_DOMAIN") or config.ROOT / "domain.yml"))
        keys = sorted(k.split("/", 1)[1] for k in (domain.get("responses") or {}) if k.startswith("utter_faq/"))
        intents = []
        for item in domain.get("intents") or []:
            name = next(iter(item)) if isinstance(item, dict) else item
            if name not in NOT_LABELLABLE:
                intents.append(name)
        if keys and intents:
            return [f"faq/{k}" for k in keys] + intents
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        pass
    return TOPICS


LABELS = {"topic": "Should have been topic", "new": "New topic needed", "not_for_us": "Not for us"}
# Characters YAML does not allow in a file (control characters, C1, surrogates): a patient typing
# one would make data/nlu_reviewed.yml unreadable and `rasa train` fail.
NOT_IN_YAML = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
CONTACT_LIKE = re.compile(r"\d[\d\s().-]{5,}\d|@|\b\d{3,}\b")


def topic_name(topic: Optional[str]) -> str:
    if not topic:
        return "—"
    if topic.startswith("faq/"):
        return "FAQ: " + topic[4:].replace("_", " ")
    if topic in TOPIC_NAMES:
        return TOPIC_NAMES[topic]
    if topic.startswith("ask_") and len(topic) > 4:
        return topic[4:].replace("_", " ").capitalize()
    return topic.replace("_", " ")


def looks_like_contact(text: str) -> bool:
    """Phone numbers, emails or long digit runs: never offered for training."""
    return bool(CONTACT_LIKE.search(text or ""))


class Review:
    def __init__(self, dbs: Databases, topics=None):
        self.dbs = dbs
        # what staff may label a miss as: patient topics only (no affirm/greet/...; no safety intents)
        self.topics = [t for t in (topics or load_topics()) if is_patient_topic(t)]
        self.filter_topics = patient_topics()

    def groups(self, status: str = "open", since: Optional[float] = None, limit: int = 25,
               offset: int = 0) -> List[dict]:
        labelled = select(labels.c.group_key)
        g = groups.c
        query = select(g.group_key, g.n, g.newest)
        if since:
            query = query.where(g.newest >= since)
        query = query.where(g.group_key.not_in(labelled) if status == "open" else g.group_key.in_(labelled))
        query = query.order_by(g.newest.desc()).limit(limit).offset(offset)
        with self.dbs.console.connect() as conn:
            rows = conn.execute(query).fetchall()
            keys = [r.group_key for r in rows]
            marks = {r.group_key: dict(r._mapping) for r in conn.execute(
                select(labels).where(labels.c.group_key.in_(keys)))} if keys else {}
            out = []
            for r in rows:
                m = messages.c
                examples = conn.execute(
                    select(m.text, m.conversation_id, m.unsure, m.topic, m.confidence)
                    .where(m.group_key == r.group_key).order_by(m.ts.desc()).limit(12)).fetchall()
                seen, shown, conversations, answered = set(), [], [], []
                for text, cid, unsure, topic, confidence in examples:
                    if cid not in conversations and len(conversations) < 5:
                        conversations.append(cid)  # the conversations they came from (console_messages)
                    if text and text.lower() not in seen and len(shown) < 3:
                        seen.add(text.lower())
                        shown.append(mask(text))
                    if unsure and len(answered) < 3:  # answered, unsure: what answer it got, how sure
                        answered.append({"text": mask(text), "topic": topic_name(topic), "confidence": confidence,
                                         "conversation": cid})
                out.append({"key": r.group_key, "count": r.n, "newest": r.newest, "examples": shown,
                            "conversations": conversations, "label": marks.get(r.group_key),
                            "answered": answered, "all_answered": bool(examples) and all(e.unsure for e in examples)})
        return out

    def exists(self, key: str) -> bool:
        with self.dbs.console.connect() as conn:
            return conn.scalar(select(func.count()).select_from(messages).where(
                messages.c.group_key == key, messages.c.outcome.in_(("fallback", "oos")) | messages.c.unsure)) > 0

    def label(self, key: str, label: str, topic: Optional[str], user: str) -> None:
        if label not in LABELS or (label == "topic" and topic not in self.topics):
            raise ValueError("unknown label or topic")
        values = dict(label=label, topic=topic if label == "topic" else None, user_name=user, at=config.now_utc())
        with self.dbs.console.begin() as conn:
            if conn.execute(update(labels).where(labels.c.group_key == key).values(**values)).rowcount == 0:
                conn.execute(insert(labels).values(group_key=key, **values))
        self.write_training_file()

    def unlabel(self, key: str) -> None:
        with self.dbs.console.begin() as conn:
            conn.execute(delete(labels).where(labels.c.group_key == key))
        self.write_training_file()

    def new_topics(self) -> List[dict]:
        with self.dbs.console.connect() as conn:
            out = [dict(r._mapping) for r in conn.execute(select(labels).where(labels.c.label == "new")
                                                          .order_by(labels.c.at.desc()))]
            for item in out:
                item["example"] = mask(conn.scalar(select(messages.c.text).where(
                    messages.c.group_key == item["group_key"]).order_by(messages.c.ts.desc()).limit(1)) or
                    item["group_key"])
            return out

    def training_examples(self) -> Dict[str, List[str]]:
        """intent -> reviewed example texts (topic labels; 'not for us' teaches out_of_scope)."""
        out: Dict[str, List[str]] = {}
        with self.dbs.console.connect() as conn:
            for mark in conn.execute(select(labels).where(labels.c.label.in_(("topic", "not_for_us")))
                                     .order_by(labels.c.group_key)):
                intent = mark.topic if mark.label == "topic" else "out_of_scope"
                texts = conn.scalars(select(messages.c.text).where(messages.c.group_key == mark.group_key)
                                     .order_by(messages.c.ts.desc()).limit(50))
                bucket = out.setdefault(intent, [])
                for text in texts:
                    clean = " ".join(NOT_IN_YAML.sub(" ", text or "").replace("[", "(").replace("]", ")").split())
                    if clean and not looks_like_contact(clean) and clean.lower() not in {b.lower() for b in bucket}:
                        bucket.append(clean)
        return {k: v for k, v in out.items() if v}

    def write_training_file(self, path=None) -> str:
        path = path or config.reviewed_file()
        lines = ['version: "3.1"', "",
                 "# Patients' messages the assistant could not answer, labelled by clinic staff in the",
                 "# front-desk console (written by it; review before committing, then `make train`).",
                 "nlu:"]
        examples = self.training_examples()
        for intent in sorted(examples):
            lines.append(f"- intent: {intent}")
            lines.append("  examples: |")
            lines.extend(f"    - {text}" for text in examples[intent])
        if not examples:
            lines[-1] = "nlu: []"
        body = "\n".join(lines) + "\n"
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".nlu_reviewed.")
        with os.fdopen(fd, "w") as f:
            f.write(body)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        return str(path)


def mask(text: str) -> str:
    """Digit runs that could be part of a phone number are not shown."""
    return re.sub(r"\d[\d\s().-]{5,}\d", "[number]", text or "")
