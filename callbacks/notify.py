"""Tell the front desk about a new call-back request: email over SMTP and, if set, a JSON webhook.

Settings come from the environment (secrets never live in the repo):
  SMTP_HOST, SMTP_PORT (25), SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS (true/false), SMTP_FROM,
  FRONT_DESK_EMAIL (else clinic.yml `front_desk_email`),
  CALLBACK_WEBHOOK_URL, CALLBACK_WEBHOOK_SECRET (HMAC-SHA256 of the body, header X-Signature).
Logs carry the request reference only, never a phone number or email address.
"""
import hashlib
import hmac
import json
import logging
import os
import smtplib
from email.message import EmailMessage
from typing import Dict, Optional

import requests

from callbacks.store import CallbackRequest, CallbackStore
from clinic import config

logger = logging.getLogger(__name__)
TIMEOUT = float(os.environ.get("NOTIFY_TIMEOUT_SECONDS", 8))


def channels() -> tuple:
    """Which notifications a new request gets."""
    return ("email", "webhook") if os.environ.get("CALLBACK_WEBHOOK_URL") else ("email",)


def as_dict(request: CallbackRequest) -> Dict:
    return {
        "reference": request.reference, "name": request.name, "phone": request.phone,
        "email": request.email, "preferred_time": request.preferred_time,
        "preferred_start_utc": request.preferred_start.isoformat() + "Z" if request.preferred_start else None,
        "patient_type": request.patient_type, "channel": request.channel,
        "created_utc": request.created_at.isoformat(timespec="seconds") + "Z",
    }


def send_email(request: CallbackRequest) -> None:
    email_front_desk(
        f"Call-back request {request.reference}: {request.name}, {request.preferred_time}",
        f"A patient asked the website/SMS assistant for a call-back.\n\n"
        f"Reference:      {request.reference}\n"
        f"Name:           {request.name}\n"
        f"Phone:          {request.phone}\n"
        f"Email:          {request.email or '-'}\n"
        f"Preferred time: {request.preferred_time}\n"
        f"Patient:        {request.patient_type}\n"
        f"Channel:        {request.channel or '-'}\n\n"
        f"Mark it done:   python -m callbacks done {request.reference}\n"
    )


def email_front_desk(subject: str, body: str) -> None:
    """One email to the front desk through the configured mail server (raises if it fails)."""
    clinic = config.load()
    recipient = os.environ.get("FRONT_DESK_EMAIL") or clinic.extra.get("front_desk_email") or clinic.email
    if not recipient:
        raise ValueError("no front desk email: set front_desk_email in clinic.yml or FRONT_DESK_EMAIL")
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = os.environ.get("SMTP_FROM") or f"assistant@{recipient.split('@')[-1]}"
    message["To"] = recipient
    message.set_content(body)
    host, port = os.environ.get("SMTP_HOST", "localhost"), int(os.environ.get("SMTP_PORT", 25))
    with smtplib.SMTP(host, port, timeout=TIMEOUT) as smtp:
        if os.environ.get("SMTP_STARTTLS", "false").lower() == "true":
            smtp.starttls()
        if os.environ.get("SMTP_USER"):
            smtp.login(os.environ["SMTP_USER"], os.environ.get("SMTP_PASSWORD", ""))
        smtp.send_message(message)


def post_webhook(request: CallbackRequest) -> None:
    url = os.environ["CALLBACK_WEBHOOK_URL"]
    body = json.dumps({"type": "callback_request", "request": as_dict(request)}).encode()
    headers = {"Content-Type": "application/json"}
    secret = os.environ.get("CALLBACK_WEBHOOK_SECRET")
    if secret:
        headers["X-Signature"] = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    requests.post(url, data=body, headers=headers, timeout=TIMEOUT).raise_for_status()


SENDERS = {"email": send_email, "webhook": post_webhook}


def deliver_pending(store: CallbackStore, only_request_id: Optional[int] = None) -> Dict[str, int]:
    """Try every pending notification once; failures stay pending for the next run."""
    counts = {"sent": 0, "failed": 0}
    for note in store.pending_notifications(request_id=only_request_id):
        if not store.claim(note.id):  # another action server is sending this one
            continue
        try:
            SENDERS[note.kind](note.request)
        except Exception as error:  # kept in the outbox and retried
            store.record_delivery(note.id, f"{type(error).__name__}: {error}")
            logger.warning("notification %s for %s not sent yet (%s)", note.kind, note.request.reference,
                           type(error).__name__)
            counts["failed"] += 1
        else:
            store.record_delivery(note.id)
            logger.info("notification %s for %s sent", note.kind, note.request.reference)
            counts["sent"] += 1
    return counts
