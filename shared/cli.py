"""The `kubetriage` command: diagnose one incident, evaluate a scenario suite, run the demo."""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from shared.settings import Settings

log = logging.getLogger("kubetriage")

TRIGGERS = {"event": "event.json", "alert": "alert.json", "ask": "ask.json"}


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=os.environ.get("KUBETRIAGE_LOG_LEVEL", "WARNING"), stream=sys.stderr)
    environ = os.environ if environ is None else environ
    try:
        settings = Settings.from_env(environ)
    except Exception as exc:  # noqa: BLE001 - one line for a person
        print(f"kubetriage: bad settings: {exc}", file=sys.stderr)
        return 2
    args.environ = dict(environ)
    try:
        return int(args.run(args, settings))
    except BrokenPipeError:
        # `kubetriage … | head`: the reader has what it wanted. Point stdout at /dev/null so the
        # interpreter's final flush does not raise again, and leave quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kubetriage")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without an install
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kubetriage", description=__doc__)
    parser.add_argument("--version", action="version", version=f"kubetriage {_version()}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    diag = sub.add_parser("diagnose", help="one incident through the whole path, against a snapshot or a cluster")
    where = diag.add_mutually_exclusive_group()
    where.add_argument("--snapshot", help="a kubectl cluster-info dump directory (default: the live cluster)")
    where.add_argument("--context", help="the kubeconfig context to read (default: the current one)")
    trigger = diag.add_mutually_exclusive_group(required=True)
    trigger.add_argument("--event", help="a core/v1 Event as ApiServerSource delivers it")
    trigger.add_argument("--alert", help="an Alertmanager v4 webhook payload")
    trigger.add_argument("--ask", help="a manual request {namespace, pod?, workload?, question?}")
    trigger.add_argument("--namespace", "-n", help="ask about this namespace (with --pod, --workload, --question)")
    diag.add_argument("--pod", help="with --namespace: the pod to diagnose")
    diag.add_argument("--workload", help="with --namespace: KIND/NAME, e.g. deployment/checkout")
    diag.add_argument("--question", help="with --namespace: what you want to know, in words")
    diag.add_argument("--json", action="store_true", help="print the diagnosis object alone")
    diag.set_defaults(run=_cmd_diagnose)
    from shared.cli_history import add_history_commands

    add_history_commands(sub)
    ev = sub.add_parser("eval", help="score the troubleshooter on a scenario suite")
    ev.add_argument("suite", nargs="?", help="a directory of scenarios (default: every bundled suite, as "
                    "`make suites` renders them under <state dir>/suites)")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(run=_cmd_eval)
    demo = sub.add_parser("demo", help="replay the bundled incidents on the embedded defaults")
    demo.set_defaults(run=_cmd_demo)
    return parser


def request_for(kind: str, payload: bytes) -> tuple[str, dict[str, str]]:
    """The path and headers a trigger file arrives with, as its real sender would post it."""
    if kind == "alert":
        return "/alertmanager", {"Content-Type": "application/json"}
    if kind == "ask":
        ce_type, source = "io.kubetriage.diagnosis.requested", "/kubetriage/cli"
    else:
        ce_type, source = "dev.knative.apiserver.resource.update", "https://kubernetes.default.svc"
    import hashlib

    return "/", {
        "Content-Type": "application/json",
        "ce-specversion": "1.0",
        "ce-type": ce_type,
        "ce-source": source,
        "ce-id": hashlib.sha256(payload).hexdigest()[:32],
    }


def diagnose(
    settings: Settings, snapshot: str | Path | None, kind: str, payload: bytes, store: Any = None,
    cluster: Any = None, environ: dict[str, str] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run one trigger through router and specialists in-process; the diagnoses and the router's reply.

    Against `snapshot`, or against `cluster` (a live one) when no snapshot is given. `environ` is what the
    specialists may read of the environment (the cost analyzer's AWS); None: no cloud is read.
    """
    from shared.runtime import build_local

    if cluster is None:
        from shared.cluster.snapshot import load_snapshot

        cluster = load_snapshot(str(snapshot))
    with tempfile.TemporaryDirectory(prefix="kubetriage-") as tmp:
        local = replace(settings, snapshot=str(snapshot) if snapshot else None, state_dir=tmp, redis_url=None,
                        k_sink=None, slack_webhook_url=None, slack_bot_token=None, slack_channel=None,
                        webhook_url=None, alertmanager_token=None)
        if store is None:
            from shared.stores.sqlite import SqliteStore

            store = SqliteStore(str(Path(tmp) / "state.sqlite3"))
        out = io.StringIO()
        router, emitter = build_local(local, store, stream=out, as_json=True, cluster=cluster, environ=environ)
        path, headers = request_for(kind, payload)
        reply = router.handle(path, headers, payload)
        emitter.drain()
        diagnoses = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
        return diagnoses, {"status": reply.status, **reply.body}


def _cmd_diagnose(args: argparse.Namespace, settings: Settings) -> int:
    if not args.namespace and (args.pod or args.workload or args.question):
        print("kubetriage: --pod, --workload and --question go with --namespace", file=sys.stderr)
        return 2
    if args.snapshot and not Path(args.snapshot).is_dir():
        print(f"kubetriage: snapshot {args.snapshot} is not a directory", file=sys.stderr)
        return 2
    if args.namespace:
        kind = "ask"
        asked = {"namespace": args.namespace, "pod": args.pod, "workload": args.workload, "question": args.question}
        payload = json.dumps({k: v for k, v in asked.items() if v}).encode()
    else:
        kind = next(k for k in TRIGGERS if getattr(args, k))
        path = Path(getattr(args, kind))
        try:
            payload = path.read_bytes()
        except OSError as exc:
            print(f"kubetriage: cannot read {path}: {exc.strerror}", file=sys.stderr)
            return 2
    cluster = None
    if not args.snapshot:
        from shared.cluster.access import check_access
        from shared.cluster.factory import open_cluster
        from shared.errors import ClusterUnavailable

        live = replace(settings, snapshot=None, kube_context=args.context or settings.kube_context)
        try:
            access = check_access(live, args.environ)
            cluster = open_cluster(live, args.environ)
        except ClusterUnavailable as exc:
            print(f"kubetriage: {exc}", file=sys.stderr)
            return 2
        print(f"kubetriage: reading {access.description} (read-only)", file=sys.stderr)
    # A live run reads AWS as this shell would (the cost analyzer); a snapshot run reads no cloud.
    diagnoses, reply = diagnose(settings, args.snapshot, kind, payload, cluster=cluster,
                                environ=None if args.snapshot else args.environ)
    if not diagnoses:
        print(f"kubetriage: no diagnosis: {_why_none(reply)}", file=sys.stderr)
        return 1
    from shared.diagnosis import Diagnosis
    from shared.sinks.stdout import render_text

    for d in diagnoses:
        print(json.dumps(d, indent=2, sort_keys=True) if args.json else render_text(Diagnosis.from_dict(d)))
    return 0


def _why_none(reply: Mapping[str, Any]) -> str:
    if reply.get("status", 200) >= 400:
        problems = reply.get("problems") or [reply.get("error", "rejected")]
        return f"the router rejected the input ({reply['status']}): {'; '.join(map(str, problems))}"
    dropped = reply.get("dropped") or []
    if dropped and not reply.get("accepted"):
        return "dropped as noise: " + "; ".join(d.get("reason", "?") for d in dropped)
    return "the investigation produced no diagnosis"


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from shared.evaluation import evaluate_suite, format_table, summary

    suite = Path(args.suite) if args.suite else rendered_suites(settings)
    if not suite.is_dir():
        print(f"kubetriage: suite {suite} is not a directory" + ("" if args.suite else f"; {RENDER_HINT}"),
              file=sys.stderr)
        return 2
    results = evaluate_suite(settings, suite, on_progress=_progress_printer(sys.stderr))
    if not results:
        print(f"kubetriage: no scenario (a directory with expected.json) under {suite}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary(results), indent=2))
    else:
        print(format_table(results))
    return 0


RENDER_HINT = ("render the bundled suites first: `make suites` (what `make eval` and `make demo` do), or "
               "`python -m devtools.suites <state dir>/suites` in a checkout")


def rendered_suites(settings: Settings) -> Path:
    """Where `python -m devtools.suites` renders every bundled suite (the CLI never imports devtools)."""
    return Path(settings.state_dir) / "suites"


def _progress_printer(stream: Any) -> Any:
    """Progress on stderr: one line rewritten in place on a terminal, a line every 25 scenarios elsewhere."""
    is_tty = stream.isatty()

    def show(done: int, total: int, name: str) -> None:
        if is_tty:
            end = "\n" if done == total else ""
            stream.write(f"\r\033[K[{done}/{total}] {name}{end}")
        elif done % 25 == 0 or done == total:
            stream.write(f"evaluated {done}/{total}\n")
        stream.flush()

    return show


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from shared.demo import run_demo

    return run_demo(settings, sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
