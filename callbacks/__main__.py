"""Staff command line for call-back requests.

    python -m callbacks list [--all]          requests still to call (or every request)
    python -m callbacks export [--out FILE]   CSV of every request (stdout by default)
    python -m callbacks done CB-7K3QX         mark a request as called
    python -m callbacks purge [--days N]      delete requests older than the retention period, and
                                              conversation transcripts idle that long (run daily)
    python -m callbacks deliver               send front-desk emails that could not be sent yet
    python -m callbacks delete --phone NUMBER remove every request with that phone number

The database is $CALLBACK_DB_URL (default sqlite:///var/callbacks.db); transcripts are in Rasa's
tracker store ($TRACKER_DB, or the POSTGRES_* settings of endpoints.prod.yml).
"""
import argparse
import sys
from zoneinfo import ZoneInfo

from callbacks import answers, notify, transcripts
from callbacks.store import CallbackStore
from clinic import config


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m callbacks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list")
    listing.add_argument("--all", action="store_true")
    export = commands.add_parser("export")
    export.add_argument("--out")
    done = commands.add_parser("done")
    done.add_argument("reference")
    purge = commands.add_parser("purge")
    purge.add_argument("--days", type=int)
    commands.add_parser("deliver")
    delete = commands.add_parser("delete")
    delete.add_argument("--phone", required=True)
    args = parser.parse_args(argv)

    store = CallbackStore()
    clinic = config.load()
    if args.command == "list":
        rows = store.list(None if args.all else "new")
        for r in rows:
            created = r.created_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(clinic.timezone)
            print(f"{r.reference}  {created:%Y-%m-%d %H:%M}  {r.status:4}  {r.name:20}  "
                  f"{answers.pretty_phone(r.phone):15}  {r.preferred_time}  ({r.patient_type})")
        print(f"{len(rows)} request(s)", file=sys.stderr)
    elif args.command == "export":
        if args.out:
            with open(args.out, "w", newline="", encoding="utf-8") as handle:
                count = store.export_csv(handle)
        else:
            count = store.export_csv(sys.stdout)
        print(f"{count} request(s) exported", file=sys.stderr)
    elif args.command == "done":
        if not store.mark_done(args.reference):
            print(f"no request {args.reference}", file=sys.stderr)
            return 1
        print(f"{args.reference.upper()} marked done")
    elif args.command == "purge":
        days = args.days if args.days is not None else int(clinic.extra.get("retention_days", 30))
        print(f"{store.purge(days)} request(s) older than {days} days deleted")
        if not transcripts.tracker_db_url():
            print("conversations NOT purged: no tracker store found (set TRACKER_DB, or the POSTGRES_* "
                  "variables of endpoints.prod.yml)", file=sys.stderr)
            return 1
        conversations = transcripts.TranscriptStore()
        erased = transcripts.forget_due(store, conversations)
        print(f"{conversations.purge(days)} conversation(s) idle for over {days} days erased, "
              f"{erased} erased on request")
    elif args.command == "deliver":
        print(notify.deliver_pending(store))
    elif args.command == "delete":
        number = answers.phone(args.phone)
        if not number:
            print("not a valid phone number", file=sys.stderr)
            return 2
        print(f"{store.delete_for_phone(number)} request(s) deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
