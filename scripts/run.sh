#!/usr/bin/env bash
# Start the action server and the Rasa server (called by `make run`, which sets the environment).
set -euo pipefail
mkdir -p var
.venv/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT" &
ACTIONS=$!
trap 'kill $ACTIONS 2>/dev/null || true' EXIT
cat <<MSG

  Assistant starting (the model takes a few seconds to load):
    REST webhook   http://localhost:${RASA_PORT}/webhooks/rest/webhook
    action server  http://localhost:${ACTION_PORT}/health
  Try:  curl -s localhost:${RASA_PORT}/webhooks/rest/webhook -d '{"sender":"me","message":"is this acupuncture?"}'

MSG
.venv/bin/rasa run --port "$RASA_PORT" --credentials credentials.yml --endpoints endpoints.yml \
  --model models --cors "http://localhost:8080"
