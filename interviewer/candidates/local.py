"""The terminal's candidate: its token kept in the data dir, its chat sessions committed turn by turn.

`interviewer chat` practises as this candidate (so `interviewer progress` and `chat --review` know the
history); `--no-record` keeps a chat out of it. The token file is created on the first recorded chat.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path

from interviewer.candidates.progress import Progress
from interviewer.candidates.reviews import ReviewCard, due_cards
from interviewer.candidates.service import find_candidate, new_candidate
from interviewer.session.models import SessionState
from interviewer.store import SessionStore, StoredCandidate, hash_token
from knowledge.errors import InterviewerError

CANDIDATE_FILE = "candidate.json"


def candidate_file(data_dir: Path) -> Path:
    return data_dir / CANDIDATE_FILE


def local_candidate(data_dir: Path, store: SessionStore, create: bool) -> StoredCandidate | None:
    """The candidate whose token is in the data dir; a new one (file written 0600) when asked to create."""
    path = candidate_file(data_dir)
    if path.exists():
        try:
            token = str(json.loads(path.read_text(encoding="utf-8"))["token"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InterviewerError(f"{path} is not a candidate file ({exc}); move it away to start afresh") from None
        found = find_candidate(store, token)
        if found is None:
            raise InterviewerError(f"the candidate in {path} is not in the session database; "
                                   "move the file away to start afresh")
        return found
    if not create:
        return None
    candidate, token = new_candidate(store, "terminal", time.time())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"id": candidate.id, "token": token}, out)
    return candidate


class Recorder:
    """Commits a chat's state after every turn, as the API does (the session belongs to the candidate)."""

    def __init__(self, store: SessionStore, candidate_id: str) -> None:
        self.store = store
        self.candidate_id = candidate_id
        self.version = 0

    def __call__(self, state: SessionState) -> None:
        if self.version == 0:
            self.version = self.store.create(state, hash_token(secrets.token_urlsafe(32)), self.candidate_id)
        else:
            self.version = self.store.save(state, self.version)


def _day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")


def render_progress(progress: Progress, cards: dict[str, ReviewCard], now: float) -> str:
    if not progress.items:
        return "No answers recorded yet: practise with `interviewer chat`."
    lines = [f"{progress.sessions} sessions, {progress.attempts} answers on {progress.items_answered} questions; "
             f"mean of latest scores {progress.latest_mean:.1f}/10; {progress.due} due for review"]
    lines.append("\nTopics (weakest first):")
    for t in progress.topics:
        trend = " → ".join(f"{p.score:.1f}" for p in t.trend[-6:])
        weak = "  weak" if t.weak else ""
        lines.append(f"  {t.topic or '-'}: latest {t.latest_mean:.1f}, best {t.best_mean:.1f}, "
                     f"{t.missed} points missed; trend {trend}{weak}")
    lines.append("\nQuestions (lowest latest score first):")
    for i in progress.items:
        when = "due now" if i.due_at is not None and i.due_at <= now else f"next {_day(i.due_at)}" if i.due_at else ""
        lines.append(f"  {i.latest_score:4.1f} (best {i.best_score:.1f}, {i.attempts}x, {when}) {i.question}")
        for point in i.missed[:3]:
            lines.append(f"       missed: {point.text}")
    due = due_cards(cards, now)
    if due:
        lines.append(f"\n{len(due)} due for review: `interviewer chat --review`")
    return "\n".join(lines)
