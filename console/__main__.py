"""python -m console init | serve [--port N] | users add NAME --role frontdesk|admin | users list |
users disable NAME | ingest"""
import argparse
import logging
import os
import sys

from sqlalchemy import func, select, update


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description="The clinic's front-desk console")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create tables; the first time, an admin user with a one-time password")
    serve = sub.add_parser("serve", help="run the web console")
    serve.add_argument("--port", type=int, default=int(os.environ.get("CONSOLE_PORT", 8090)))
    serve.add_argument("--host", default=os.environ.get("CONSOLE_HOST", "127.0.0.1"))
    users_cmd = sub.add_parser("users", help="manage staff accounts")
    users_sub = users_cmd.add_subparsers(dest="action", required=True)
    add = users_sub.add_parser("add")
    add.add_argument("name")
    add.add_argument("--role", choices=("frontdesk", "admin"), default="frontdesk")
    users_sub.add_parser("list")
    for name in ("disable", "enable", "reset"):
        users_sub.add_parser(name).add_argument("name")
    sub.add_parser("ingest", help="read new tracker-store events once (the server does this by itself)")
    args = parser.parse_args(argv)

    from console import security
    from console.db import Databases, create_tables, users

    if args.command == "serve":
        import uvicorn
        from console.app import create_app
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        app = create_app(background=True)
        # no access log: URLs are harmless, but the console keeps its own audit log instead
        uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info",
                    proxy_headers=os.environ.get("CONSOLE_TRUST_PROXY") == "1", server_header=False)
        return 0

    dbs = Databases()
    create_tables(dbs.console)
    if args.command == "init":
        with dbs.console.connect() as conn:
            count = conn.scalar(select(func.count()).select_from(users))
        if count:
            print(f"console: tables ready; {count} user(s) exist")
            return 0
        password = security.add_user(dbs.console, "admin", "admin")
        print("console: created user 'admin' with this one-time password (shown once; change it at first sign-in):")
        print(f"  {password}")
        return 0
    if args.command == "ingest":
        from console.ingest import Ingester
        print(f"console: {Ingester(dbs).run_once(reconcile_every=0)} new events read")
        return 0
    if args.action == "add":
        try:
            password = security.add_user(dbs.console, args.name, args.role)
        except ValueError as error:
            print(f"console: {error}", file=sys.stderr)
            return 1
        print(f"console: user {args.name} ({args.role}); one-time password (change at first sign-in):\n  {password}")
        return 0
    if args.action == "list":
        with dbs.console.connect() as conn:
            for row in conn.execute(select(users).order_by(users.c.name)):
                print(f"{row.name:20} {row.role:10} {'disabled' if row.disabled else 'active'}")
        return 0
    with dbs.console.begin() as conn:
        row = conn.execute(select(users).where(users.c.name == args.name)).first()
        if row is None:
            print(f"console: no user {args.name}", file=sys.stderr)
            return 1
        if args.action == "reset":
            password = security.one_time_password()
            conn.execute(update(users).where(users.c.id == row.id).values(
                password_hash=security.hash_password(password), must_change=True, disabled=False))
            print(f"console: new one-time password for {args.name}:\n  {password}")
        else:
            conn.execute(update(users).where(users.c.id == row.id).values(disabled=args.action == "disable"))
            print(f"console: {args.name} {args.action}d")
    security.end_user_sessions(dbs.console, row.id)
    security.record(dbs.console, f"user {args.action}", "(command line)", f"user:{args.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
