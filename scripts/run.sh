#!/usr/bin/env bash
# Start everything for `make run` (the Makefile sets the environment): action server, Rasa server
# and, in local mode (no SMTP_HOST given), a mailbox that writes front-desk emails to var/outbox/.
set -euo pipefail
mkdir -p var
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
if [ -z "${SMTP_HOST:-}" ]; then
  export SMTP_HOST=127.0.0.1 SMTP_PORT="${SMTP_PORT:-8025}"
  .venv/bin/python scripts/dev_mailbox.py "$SMTP_PORT" & pids+=($!)
fi
.venv/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT" & pids+=($!)
.venv/bin/python scripts/serve_web.py "$WEB_PORT" & pids+=($!)
cat <<MSG

  Assistant starting (the model loads in about 15 seconds):
    clinic page      http://localhost:${WEB_PORT}/   (chat widget in the corner)
    REST webhook     http://localhost:${RASA_PORT}/webhooks/rest/webhook
    SMS webhook      http://localhost:${RASA_PORT}/webhooks/twilio/webhook  (needs TWILIO_AUTH_TOKEN, TWILIO_WEBHOOK_URL)
    action server    http://localhost:${ACTION_PORT}/health
    call-backs       .venv/bin/python -m callbacks list      (emails in var/outbox/ in local mode)
  Try:  curl -s localhost:${RASA_PORT}/webhooks/rest/webhook -d '{"sender":"me","message":"is this acupuncture?"}'

MSG
.venv/bin/rasa run --port "$RASA_PORT" --credentials credentials.yml --endpoints "$ENDPOINTS" \
  --model models --cors $WEB_ORIGINS
