#!/usr/bin/env bash
# Start everything for `make run` (the Makefile sets the environment) under supervisord, which
# restarts any part that dies and says so here: Rasa server, action server, clinic web page,
# staff console (when set up), the watchdog that emails the front desk when something stays down,
# and, in local mode (no SMTP_HOST given), a mailbox that writes front-desk emails to var/outbox/.
# One part dying never stops the others. Ctrl-C stops everything.
set -euo pipefail
var="$(realpath -m "${VAR_DIR:-var}")"  # logs, supervisor's socket; tests use their own
mkdir -p "$var/log"
export CONSOLE_PORT="${CONSOLE_PORT:-8090}" OUTBOX_DIR="${OUTBOX_DIR:-$var/outbox}"
# endpoints.yml's model server (published models): the console, with the token made once by the Makefile
export MODEL_SERVER_URL="${MODEL_SERVER_URL:-http://127.0.0.1:${CONSOLE_PORT}/model/live}"
export MODEL_SERVER_TOKEN="${MODEL_SERVER_TOKEN:-$(cat var/model_server_token 2>/dev/null)}"
conf="$var/supervisord.conf"

program() {  # name, command: one supervised process, its output in var/log/<name>.log
  cat >>"$conf" <<EOF

[program:$1]
command=$2
directory=$PWD
autorestart=true
startsecs=3
startretries=100
stopasgroup=true
killasgroup=true
stopwaitsecs=20
redirect_stderr=true
stdout_logfile=$var/log/$1.log
stdout_logfile_maxbytes=10MB
stdout_logfile_backups=3
EOF
}

cat >"$conf" <<EOF
; written by scripts/run.sh at each start (in the foreground supervisord also prints its log)
[supervisord]
nodaemon=true
logfile=$var/log/supervisord.log
loglevel=info
pidfile=$var/supervisord.pid
childlogdir=$var/log

[unix_http_server]
file=$var/supervisor.sock
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$var/supervisor.sock
EOF

health="rasa=http://127.0.0.1:${RASA_PORT}/health actions=http://127.0.0.1:${ACTION_PORT}/health web=http://127.0.0.1:${WEB_PORT}/health"
if [ -z "${SMTP_HOST:-}" ]; then
  export SMTP_HOST=127.0.0.1 SMTP_PORT="${SMTP_PORT:-8025}"
  program mailbox ".venv/bin/python scripts/dev_mailbox.py $SMTP_PORT"
fi
program actions ".venv/bin/python -m actions.server --port $ACTION_PORT"
program web ".venv/bin/python scripts/serve_web.py $WEB_PORT"
program rasa ".venv/bin/rasa run --port $RASA_PORT --credentials credentials.yml --endpoints $ENDPOINTS --model models --cors $WEB_ORIGINS"
console_line=""
if [ -x console/.venv/bin/python ] && console/.venv/bin/python -m console init; then  # init prints the first admin's one-time password
  program console "console/.venv/bin/python -m console serve --port $CONSOLE_PORT"
  health="$health console=http://127.0.0.1:${CONSOLE_PORT}/health"
  console_line="    staff console    http://localhost:${CONSOLE_PORT}/   (staff sign-in)"
fi
program watchdog ".venv/bin/python scripts/watchdog.py $health"

cat <<MSG

  Assistant starting (the model loads in about 15 seconds):
    clinic page      http://localhost:${WEB_PORT}/   (chat widget in the corner)
${console_line}
    REST webhook     http://localhost:${RASA_PORT}/webhooks/rest/webhook
    SMS webhook      http://localhost:${RASA_PORT}/webhooks/twilio/webhook  (needs TWILIO_AUTH_TOKEN, TWILIO_WEBHOOK_URL)
    health           http://localhost:${RASA_PORT}/health  :${ACTION_PORT}/health  :${WEB_PORT}/health
    call-backs       .venv/bin/python -m callbacks list      (emails in $OUTBOX_DIR in local mode)
    logs             $var/log/<part>.log;  status: .venv/bin/supervisorctl -c $conf status
  Try:  curl -s localhost:${RASA_PORT}/webhooks/rest/webhook -d '{"sender":"me","message":"is this acupuncture?"}'

  supervisord restarts any part that stops; its messages follow.
MSG
exec .venv/bin/supervisord -c "$conf"
