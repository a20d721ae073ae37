"""The action server: rasa-sdk's own, with health endpoints that check what the actions use.

    python -m actions.server --port 5055

GET /health       200 when the call-back database answers and no front-desk email has waited
                  more than a few minutes (mail server trouble), else 503 with the reason.
GET /health/live  200 while the process serves requests (Kubernetes' liveness/readiness probes).
Everything else (/webhook, /actions) is rasa-sdk's.
"""
import logging
import os
from datetime import timedelta

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser
from sanic import response

logger = logging.getLogger(__name__)
EMAIL_LATE_AFTER = timedelta(minutes=int(os.environ.get("EMAIL_LATE_MINUTES", 5)))


def health_checks() -> dict:
    from sqlalchemy import func, select

    from actions.callback import store
    from callbacks.store import Notification, utcnow

    checks = {}
    try:
        db = store()
        with db.sessions() as session:
            late = session.scalar(select(func.count()).select_from(Notification).where(
                Notification.status != "sent", Notification.updated_at < utcnow() - EMAIL_LATE_AFTER))
        checks["callback_db"] = {"ok": True}
        checks["front_desk_email"] = {"ok": not late, "late": late}
    except Exception as error:
        checks["callback_db"] = {"ok": False, "error": type(error).__name__}
    return checks


def build_app():
    app = create_app("actions", cors_origins=None)

    @app.middleware("request")
    async def health(request):  # answered before rasa-sdk's own always-ok /health route
        if request.path == "/health/live":
            return response.json({"status": "ok"})
        if request.path == "/health":
            checks = await request.app.loop.run_in_executor(None, health_checks)
            ok = all(check["ok"] for check in checks.values())
            return response.json({"status": "ok" if ok else "degraded", "checks": checks},
                                 status=200 if ok else 503)

    return app


def main() -> None:
    args = create_argument_parser().parse_args()
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file,
                                 args.loglevel, args.logging_config_file)
    utils.update_sanic_log_level()
    host = os.environ.get("SANIC_HOST", "0.0.0.0")
    logger.info("Action server on http://%s:%s", host, args.port)
    build_app().run(host, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
