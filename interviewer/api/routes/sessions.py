"""Mock-interview sessions: start, answer (JSON or SSE), transcript, report, end.

Every turn is committed with the session's version as a guard before anything is sent back; a
request that loses a race with another process gets 409 concurrent_update and changes nothing.
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from interviewer.api.candidate_auth import optional_candidate
from interviewer.api.deps import Services, get_services
from interviewer.api.errors import APIError
from interviewer.api.schemas import MessageReply, PostMessage, SessionStarted, StartSession, Transcript
from interviewer.api.sse import stream_reply, wants_event_stream
from interviewer.candidates.service import review_plan
from interviewer.session.models import Reply, Report, SessionPlan, SessionState
from interviewer.session.report_markdown import report_markdown
from interviewer.store import StoredSession, hash_token, token_matches
from knowledge.bases import DEFAULT_KB
from knowledge.errors import Conflict

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])
bearer = HTTPBearer(auto_error=False, description="the session token returned by POST /v1/sessions, or the "
                    "token of the candidate the session belongs to (on POST /v1/sessions: a candidate token)")

ServicesDep = Annotated[Services, Depends(get_services)]
NO_STORE = {"Cache-Control": "no-store"}

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no `Authorization: Bearer <token>` header"},
    403: {"description": "wrong token for this session"},
    404: {"description": "unknown (or purged) session"},
}


def authorised(
    session_id: str,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> StoredSession:
    stored = services.store.load(session_id)
    if credentials is None:
        raise APIError(401, "missing_token", "this session needs `Authorization: Bearer <token>`",
                       headers={"WWW-Authenticate": "Bearer"})
    token = credentials.credentials
    if token_matches(token, stored.token_hash):
        return stored
    if stored.candidate_token_hash is not None and token_matches(token, stored.candidate_token_hash):
        return stored  # the candidate it belongs to
    raise APIError(403, "invalid_token", "the token does not belong to this session")


SessionDep = Annotated[StoredSession, Depends(authorised)]


def expires_at(services: Services, stored: StoredSession) -> float | None:
    if stored.state.status != "active":
        return None
    return stored.updated_at + float(services.settings.session_idle_timeout)


def ensure_not_expired(services: Services, stored: StoredSession) -> None:
    """410 for an active session idle past its timeout. A finished session, and the answer itself, are
    checked once, by `Interview` (SessionFinished → 409 session_finished; `validate_answer`'s errors →
    400 empty_answer / 413 answer_too_long / 400 invalid_input, mapped in `ERROR_TABLE`)."""
    deadline = expires_at(services, stored)
    if deadline is not None and services.clock() > deadline:
        raise APIError(410, "session_expired", "the session expired after being idle; start a new one "
                       "(its transcript and report are still readable)")


def commit(services: Services, state: SessionState, expected_version: int) -> int:
    try:
        return services.store.save(state, expected_version)
    except Conflict:
        raise APIError(409, "concurrent_update",
                       "another request changed this session first; reload it and try again") from None


def reply_body(reply: Reply) -> MessageReply:
    return MessageReply(message=reply.message, evaluation=reply.evaluation, state=reply.state, done=reply.done,
                        action=reply.action, report=reply.report, sources=reply.sources)


@router.post("", status_code=201, response_model=SessionStarted, summary="Start a mock interview", responses={
    400: {"description": "bad plan (unknown topics…), or mode review without a candidate token"},
    401: {"description": "a bearer that is no candidate's token (without a bearer the session is anonymous)"},
    403: {"description": "`knowledge_base` belongs to another candidate"},
    404: {"description": "unknown `knowledge_base`"},
    409: {"description": "`knowledge_base` has no documents yet"},
})
def start_session(
    services: ServicesDep,
    response: Response,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    body: Annotated[StartSession | None, Body()] = None,
) -> SessionStarted:
    candidate = optional_candidate(services, credentials)  # a candidate token: the session is theirs
    fields = (body or StartSession()).model_dump()
    interview, bank = services.interview, services.bank
    if fields["knowledge_base"] != DEFAULT_KB:  # 404 unknown, 403 another candidate's, 409 still empty
        served = services.kbs().served(fields["knowledge_base"], candidate.id if candidate else None)
        interview, bank = served.interview, served.bank
    services.purge_expired()
    review = fields["mode"] == "review"
    if review:
        if candidate is None:
            raise APIError(400, "candidate_required", 'mode "review" needs `Authorization: Bearer <candidate '
                           'token>`: the review queue is a candidate\'s (POST /v1/candidates)')
        fields.update(mode="practice", review=True)  # a review interview is a practice one on chosen items
    plan = SessionPlan(**fields)
    session_id = uuid.uuid4().hex
    question_ids = None
    if candidate is not None and review:
        question_ids = review_plan(services.store, bank, candidate.id, plan, session_id, services.clock())
    state, reply = interview.start(plan, session_id, question_ids)
    token = secrets.token_urlsafe(32)
    services.store.create(state, hash_token(token), candidate.id if candidate else None)
    response.headers.update({"Location": f"/v1/sessions/{session_id}", **NO_STORE})
    return SessionStarted(id=session_id, token=token, message=reply.message, state=reply.state, action=reply.action)


@router.post(
    "/{session_id}/messages",
    response_model=MessageReply,
    summary="Answer the current question (JSON, or server-sent events with Accept: text/event-stream)",
    responses={
        **_ERRORS,
        200: {"content": {"text/event-stream": {"example": 'event: message\ndata: {"delta": "得分"}\n\n'
                                                            'event: done\ndata: {"state": {}, "done": false}\n\n'}}},
        409: {"description": "the interview has ended, or another request changed the session first"},
        410: {"description": "the session expired after being idle"},
        413: {"description": "the answer is longer than max_answer_chars"},
    },
)
def post_message(
    session_id: str,
    body: PostMessage,
    stored: SessionDep,
    services: ServicesDep,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    ensure_not_expired(services, stored)
    state, reply = services.interview_for(stored.state).answer(stored.state, body.content)
    commit(services, state, stored.version)  # durable before the first byte of the reply
    if wants_event_stream(accept):
        return stream_reply(reply, services.settings.sse_chunk_chars)
    return reply_body(reply)


@router.post("/{session_id}/end", response_model=MessageReply, responses=_ERRORS,
             summary="End the interview now (like answering 结束 / end)")
def end_session(session_id: str, stored: SessionDep, services: ServicesDep) -> MessageReply:
    ensure_not_expired(services, stored)
    state, reply = services.interview_for(stored.state).end(stored.state)
    commit(services, state, stored.version)
    return reply_body(reply)


@router.get("/{session_id}", response_model=Transcript, responses=_ERRORS, summary="The transcript")
def get_transcript(session_id: str, stored: SessionDep, services: ServicesDep, response: Response) -> Transcript:
    state = stored.state
    deadline = expires_at(services, stored)
    response.headers.update(NO_STORE)
    return Transcript(
        id=state.id,
        plan=state.plan,
        state=services.report_reader(state).summary(state),
        turns=state.turns,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
        expires_at=deadline,
        expired=deadline is not None and services.clock() > deadline,
    )


@router.get(
    "/{session_id}/report",
    response_model=Report,
    responses={**_ERRORS, 409: {"description": "an exam-mode session is still running"}},
    summary="The report: final when the interview has ended, partial (status active) in practice mode",
)
def get_report(session_id: str, stored: SessionDep, services: ServicesDep) -> Report:
    return readable_report(stored, services)


def readable_report(stored: StoredSession, services: Services) -> Report:
    """The report, when it may be read now: 409 for an exam still running (a practice one is partial)."""
    state = stored.state
    if state.status == "active" and state.plan.mode == "exam":
        raise APIError(409, "exam_in_progress", "an exam's scores are shown only when it has ended")
    return services.report_reader(state).report(state)


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def session_date(stored: StoredSession) -> str:
    """The day the session started (YYYY-MM-DD, UTC): from its state, else from the store's record."""
    if match := _DAY.match(stored.state.created_at):
        return match.group(0)
    return datetime.fromtimestamp(stored.created_at, UTC).strftime("%Y-%m-%d")


@router.get(
    "/{session_id}/report.md",
    response_class=Response,
    responses={
        **_ERRORS,
        200: {"content": {"text/markdown": {"example": "# Interview report\n\n- Overall: **7.5/10** (solid)\n"}},
              "description": "the report as a Markdown file (Content-Disposition: attachment)"},
        409: {"description": "an exam-mode session is still running"},
    },
    summary="The report as a Markdown download, in the session's language (same rules as /report)",
)
def get_report_markdown(session_id: str, stored: SessionDep, services: ServicesDep) -> Response:
    report = readable_report(stored, services)
    date = session_date(stored)
    short = re.sub(r"[^A-Za-z0-9_-]", "", stored.state.id)[:8] or "session"
    filename = f"interview-{date}-{short}.md"
    return Response(
        content=report_markdown(report, report.language, date=date),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE},
    )
