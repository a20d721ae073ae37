"""The console's own tables (CONSOLE_DB_URL), and the two databases it reads: Rasa's tracker store
(`events`) and the call-back requests (`callback_requests`, schema owned by callbacks/store.py)."""
import json
import os
from typing import Optional

from sqlalchemy import (Boolean, Column, DateTime, Float, Index, Integer, MetaData, String, Table, Text,
                        create_engine, event, false, inspect, text)
from sqlalchemy.engine import Engine

from console import config

meta = MetaData()

users = Table(
    "console_users", meta,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), unique=True, nullable=False),
    Column("role", String(16), nullable=False),  # frontdesk / admin
    Column("password_hash", String(255), nullable=False),
    Column("must_change", Boolean, nullable=False, default=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("totp_secret", String(64)),
    Column("totp_required", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
)

sessions = Table(
    "console_sessions", meta,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("pending_totp", Boolean, nullable=False, default=False),
)

login_attempts = Table(
    "console_login_attempts", meta,
    Column("id", Integer, primary_key=True),
    Column("account", String(64), index=True),
    Column("address", String(64), index=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("success", Boolean, nullable=False),
)

audit = Table(
    "console_audit", meta,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("user_name", String(64)),
    Column("address", String(64)),
    Column("action", String(40), nullable=False),
    Column("target", String(80)),
    Column("detail", String(300)),
)

# Console-side state of a call-back request (the request itself stays in callback_requests).
callback_state = Table(
    "console_callback_state", meta,
    Column("request_id", Integer, primary_key=True),
    Column("reference", String(12), nullable=False),
    Column("status", String(12), nullable=False),  # new / called / no_answer / done
    Column("attempts", Integer, nullable=False, default=0),
    Column("updated_at", DateTime),
    Column("updated_by", String(64)),
)

# Every change, so it can be shown and undone.
callback_actions = Table(
    "console_callback_actions", meta,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("user_name", String(64), nullable=False),
    Column("action", String(12), nullable=False),  # called / no_answer / done / undo
    Column("note", String(500)),
    Column("prev_status", String(12)),
    Column("prev_attempts", Integer),
    Column("undone", Boolean, nullable=False, default=False),
)

# Facts derived from the tracker store, kept up to date by console/ingest.py.
conversations = Table(
    "console_conversations", meta,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), unique=True, nullable=False),
    Column("channel", String(20)),
    Column("started", Float, nullable=False),
    Column("last", Float, nullable=False),
    Column("user_messages", Integer, nullable=False, default=0),
    Column("faq", Boolean, nullable=False, default=False),
    Column("fallback", Boolean, nullable=False, default=False),
    Column("out_of_scope", Boolean, nullable=False, default=False),
    Column("emergency", Boolean, nullable=False, default=False),
    Column("booking", Boolean, nullable=False, default=False),
    Column("callback", Boolean, nullable=False, default=False),
    Column("after_hours", Boolean, nullable=False, default=False),
    Column("in_form", Boolean, nullable=False, default=False),
    Column("emergency_notified", Boolean, nullable=False, default=False),
    # added for issue 17 (existing databases get them from add_missing_columns):
    Column("language", String(16), nullable=False, default="en", server_default="en"),  # console/languages.py
    Column("other_language", Boolean, nullable=False, default=False, server_default=false()),
    Index("ix_conv_last", "last"),
    Index("ix_conv_started", "started"),
)

# One row per patient message: what the assistant understood. Text is kept only for messages it
# could not answer, or answered unsure (for review), never for those typed into the call-back form.
messages = Table(
    "console_messages", meta,
    Column("event_id", Integer, primary_key=True),
    Column("conversation_id", Integer, nullable=False, index=True),
    Column("ts", Float, nullable=False),
    Column("channel", String(20)),
    Column("intent", String(80)),
    Column("topic", String(80)),  # faq/<key> or the intent
    Column("confidence", Float),
    Column("outcome", String(12), nullable=False),  # faq / fallback / oos / emergency / other_lang / other / form
    Column("text", Text),
    Column("group_key", String(200)),
    Column("language", String(16), nullable=False, default="en", server_default="en"),  # issue 17
    # issue 18: answered (FAQ or an intent with a reply) but with a confidence below config.unsure_below();
    # its text is kept and grouped for review like an unanswered question's
    Column("unsure", Boolean, nullable=False, default=False, server_default=false()),
    Index("ix_msg_ts", "ts"),
    Index("ix_msg_group", "group_key", "ts"),
    Index("ix_msg_outcome_ts", "outcome", "ts"),
)

# Counts per clinic-local day, kept by the ingest pass, so charts over a year read a few thousand rows
# instead of every message. kind: channel / outcome / topic / start (key: after / open).
daily = Table(
    "console_daily", meta,
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD, America/Vancouver
    Column("kind", String(10), primary_key=True),
    Column("key", String(80), primary_key=True),
    Column("n", Integer, nullable=False),
)

# One row per group of similar unanswered wordings: how many, the newest (kept at ingest).
groups = Table(
    "console_groups", meta,
    Column("group_key", String(200), primary_key=True),
    Column("n", Integer, nullable=False),
    Column("newest", Float, nullable=False),
    Index("ix_groups_newest", "newest"),
)

