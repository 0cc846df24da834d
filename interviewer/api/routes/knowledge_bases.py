"""Named knowledge bases: a candidate's own notes as a bank to search and be interviewed on.

A knowledge base made here belongs to the candidate whose token made it: only that token lists, changes,
searches or interviews on it (another candidate's: 403). `default` (the seed notes) and knowledge bases made
with `interviewer ingest --kb` have no owner: every caller reads them, nobody changes them over HTTP.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from interviewer.api.candidate_auth import optional_candidate, required_candidate
from interviewer.api.deps import Services, get_services
from interviewer.api.middleware import is_json_type
from interviewer.store import StoredCandidate
from knowledge.bases import DEFAULT_KB, DocumentInfo, KnowledgeBaseInfo

router = APIRouter(prefix="/v1/knowledge-bases", tags=["knowledge bases"])
bearer = HTTPBearer(auto_error=False, description="the candidate token returned by POST /v1/candidates")
ServicesDep = Annotated[Services, Depends(get_services)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
NO_STORE = {"Cache-Control": "no-store"}
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no candidate token, or an unknown one"},
    403: {"description": "another candidate's knowledge base, or a read-only one (default, made by the CLI)"},
    404: {"description": "unknown knowledge base or document"},
}
_UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    400: {"description": "bad name, wrong type, binary, not UTF-8 nor GB18030, empty, or no questions found "
                         "(`no_questions`: the message says how to format notes)"},
    409: {"description": "a document of that name exists, the knowledge base is full, or another change runs"},
    413: {"description": "over the ingest caps (bytes or passages per file)"},
}


class NewKnowledgeBase(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "my-notes"}]})

    name: str = Field(max_length=40, description="1-40 of a-z 0-9 - _, starting with a letter or digit")


class KnowledgeBaseOut(BaseModel):
    name: str
    created_at: float
    mine: bool = Field(description="made with your candidate token (you may change it)")
    read_only: bool = Field(description="default, or made from the command line")


class KnowledgeBases(BaseModel):
    knowledge_bases: list[KnowledgeBaseOut]


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "my-rag-notes.md", "content": "# RAG\n\n## 1、什么是 RAG？\n\n先检索，再生成。\n"}]})

    name: str = Field(validation_alias=AliasChoices("name", "filename"), description=".md, .markdown or .txt")
    content: str


class Documents(BaseModel):
    knowledge_base: str
    documents: list[DocumentInfo]


def _out(info: KnowledgeBaseInfo, candidate: StoredCandidate | None) -> KnowledgeBaseOut:
    mine = candidate is not None and info.owner == candidate.id
    return KnowledgeBaseOut(name=info.name, created_at=info.created_at, mine=mine, read_only=info.owner is None)


def _caller(services: Services, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    candidate = optional_candidate(services, credentials)
    return candidate.id if candidate else None


@router.post("", status_code=201, response_model=KnowledgeBaseOut, responses={
    **_ERRORS, 400: {"description": "invalid name"}, 409: {"description": "the name is taken"}},
    summary="Create a knowledge base of your own (a candidate token is required)")
def create_knowledge_base(body: NewKnowledgeBase, services: ServicesDep, credentials: Credentials,
                          response: Response) -> KnowledgeBaseOut:
    candidate = required_candidate(services, credentials)
    info = services.kbs().create(body.name, candidate.id)
    response.headers.update({"Location": f"/v1/knowledge-bases/{info.name}/documents", **NO_STORE})
    return _out(info, candidate)


@router.get("", response_model=KnowledgeBases, responses=_ERRORS,
            summary="The knowledge bases you can use: default, those made by the CLI, and yours")
def list_knowledge_bases(services: ServicesDep, credentials: Credentials, response: Response) -> KnowledgeBases:
    candidate = optional_candidate(services, credentials)
    response.headers.update(NO_STORE)
    if services.knowledge_bases is None:  # a service with only `default` still lists it (the page asks)
        visible = [KnowledgeBaseInfo(name=DEFAULT_KB)]
    else:
        visible = services.kbs().visible(candidate.id if candidate else None)
    return KnowledgeBases(knowledge_bases=[_out(info, candidate) for info in visible])


@router.delete("/{name}", status_code=204, responses=_ERRORS, summary="Delete a knowledge base of yours")
def delete_knowledge_base(name: str, services: ServicesDep, credentials: Credentials) -> Response:
    candidate = required_candidate(services, credentials)
    services.kbs().delete(name, candidate.id)
    return Response(status_code=204)


@router.get("/{name}/documents", response_model=Documents, responses=_ERRORS,
            summary="The documents of a knowledge base, with the questions found in each")
def list_documents(name: str, services: ServicesDep, credentials: Credentials, response: Response) -> Documents:
    response.headers.update(NO_STORE)
    return Documents(knowledge_base=name, documents=services.kbs().documents(name, _caller(services, credentials)))


async def _body(request: Request) -> bytes:
    return await request.body()


def _document(request: Request, body: bytes, name: str | None) -> tuple[str, bytes]:
    """(file name, bytes) from a JSON body `{name, content}`, or a raw body with `?name=`."""
    if is_json_type(request.headers.get("content-type", "")):
        try:
            doc = DocumentIn.model_validate_json(body)
        except ValidationError as exc:
            raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
        return doc.name, doc.content.encode("utf-8")
    if name is None:
        raise RequestValidationError([{"loc": ("query", "name"), "msg": "a raw upload needs ?name=<file name>",
                                       "type": "missing"}])
    return name, body


@router.post(
    "/{name}/documents", status_code=201, response_model=DocumentInfo, responses=_UPLOAD_ERRORS,
    summary="Upload one note (.md/.markdown/.txt) to a knowledge base of yours; it is ingested at once",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": DocumentIn.model_json_schema()},
        "text/markdown": {"schema": {"type": "string", "format": "binary"}},
        "text/plain": {"schema": {"type": "string", "format": "binary"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    }}},
)
def upload_document(
    name: str,
    request: Request,
    services: ServicesDep,
    credentials: Credentials,
    response: Response,
    body: Annotated[bytes, Depends(_body)],
    filename: Annotated[str | None, Query(alias="name", description="the file name, for a raw (non-JSON) body")] = None,
) -> DocumentInfo:
    """JSON `{"name": "notes.md", "content": "..."}`, or the file's bytes as the body (`Content-Type:
    text/markdown`, `text/plain` or `application/octet-stream`) with `?name=notes.md`: a raw body may be in
    GB18030/GBK (converted to UTF-8). Each note is checked whole before anything is written."""
    candidate = required_candidate(services, credentials)
    document, data = _document(request, body, filename)
    info = services.kbs().add_document(name, candidate.id, document, data)
    response.headers.update({"Location": f"/v1/knowledge-bases/{name}/documents", **NO_STORE})
    return info


@router.delete("/{name}/documents/{document}", status_code=204, responses=_ERRORS,
               summary="Delete a document: its questions and vectors leave the knowledge base")
def delete_document(name: str, document: str, services: ServicesDep, credentials: Credentials) -> Response:
    candidate = required_candidate(services, credentials)
    services.kbs().remove_document(name, candidate.id, document)
    return Response(status_code=204)

