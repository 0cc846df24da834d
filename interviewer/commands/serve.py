"""`interviewer serve` (the HTTP service and its web page) and `interviewer doctor` (its LLM provider checked)."""

from __future__ import annotations

import argparse
import sys

from interviewer.commands.common import mode_banner, print_json
from interviewer.settings import Settings


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.api.serve import serve

    print(mode_banner(settings), file=sys.stderr)
    serve(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    """Check the configured LLM provider end to end; exit 1 when LLM mode would fall back."""
    from interviewer.llm.doctor import diagnose

    diagnosis = diagnose(settings)
    if args.json:
        print_json(diagnosis.as_dict())
    else:
        print(diagnosis.render())
    return 0 if diagnosis.ok else 1
