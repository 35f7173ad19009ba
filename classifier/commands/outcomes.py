"""``classify outcomes record|compare``: verification outcomes of historical artifacts, before and after an upgrade.

Exit statuses: 0 recorded or unchanged, 1 an outcome drifted or failed, 2 a usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from classifier.commands.records import common_options, finish


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``record`` and ``compare`` to the ``outcomes`` parser."""
    commands = parser.add_subparsers(dest="outcomes_command", metavar="COMMAND", required=True)
    for name, helptext, handler in (
        ("record", "verify the corpus and record every outcome", _run_record),
        ("compare", "verify the corpus again and fail on any drift", _run_compare),
    ):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("--verifier", metavar="MODULE:FUNCTION", required=True, help="the application's verifier")
        sub.add_argument("--corpus", metavar="DIR", type=Path, required=True, help="folder of historical artifacts")
        sub.add_argument(
            "--path", metavar="DIR", type=Path, default=Path("."), help="where to import the verifier from (default: .)"
        )
        if name == "compare":
            sub.add_argument(
                "--baseline", metavar="FILE", type=Path, required=True, help="the record `outcomes record` wrote"
            )
        common_options(sub, handler, out_required=name == "record")


def _run_record(args: argparse.Namespace) -> int:
    from classifier.upgrade.outcomes import (
        load_verifier,
        outcomes_record,
        verify_corpus,
    )

    outcomes, findings = verify_corpus(load_verifier(args.verifier, args.path.resolve()), args.corpus)
    return finish(outcomes_record(args.verifier, args.corpus, outcomes, findings), args)


def _run_compare(args: argparse.Namespace) -> int:
    from classifier.upgrade.outcomes import (
        drift,
        load_verifier,
        outcomes_record,
        verify_corpus,
    )
    from classifier.upgrade.records import read_record

    baseline = read_record(args.baseline, "outcomes.schema.json", "--baseline")
    outcomes, findings = verify_corpus(load_verifier(args.verifier, args.path.resolve()), args.corpus)
    moved, new = drift(baseline["artifacts"], outcomes)
    record = outcomes_record(
        args.verifier, args.corpus, outcomes, findings + moved, baseline=str(args.baseline), new_artifacts=new
    )
    return finish(record, args)
