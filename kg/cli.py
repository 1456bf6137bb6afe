"""The ``kg`` command line: a thin layer over :mod:`kg.build`, :mod:`kg.sparql`,
:mod:`kg.drawing` and :mod:`kg.evaluation`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from kg import arguments
from kg.errors import GeokgError, MissingDependencyError, describe, one_line
from kg.ingest import DEFAULT_MAX_CHARS
from kg.pipeline import DEFAULT_MIN_CONFIDENCE
from kg.serve_worker import DEFAULT_MAX_ROWS as SERVE_MAX_ROWS
from kg.serve_worker import DEFAULT_PORT
from kg.serve_worker import DEFAULT_TIMEOUT as SERVE_TIMEOUT
from kg.sparql import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
STRICT_HELP = "let internal errors stop the command with a full traceback (for debugging)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg", description="Turn news articles about world politics into a knowledge graph."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--strict", action="store_true", help=STRICT_HELP)
    # Each command takes --strict too; given there, it must not reset the global one.
    strict = argparse.ArgumentParser(add_help=False)
    strict.add_argument(
        "--strict", action="store_true", default=argparse.SUPPRESS, help=STRICT_HELP
    )
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser(
        "build", parents=[strict], help="extract entities and facts from articles into a graph"
    )
    b.add_argument(
        "inputs", nargs="*", help="files or folders (default: the bundled sample articles)"
    )
    b.add_argument(
        "-o",
        "--out",
        required=True,
        help="output: .ttl .trig .nq .nt .jsonld, or a folder / .oxigraph store",
    )
    b.add_argument(
        "--min-confidence",
        type=_confidence,
        default=DEFAULT_MIN_CONFIDENCE,
        help=f"write only facts at least this confident (default {DEFAULT_MIN_CONFIDENCE})",
    )
    b.add_argument(
        "--max-chars",
        type=_positive,
        default=DEFAULT_MAX_CHARS,
        help=f"refuse documents longer than this (default {DEFAULT_MAX_CHARS:,})",
    )
    b.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    b.add_argument(
        "--workers",
        type=_positive,
        default=1,
        metavar="N",
        help="extract in N processes on this machine (default 1)",
    )
    b.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="extract on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786)",
    )
    b.add_argument(
        "--validate", action="store_true", help="check the built graph against the SHACL shapes"
    )

    q = sub.add_parser("query", parents=[strict], help="run a SPARQL query on a graph")
    q.add_argument("graph", help="a graph file or store written by kg build")
    q.add_argument(
        "query",
        help="SPARQL text, a .rq file, or a competency query name (positions, agreements, "
        "deployments, memberships, events, evidence)",
    )
    q.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table")
    q.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop the query after this long (default {DEFAULT_TIMEOUT:g}; 0: no limit)",
    )
    q.add_argument(
        "--max-rows",
        "--limit",
        type=int,
        default=DEFAULT_MAX_ROWS,
        metavar="N",
        help=f"print at most N rows (default {DEFAULT_MAX_ROWS:,}; 0: all)",
    )
    q.add_argument(
        "--allow-service",
        action="store_true",
        help="allow SERVICE clauses, which send the query to other endpoints over the network",
    )

    d = sub.add_parser(
        "draw",
        parents=[strict],
        help="draw a relationship diagram, an interactive page or a timeline",
    )
    d.add_argument("graph")
    d.add_argument(
        "-o",
        "--out",
        required=True,
        help="output: .png, .svg or .pdf (diagram), .html (interactive page)",
    )
    d.add_argument("--focus", help="an entity (label, alias or IRI) to centre on")
    d.add_argument("--depth", type=int, default=1, help="hops around --focus (default 1)")
    d.add_argument(
        "--kinds",
        nargs="+",
        help="fact kinds to draw (position, agreement, deployment, membership, alliance, event)",
    )
    d.add_argument(
        "--since", metavar="DATE", help="leave out facts dated before DATE (YYYY[-MM[-DD]])"
    )
    d.add_argument("--until", metavar="DATE", help="leave out facts dated after DATE")
    d.add_argument(
        "--top",
        type=_positive,
        metavar="N",
        help="without --focus, keep the N most connected entities (default: by output format)",
    )
    d.add_argument(
        "--timeline", action="store_true", help="a timeline of events (.png, .svg, .pdf or .html)"
    )
    d.add_argument("--title")

    x = sub.add_parser("export", parents=[strict], help="write a graph store to another format")
    x.add_argument("graph", help="a graph store (or file) written by kg build")
    x.add_argument(
        "-o",
        "--out",
        required=True,
        help="output file: .trig .nq .ttl .nt .jsonld, or .graphml / .gexf (entities and facts)",
    )

    s = sub.add_parser("serve", parents=[strict], help="serve a graph store as a SPARQL endpoint")
    s.add_argument("graph", help="a graph store written by kg build")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)"
    )
    s.add_argument(
        "--allow-update", action="store_true", help="accept SPARQL updates (refused by default)"
    )
    s.add_argument(
        "--timeout",
        type=float,
        default=SERVE_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a query after this long (default {SERVE_TIMEOUT:g}; 0: no limit)",
    )
    s.add_argument(
        "--max-rows",
        type=int,
        default=SERVE_MAX_ROWS,
        metavar="N",
        help=f"rows (or triples) a result keeps at most (default {SERVE_MAX_ROWS:,}; 0: all)",
    )
    s.add_argument(
        "--processes",
        type=_positive,
        default=2,
        metavar="N",
        help="query processes (default 2): queries run N at a time",
    )

    e = sub.add_parser("eval", parents=[strict], help="score extraction against gold annotations")
    e.add_argument("gold", help="gold annotations (.jsonl, CONTRACT.md §3)")
    e.add_argument("--json", action="store_true", help="machine-readable output")
    e.add_argument("--min-confidence", type=_confidence, default=DEFAULT_MIN_CONFIDENCE)
    e.add_argument(
        "--errors", action="store_true", help="list every false positive and false negative"
    )
    e.add_argument(
        "--curve", action="store_true", help="also print the precision/recall curve over thresholds"
    )

    v = sub.add_parser("validate", parents=[strict], help="check a graph against the SHACL shapes")
    v.add_argument("graph")
    return parser


def _confidence(text: str) -> float:
    try:
        return arguments.fraction(float(text), "confidence")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number between 0 and 1") from None


def _positive(text: str) -> int:
    try:
        return arguments.positive_int(int(text), "value")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer") from None


def main(argv: list[str] | None = None) -> int:
    """Run ``kg``: every error a user can meet is one line on stderr and exit code 1.

    ``--strict`` lets every exception through with its traceback instead.
    """
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="kg: %(message)s",
        stream=sys.stderr,
    )
    command = f"kg {args.command}"
    try:
        return COMMANDS[args.command](args)
    except GeokgError as exc:
        if args.strict:
            raise
        print(f"{command}: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        if args.strict:
            raise
        done = ""
        if args.command == "build":
            from kg.rdf.io import is_store_path

            done = (
                "; the documents done so far are in the store, a rerun completes it"
                if is_store_path(args.out)
                else "; the output was left as it was"
            )
        print(f"{command}: interrupted{done}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (``kg query ... | head``): not an error of ours.
        # Point stdout at /dev/null so that the interpreter's final flush does not fail too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        if args.strict:
            raise
        package = exc.name.split(".")[0] if isinstance(exc, ModuleNotFoundError) else None
        if package and package != "kg":  # a missing package, not a bug of ours
            print(f"{command}: {MissingDependencyError(package, 'this command')}", file=sys.stderr)
        else:
            print(
                f"{command}: internal error: {describe(exc)} (run with --strict for the traceback)",
                file=sys.stderr,
            )
        return EXIT_ERROR


def _one_line(message: str) -> str:
    """The first line of an error message: a user gets one line per error."""
    lines = message.strip().splitlines() or [""]
    return one_line(lines[0]) + (" …" if len(lines) > 1 else "")


def _build(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from kg.build import build

    bar = tqdm(unit="doc", desc="kg build", file=sys.stderr, disable=args.no_progress or None)

    def on_start(total: int) -> None:
        bar.reset(total=total)  # done/total and an ETA from here on

    def on_error(error: GeokgError) -> None:
        tqdm.write(f"kg build: {_one_line(str(error))}", file=sys.stderr)

    parallel: dict[str, object] = {}
    if args.workers != 1:
        parallel["workers"] = args.workers
    if args.dask:
        parallel["dask"] = args.dask
    try:
        result = build(
            args.inputs or None,
            args.out,
            min_confidence=args.min_confidence,
            max_chars=args.max_chars,
            on_document=lambda _doc: bar.update(1),
            on_error=on_error,
            on_start=None if bar.disable else on_start,
            strict=args.strict,
            **parallel,
        )
    finally:
        bar.close()
    if not result.documents:
        what = "built" if result.internal_errors else "read"
        print(f"kg build: no document could be {what}; nothing written", file=sys.stderr)
        return EXIT_ERROR
    from kg.nlp import build_nlp, model_name

    internal = len(result.internal_errors)
    print(
        f"kg build: {len(result.documents)} documents, "
        + (f"{internal} internal errors, " if internal else "")
        + f"{result.facts} facts, "
        f"{len(result.graph)} triples → {args.out} (spaCy model {model_name(build_nlp())})",
        file=sys.stderr,
    )
    if args.validate:
        conforms, report = result.graph.validate()
        if not conforms:
            print(report, file=sys.stderr)
            return EXIT_ERROR
    return EXIT_ERROR if result.errors else EXIT_OK


def _query(args: argparse.Namespace) -> int:
    from kg.sparql import query_command

    return query_command(
        args.graph,
        args.query,
        fmt=args.format,
        timeout=args.timeout,
        max_rows=args.max_rows,
        allow_service=args.allow_service,
    )


def _draw(args: argparse.Namespace) -> int:
    import kg

    out = kg.draw(
        args.graph,
        Path(args.out),
        focus=args.focus,
        depth=args.depth,
        kinds=args.kinds,
        title=args.title,
        since=args.since,
        until=args.until,
        top=args.top,
        timeline=args.timeline,
        report=lambda line: print(f"kg draw: {line}", file=sys.stderr),
    )
    print(f"kg draw: wrote {out}", file=sys.stderr)
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from kg.export import export

    out = export(args.graph, args.out)
    print(f"kg export: wrote {out}", file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from kg.serve import is_loopback, main_message, serve

    if not is_loopback(args.host):
        print(
            f"kg serve: listening on {args.host}: other machines can query this store",
            file=sys.stderr,
        )
    serve(
        args.graph,
        host=args.host,
        port=args.port,
        allow_update=args.allow_update,
        timeout=args.timeout,
        max_rows=args.max_rows,
        processes=args.processes,
        on_ready=main_message,
    )
    return EXIT_OK


def _eval(args: argparse.Namespace) -> int:
    from kg.evaluate import evaluate_file

    report, curve = evaluate_file(args.gold, min_confidence=args.min_confidence)
    if args.json:
        data = report.as_dict()
        data["pr_curve"] = [
            {"threshold": t, "precision": p, "recall": r, "f1": f} for t, p, r, f in curve
        ]
        print(json.dumps(data, indent=2))
        return EXIT_OK
    print(report.to_text(verbose=False))
    if args.curve:
        print("\nthreshold  precision  recall  f1")
        for t, p, r, f in curve:
            print(f"{t:9.2f}  {p:9.3f}  {r:6.3f}  {f:.3f}")
    if args.errors:
        print()
        print(report.errors_text())
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from kg.graph import KnowledgeGraph

    conforms, report = KnowledgeGraph.load(args.graph).validate()
    print("conforms" if conforms else report)
    return EXIT_OK if conforms else EXIT_ERROR


COMMANDS = {
    "build": _build,
    "query": _query,
    "draw": _draw,
    "export": _export,
    "serve": _serve,
    "eval": _eval,
    "validate": _validate,
}

if __name__ == "__main__":
    sys.exit(main())
