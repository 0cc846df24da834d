"""Candidate tokens: the bearer that identifies a candidate (only its SHA-256 is stored)."""

from __future__ import annotations

import hmac

from fastapi.security import HTTPAuthorizationCredentials

from interviewer.api.deps import Services
from interviewer.api.errors import APIError
from interviewer.candidates.service import find_candidate
from interviewer.store import StoredCandidate


def required_candidate(services: Services, credentials: HTTPAuthorizationCredentials | None) -> StoredCandidate:
    """401 without a bearer or with one that is no candidate's token."""
    if credentials is None:
        raise APIError(401, "missing_token", "this route needs `Authorization: Bearer <candidate token>` "
                       "(POST /v1/candidates gives one)", headers={"WWW-Authenticate": "Bearer"})
    candidate = find_candidate(services.store, credentials.credentials)
    if candidate is None:
        raise APIError(401, "invalid_token", "the token is not a candidate's token",
                       headers={"WWW-Authenticate": "Bearer"})
    return candidate


def _is_api_key(services: Services, token: str) -> bool:
    keys = [k.strip() for k in services.settings.api_keys.split(",") if k.strip()]
    return any(hmac.compare_digest(token.encode(), key.encode()) for key in keys)


def optional_candidate(services: Services,
                       credentials: HTTPAuthorizationCredentials | None) -> StoredCandidate | None:
    """The candidate a new session belongs to: none without a bearer (or with the service's API key)."""
    if credentials is None or _is_api_key(services, credentials.credentials):
        return None
    return required_candidate(services, credentials)
