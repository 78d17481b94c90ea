"""`kubetriage list` and `kubetriage show`: past investigations, from the store the functions use."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from shared.settings import Settings


def add_history_commands(sub: Any) -> None:
    from shared.investigations import STATUSES

    ls = sub.add_parser("list", help="recent investigations, most recent first (REDIS_URL, else the embedded store)")
    ls.add_argument("--namespace", "-n")
    ls.add_argument("--status", choices=STATUSES)
    ls.add_argument("--limit", type=int, default=20)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(run=_cmd_list)
    show = sub.add_parser("show", help="one investigation and its diagnosis")
    show.add_argument("investigation_id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=_cmd_show)


def _cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from shared.investigations import ListQuery, recent
    from shared.runtime import open_state

    if not 1 <= args.limit <= 500:
        print("kubetriage: --limit is from 1 to 500", file=sys.stderr)
        return 2
    items = recent(open_state(settings), ListQuery(namespace=args.namespace, status=args.status, limit=args.limit))
    if args.json:
        print(json.dumps(items, indent=2))
        return 0
    if not items:
        print(f"no investigations{_filters(args)} in {_store_name(settings)}")
        return 0
    for item in items:
        # Whole strings, one investigation per line: ids and object names must stay copyable.
        what = item.get("category") or item.get("reason") or ""
        line = (f"{item.get('created_at') or '-':20}  {item['investigation_id']}  {item['status']:11}  "
                f"{item.get('namespace') or '-'}  {item.get('object')}  {what}")
        print(line)
        if item.get("summary"):
            print(f"    {item['summary']}")
        if item.get("error"):
            print(f"    not delivered to {item.get('sink')}: {item['error']}")
    return 0


def _cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    from shared.investigations import status_of
    from shared.runtime import open_state

    current = status_of(open_state(settings), args.investigation_id)
    if current is None:
        print(f"kubetriage: no investigation {args.investigation_id} in {_store_name(settings)}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(current, indent=2, sort_keys=True))
        return 0
    diagnosis = current.get("diagnosis")
    if diagnosis is None:
        inc = current["incident"]
        print(f"{args.investigation_id}: {current['status']} (not diagnosed yet) · {inc.get('namespace')} "
              f"{inc.get('object_kind')}/{inc.get('object_name')} · seen {current.get('occurrences', 1)}×")
        return 0
    from shared.diagnosis import Diagnosis
    from shared.sinks.stdout import render_text

    print(render_text(Diagnosis.from_dict(diagnosis)), end="")
    return 0


def _filters(args: argparse.Namespace) -> str:
    said = [f"{k} {v}" for k, v in (("in namespace", args.namespace), ("with status", args.status)) if v]
    return (" " + " and ".join(said)) if said else ""


def _store_name(settings: Settings) -> str:
    from pathlib import Path

    return "Redis" if settings.redis_url else str(Path(settings.state_dir) / "state.sqlite3")
