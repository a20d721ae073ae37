"""Passwords (Argon2id), server-side sessions, CSRF tokens, login throttling, TOTP, audit log."""
import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Optional, Tuple

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.engine import Engine

from console import config
from console.db import audit, login_attempts, sessions, users

HASHER = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile
# An Argon2 hash checked when the account does not exist, so both cases take the same time.
DUMMY_HASH = HASHER.hash("not-a-real-password-" + secrets.token_hex(8))
ROLES = ("frontdesk", "admin")

# On every response (HSTS is ignored by browsers over plain HTTP, and harmless there).
HEADERS = (
    ("content-security-policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    ("x-content-type-options", "nosniff"), ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"), ("cache-control", "no-store"),
    ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)

MIN_LENGTH = 10


@lru_cache(maxsize=1)
def common_passwords() -> frozenset:
    path = Path(__file__).with_name("common-passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines()
                     if line.strip() and not line.startswith("#"))


def password_problem(password: str, name: str = "") -> Optional[str]:
    """Why a new password is refused, or None. Length and the common list; no composition rules."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters (a few words together work well)."
    if len(password) > 256:
        return "That password is too long."
    lowered = password.lower()
    base = lowered.rstrip("0123456789!?.@#$*_- ")  # "password1234!" is still "password"
    if lowered in common_passwords() or (len(base) >= 4 and base in common_passwords()) or (name and name.lower() in lowered and len(lowered) < len(name) + 6):
        return "That password is too common or too easy to guess. Please choose another."
    if len(set(lowered)) < 4:
        return "That password is too easy to guess. Please choose another."
    return None


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored: Optional[str], password: str) -> bool:
    try:
        return HASHER.verify(stored or DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def one_time_password() -> str:
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- audit ------------------------------------------------------------------------------------
def record(engine: Engine, action: str, user: Optional[str] = None, target: Optional[str] = None,
           detail: Optional[str] = None, address: Optional[str] = None) -> None:
    """Append one line to the audit log. Never a phone number, email or message text."""
    with engine.begin() as conn:
        conn.execute(insert(audit).values(at=config.now_utc(), user_name=(user or "")[:64] or None,
                                          address=(address or "")[:64] or None, action=action[:40],
                                          target=(target or "")[:80] or None, detail=(detail or "")[:300] or None))


# -- throttling -------------------------------------------------------------------------------
def throttled(engine: Engine, account: str, address: str) -> Optional[str]:
    """'account' or 'address' when too many recent failures came from it, else None."""
    since = config.now_utc() - timedelta(seconds=config.THROTTLE_WINDOW)
    with engine.connect() as conn:
        last_ok = conn.scalar(select(func.max(login_attempts.c.at)).where(
            and_(login_attempts.c.account == account, login_attempts.c.success)))
        start = max(since, last_ok) if last_ok else since
        fails = conn.scalar(select(func.count()).select_from(login_attempts).where(and_(
            login_attempts.c.account == account, ~login_attempts.c.success, login_attempts.c.at > start)))
        if fails >= config.MAX_FAILS_ACCOUNT:
            return "account"
        fails = conn.scalar(select(func.count()).select_from(login_attempts).where(and_(
            login_attempts.c.address == address, ~login_attempts.c.success, login_attempts.c.at > since)))
        if fails >= config.MAX_FAILS_ADDRESS:
            return "address"
    return None


def note_attempt(engine: Engine, account: str, address: str, success: bool) -> None:
    now = config.now_utc()
    with engine.begin() as conn:
        conn.execute(insert(login_attempts).values(account=account[:64], address=address[:64],
                                                   at=now, success=success))
        conn.execute(delete(login_attempts).where(login_attempts.c.at < now - timedelta(days=1)))


# -- sessions ---------------------------------------------------------------------------------
def new_session(engine: Engine, user_id: int, pending_totp: bool = False) -> Tuple[str, str]:
    """A fresh random token (only its hash is stored) and a CSRF token; returns (token, csrf)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = config.now_utc()
    with engine.begin() as conn:
        conn.execute(insert(sessions).values(token_hash=token_hash(token), user_id=user_id, csrf=csrf,
                                             created_at=now, last_seen=now, pending_totp=pending_totp))
        conn.execute(delete(sessions).where(  # sessions nobody will come back to
            (sessions.c.last_seen < now - timedelta(seconds=config.IDLE_TIMEOUT))
            | (sessions.c.created_at < now - timedelta(seconds=config.ABSOLUTE_TIMEOUT))))
    return token, csrf


def load_session(engine: Engine, token: Optional[str]):
    """(session row, user row, problem): problem is 'expired' or 'disabled' when it was ended."""
    if not token or len(token) > 100:
        return None, None, None
    with engine.begin() as conn:
        row = conn.execute(select(sessions).where(sessions.c.token_hash == token_hash(token))).first()
        if row is None:
            return None, None, None
        user = conn.execute(select(users).where(users.c.id == row.user_id)).first()
        now = config.now_utc()
        problem = None
        if user is None or user.disabled:
            problem = "disabled"
        elif (now - row.last_seen).total_seconds() > config.IDLE_TIMEOUT or \
                (now - row.created_at).total_seconds() > config.ABSOLUTE_TIMEOUT or \
                (row.pending_totp and (now - row.created_at).total_seconds() > 600):
            problem = "expired"
        if problem:
            conn.execute(delete(sessions).where(sessions.c.token_hash == row.token_hash))
            return None, user, problem
        if (now - row.last_seen).total_seconds() > 30:
            conn.execute(update(sessions).where(sessions.c.token_hash == row.token_hash).values(last_seen=now))
        return row, user, None


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash(token)))


def end_user_sessions(engine: Engine, user_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.user_id == user_id))


def csrf_ok(expected: Optional[str], given: Optional[str]) -> bool:
    return bool(expected and given) and hmac.compare_digest(expected, given)


# -- users ------------------------------------------------------------------------------------
def add_user(engine: Engine, name: str, role: str, password: Optional[str] = None) -> str:
    """Creates a user with a one-time password (to change at first sign-in); returns it."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-" for c in name):
        raise ValueError("a user name is letters, digits, '.', '_' or '-' (at most 64)")
    temporary = password is None
    password = password or one_time_password()
    with engine.begin() as conn:
        if conn.scalar(select(users.c.id).where(func.lower(users.c.name) == name.lower())):
            raise ValueError(f"user {name} exists already")
        conn.execute(insert(users).values(name=name, role=role, password_hash=hash_password(password),
                                          must_change=temporary, disabled=False, totp_required=False,
                                          created_at=config.now_utc()))
    return password


def totp_ok(secret: Optional[str], code: str) -> bool:
    code = (code or "").replace(" ", "")
    return bool(secret) and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)
