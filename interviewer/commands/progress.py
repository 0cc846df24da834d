"""`interviewer progress`: the terminal candidate's progress per topic and question, and the review queue."""

from __future__ import annotations

import argparse

from interviewer.commands.common import print_json
from interviewer.settings import Settings


def cmd_progress(args: argparse.Namespace, settings: Settings) -> int:
    """The terminal candidate's progress per topic and question, and the review queue."""
    import time

    from interviewer.candidates.local import local_candidate, render_progress
    from interviewer.candidates.reviews import due_cards
    from interviewer.candidates.service import progress_of, review_cards
    from interviewer.store import open_store
    from interviewer.wiring import ready_index

    store = open_store(settings)
    try:
        candidate = local_candidate(settings.data_dir, store, create=False)
        if candidate is None:
            print("No answers recorded yet: practise with `interviewer chat`.")
            return 0
        now = time.time()
        bank = ready_index(settings, ingest_if_missing=False, load=False).bank
        progress = progress_of(store, bank, candidate.id, now)
        cards = review_cards(store, candidate.id)
    finally:
        store.close()
    if args.json:
        due = [{"item_id": c.item_id, "topic": c.topic, "due_at": c.due, "last_score": c.last_score}
               for c in due_cards(cards, now)]
        print_json({**progress.model_dump(mode="json"), "reviews_due": due})
    else:
        print(render_progress(progress, cards, now))
    return 0