labels = Table(
    "console_labels", meta,
    Column("group_key", String(200), primary_key=True),
    Column("label", String(12), nullable=False),  # topic / new / not_for_us
    Column("topic", String(80)),
    Column("user_name", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
)

# Patient messages staff marked as missed emergencies (issue 18): the red flag the assistant did not
# catch. No text here: it is read from the tracker store, so an erased conversation takes its marks along.
missed_emergencies = Table(
    "console_missed_emergencies", meta,
    Column("event_id", Integer, primary_key=True),  # the user event's id in the tracker store
    Column("sender_id", String(255), nullable=False, index=True),
    Column("ts", Float, nullable=False, index=True),  # the message's time
    Column("user_name", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
)

# English names of the language codes the assistant reported (console/languages.py).
languages = Table(
    "console_languages", meta,
    Column("code", String(16), primary_key=True),
    Column("name", String(60), nullable=False),
)

ingest_state = Table(
    "console_ingest_state", meta,
    Column("key", String(40), primary_key=True),
    Column("value", String(80)),
)

# The call-back requests' table, as far as the console reads and updates it (callbacks/store.py).
source_meta = MetaData()
callback_requests = Table(
    "callback_requests", source_meta,
    Column("id", Integer, primary_key=True),
    Column("reference", String(12)),
    Column("created_at", DateTime),
    Column("name", String(80)),
    Column("phone", String(20)),
    Column("email", String(254)),
    Column("preferred_time", String(120)),
    Column("preferred_start", DateTime),
    Column("patient_type", String(10)),
    Column("consent_at", DateTime),
    Column("channel", String(20)),
    Column("sender_key", String(64)),
    Column("dedupe_key", String(64)),
    Column("status", String(10)),
    Column("done_at", DateTime),
)
callback_notifications = Table(
    "callback_notifications", source_meta,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer),
)

# "Delete my details": the action server erases the conversation once it is idle (callbacks/transcripts.py).
forget_requests = Table(
    "forget_requests", source_meta,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("requested_at", DateTime, nullable=False),
)

tracker_meta = MetaData()
events = Table(
    "events", tracker_meta,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"timeout": 15, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi, _record):
            cursor = dbapi.cursor()
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()
        return engine
    if url.startswith(("postgresql://", "postgres://")):  # SQLAlchemy 2.1 would pick psycopg 3
        url = "postgresql+psycopg2://" + url.split("://", 1)[1]
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=5, max_overflow=5)


APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS console_audit_no_update BEFORE UPDATE ON console_audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS console_audit_no_delete BEFORE DELETE ON console_audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
]
APPEND_ONLY_PG = [
    "CREATE OR REPLACE FUNCTION console_audit_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS console_audit_append_only ON console_audit",
    "CREATE TRIGGER console_audit_append_only BEFORE UPDATE OR DELETE ON console_audit "
    "FOR EACH ROW EXECUTE FUNCTION console_audit_append_only()",
]


# One-off fills run when a column is added to an existing database. Conversations read before issue 17
# had no language: English, counted per start day from the per-day counts (purged ones included).
BACKFILL = {
    ("console_conversations", "language"): [
        "INSERT INTO console_daily (day, kind, key, n) SELECT day, 'language', 'en', SUM(n) "
        "FROM console_daily WHERE kind = 'start' GROUP BY day"],
}


def add_missing_columns(engine: Engine) -> list:
    """create_all makes missing tables but never alters one: columns added to a table since a database
    was created are added here (ALTER TABLE ... ADD COLUMN, with the column's server default for the
    rows already there), then their BACKFILL. Returns "table.column" for each one added."""
    added = []
    inspector = inspect(engine)
    for table in meta.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in have:
                continue
            spec = engine.dialect.ddl_compiler(engine.dialect, None).get_column_specification(column)
            name = engine.dialect.identifier_preparer.format_table(table)
            try:
                with engine.begin() as conn:
                    conn.execute(text(f"ALTER TABLE {name} ADD COLUMN {spec}"))
                    for statement in BACKFILL.get((table.name, column.name), []):
                        conn.execute(text(statement))
            except Exception:  # another process added it meanwhile: fine; anything else: raise
                if column.name not in {c["name"] for c in inspect(engine).get_columns(table.name)}:
                    raise
                continue
            added.append(f"{table.name}.{column.name}")
    return added


def create_tables(engine: Engine) -> None:
    meta.create_all(engine)
    add_missing_columns(engine)
    statements = APPEND_ONLY_PG if engine.dialect.name == "postgresql" else APPEND_ONLY_SQLITE
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


class Databases:
    """The three engines. The tracker store and call-back tables may not exist yet (no patient)."""

    def __init__(self, console_url: Optional[str] = None, tracker_url: Optional[str] = None,
                 callback_url: Optional[str] = None):
        self.console = make_engine(console_url or config.console_url())
        if self.console.dialect.name == "sqlite":  # the ingest pass writes while pages read
            with self.console.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        self.tracker = make_engine(tracker_url or config.tracker_url())
        self.callbacks = make_engine(callback_url or config.callback_url())

    def has_table(self, engine: Engine, name: str) -> bool:
        return inspect(engine).has_table(name)


def event_json(raw) -> dict:
    """An event's `data` column as a dict ({} for anything else: events are written by Rasa, read by us)."""
    try:
        value = json.loads(raw) if raw else {}
        return value if isinstance(value, dict) else {}
    except ValueError:
        return {}
