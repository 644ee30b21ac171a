"""WSGI middleware in front of moto: fault injection, a request log, and account ids.

Control API (JSON in, JSON out), served on the emulator's own port:

  POST   /_flywheel/faults        add one fault (an object) or several (a list)
  GET    /_flywheel/faults        list faults, each with `remaining` and `fired`
  DELETE /_flywheel/faults        remove all faults
  DELETE /_flywheel/faults/<id>   remove one fault
  GET    /_flywheel/requests      the AWS requests seen so far, oldest first; with
                                  ?since=<seq>, only those after that one; with
                                  ?match=<text>, only those whose path, query or (non-S3)
                                  body has the text (as a fault's `match`)
  DELETE /_flywheel/requests      forget them (tests never do: others count in the log)
  GET    /_flywheel/seed          {"seed": <the default seed of faults added from now on>}
  POST   /_flywheel/seed          {"seed": N} sets it (initially FLYWHEEL_EMULATOR_SEED, or 0)
  GET    /_flywheel/health        {"status": "ok", "pid": <server pid>, ...}
  POST   /_flywheel/crawler-runs  {"crawler": <name>, "running_seconds": N, "stopping_seconds": N,
                                  "account": ..., "region": ...} starts a Glue crawler run
                                  that lasts that long by the clock (glue_crawler_runs.py)
  POST   /_flywheel/job-runs      {"job": <name>, "state": ..., "error_message": ...,
                                  "execution_time": N, ...} records a Glue job run
  POST   /_flywheel/crawls        {"crawler": <name>, "status": ..., "tables_created": N, ...}
                                  records a crawl that ended, with its metrics
                                  (both: glue_run_history.py)

A fault:

  {"service": "glue",          # signing name: glue, s3, iam, sts; "*" = any (default)
   "operation": "CreateJob",   # API operation name; "*" = any (default)
   "status": 500,              # HTTP status to answer with; 0 = don't fail, only delay
   "code": "...",              # error code; default by service and status, see below
   "message": "...",           # error message; default "Injected fault"
   "count": 1,                 # how many matching requests fail; -1 = until removed
   "skip": 0,                  # let this many matching requests through first
   "match": "my-job",          # only requests whose path, query or (non-S3) body has this
   "account": "239083076653",  # only requests filed under this account (see Accounts)
   "delay_ms": 0,              # wait this long before answering (with or without failing)
   "lost_response": false,     # true: let moto act on the request first, then fail it
   "drop": false,              # true: close the connection instead of answering (no status)
   "rate": 1.0,                # probability that a matching request is failed (0 < rate <= 1)
   "seed": 7,                  # seed of this fault's draws; default the global seed (above)
   "mix": ["throttle", "500"]} # pick the failure per firing from these kinds (see Mix)

Which requests fail: the first `skip` matching requests pass (so `"skip": N-1, "count": 1`
fails exactly the N-th matching call); after that each matching request fails with
probability `rate`, until `count` of them have failed. The draws come from a random
generator of the fault's own, seeded with `seed`: for the same seed and the same sequence
of matching requests, the same requests fail (and, with `mix`, the same way). A request a
rate fault lets through may still be failed by a later fault in the list.

Mix: a fault with `mix` (a non-empty list) fails each firing with one of its kinds, drawn
with equal probability from the same seeded generator; `status`, `drop` and `lost_response`
are then not given. The kinds, as AWS and networks produce them:
  "throttle"       the service's throttling answer: 400 ThrottlingException (Glue),
                   400 Throttling (IAM, STS), 503 SlowDown (S3)
  "500"            a 5xx server error with the service's code (InternalServiceException,
                   InternalError, ServiceFailure, InternalFailure)
  "drop"           the connection is closed before the request reaches the service
  "lost_response"  the service acts, then the connection is closed without an answer
  "delay"          the request is held `delay_ms` (required, > 0) before the service sees it,
                   then answered normally: make it longer than the client's attempt timeout
With `mix`, `delay_ms` applies only to the "delay" kind. The kind a request was failed with
is in its log entry (`fault_kind`).

A lost response is a request that reached the service and took effect, but whose answer
the client never saw: the object exists, and the client got a 5xx (`status`) or, with
`drop`, a connection closed before any answer. The SDKs retry both, and the retry meets
the object (AlreadyExistsException, EntityAlreadyExists, BucketAlreadyOwnedByYou, or 200
for CreateBucket in us-east-1). Moto's answer is read and thrown away; `delay_ms` then
applies after moto acted. `drop` without `lost_response` closes the connection before
moto sees the request. A lost response needs a `status` or `drop`; `drop` takes no status.

Faults are tried in the order they were added; the first that matches a request applies,
and only to requests it has not skipped. Requests with the header `X-Flywheel-Probe`
(emulator.sh's readiness check) and moto's own /moto-api/ are never failed nor logged.

The error body has the service's protocol: JSON `{"__type", "message"}` for Glue,
`<ErrorResponse>` XML for IAM and STS, `<Error>` XML for S3. Default codes: for status
>= 500, InternalServiceException (Glue), InternalError (S3), ServiceFailure (IAM),
InternalFailure (others); 503 is ServiceUnavailable (SlowDown for S3); for 400 and 429,
the service's throttling code: ThrottlingException (Glue), Throttling (IAM, STS), SlowDown
(S3). Faults can also be given at start-up as a JSON list in the environment variable
FLYWHEEL_EMULATOR_FAULTS.

Each logged request has: seq, time, service, operation, method, path, account (the account
it was filed under), `status` (what the
client got; null if the connection was dropped or the answer is not sent yet),
`backend_status` (what moto answered; null if the request never reached moto), `fault`
(the id of the fault that applied, or null), `fault_kind` (how it failed the request:
throttle, 500, error, drop, lost_response, delay; null when it only counted it), `lost_response` (moto acted but its answer
was replaced) and `dropped` (the connection was closed without an answer).

Accounts: moto files every request under account 123456789012 (or MOTO_ACCOUNT_ID, or the
`x-moto-account-id` header); unlike LocalStack, moto 5.2.5 does NOT take the account id from
a 12-digit access key id (checked with STS GetCallerIdentity: access key 239083076653 still
answers 123456789012). This middleware adds LocalStack's convention: when the request's
access key id is 12 digits and no account was chosen otherwise, that is the account.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import socket
import threading
import time
import uuid
from collections import deque
from io import BytesIO
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

from moto.core.request import Request
from moto.core.routing import get_service_router

import glue_crawler_runs
import glue_run_history

PREFIX = "/_flywheel/"
CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
QUERY_PROTOCOL = {"iam", "sts"}
MAX_LOGGED_REQUESTS = 10000
MIX_KINDS = ("throttle", "500", "drop", "lost_response", "delay")
# moto's account when neither MOTO_ACCOUNT_ID nor the request chooses one.
DEFAULT_ACCOUNT = "123456789012"

THROTTLING_CODES = {"glue": "ThrottlingException", "s3": "SlowDown"}
SERVER_ERROR_CODES = {"glue": "InternalServiceException", "s3": "InternalError", "iam": "ServiceFailure"}
REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
           429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}


class ConnectionDropped(ConnectionAbortedError):
    """Raised to the WSGI server, which takes a ConnectionError for a client that went away
    and writes nothing more (werkzeug: no 500 page, no log line)."""


def drop_connection(environ: dict[str, Any]) -> None:
    """Closes the client's connection without an answer, as a network failure would.

    Shutting the socket down first makes the client see the end of the stream at once:
    werkzeug would otherwise wait on this keep-alive connection for a next request."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ConnectionDropped("connection dropped by an injected fault")


def status_code(status: str) -> int | None:
    try:
        return int(status.split(" ", 1)[0])
    except ValueError:
        return None


def default_code(service: str, status: int) -> str:
    if status == 503:
        return "SlowDown" if service == "s3" else "ServiceUnavailable"
    if status >= 500:
        return SERVER_ERROR_CODES.get(service, "InternalFailure")
    if status in (400, 429):
        return THROTTLING_CODES.get(service, "Throttling")
    return "InjectedFault"


class Fault:
    _ids = itertools.count(1)

    def __init__(self, spec: dict[str, Any], default_seed: int = 0):
        if not isinstance(spec, dict):
            raise ValueError("a fault is a JSON object")
        unknown = set(spec) - {"service", "operation", "status", "code", "message",
                               "count", "skip", "match", "account", "delay_ms", "lost_response",
                               "drop", "rate", "seed", "mix"}
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        self.id = next(self._ids)
        self.service = str(spec.get("service") or "*").lower()
        self.operation = str(spec.get("operation") or "*")
        self.lost_response = bool(spec.get("lost_response", False))
        self.drop = bool(spec.get("drop", False))
        if self.drop and spec.get("status"):
            raise ValueError("drop answers nothing: give no status")
        self.status = 0 if self.drop else int(spec.get("status", 500))
        # Without a code, the default is the requested service's (see firing).
        self.explicit_code = str(spec.get("code") or "")
        self.code = self.explicit_code or (default_code(self.service, self.status) if self.status else "")
        self.message = spec.get("message") or "Injected fault"
        self.remaining = int(spec.get("count", 1))
        self.skip = int(spec.get("skip", 0))
        self.match = spec.get("match")
        self.account = None if spec.get("account") is None else str(spec["account"])
        self.delay_ms = int(spec.get("delay_ms", 0))
        self.fired = 0
        self.rate = float(spec.get("rate", 1.0))
        if not 0.0 < self.rate <= 1.0:
            raise ValueError("rate must be in (0, 1]")
        self.seed = int(spec["seed"]) if spec.get("seed") is not None else int(default_seed)
        self.random = random.Random(self.seed)
        mix = spec.get("mix")
        self.mix: list[str] = []
        if mix is not None:
            if not isinstance(mix, list) or not mix or any(k not in MIX_KINDS for k in mix):
                raise ValueError(f"mix must be a non-empty list of {list(MIX_KINDS)}")
            if any(k in spec for k in ("status", "drop", "lost_response", "code")):
                raise ValueError("mix chooses status, code, drop and lost_response itself")
            if "delay" in mix and self.delay_ms <= 0:
                raise ValueError("mix with delay needs delay_ms > 0")
            self.mix = [str(k) for k in mix]
        if self.status and not 400 <= self.status <= 599:
            raise ValueError("status must be 0 or an HTTP error status (400-599)")
        if self.remaining == 0 or self.remaining < -1:
            raise ValueError("count must be positive, or -1 for every request")
        if self.lost_response and not (self.status or self.drop):
            raise ValueError("lost_response needs an error status or drop")

    def matches(self, service: str, operation: str, text: str, account: str) -> bool:
        if self.service != "*" and self.service != service:
            return False
        if self.operation != "*" and self.operation != operation:
            return False
        if self.account is not None and self.account != account:
            return False
        return self.match is None or str(self.match) in text

    def draw(self) -> bool:
        """One draw per matching request past `skip`: whether this one fails."""
        return self.rate >= 1.0 or self.random.random() < self.rate

    def firing(self, service: str) -> Firing:
        """How this firing fails a request to `service` (for a mix, one kind drawn)."""
        if not self.mix:
            if self.drop or self.lost_response:
                kind = "lost_response" if self.lost_response else "drop"
            elif self.status:
                kind = "error"
            else:
                kind = "delay" if self.delay_ms > 0 else None
            return Firing(self, service, kind, self.status, self.delay_ms,
                          self.lost_response, self.drop)
        kind = self.mix[self.random.randrange(len(self.mix))]
        if kind == "throttle":
            status = 503 if service == "s3" else 400
            return Firing(self, service, kind, status, 0, False, False)
        if kind == "500":
            return Firing(self, service, kind, 500, 0, False, False)
        if kind == "drop":
            return Firing(self, service, kind, 0, 0, False, True)
        if kind == "lost_response":
            return Firing(self, service, kind, 0, 0, True, True)
        return Firing(self, service, kind, 0, self.delay_ms, False, False)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "service": self.service, "operation": self.operation,
                "status": self.status, "code": self.code, "message": self.message,
                "remaining": self.remaining, "skip": self.skip, "match": self.match,
                "account": self.account,
                "delay_ms": self.delay_ms, "lost_response": self.lost_response,
                "drop": self.drop, "fired": self.fired, "rate": self.rate,
                "seed": self.seed, "mix": self.mix or None}


class Firing:
    """One application of a fault to one request."""

    def __init__(self, fault: Fault, service: str, kind: str | None, status: int, delay_ms: int,
                 lost_response: bool, drop: bool):
        self.id = fault.id
        self.kind = kind
        self.status = status
        self.message = fault.message
        self.delay_ms = delay_ms
        self.lost_response = lost_response
        self.drop = drop
        self.code = fault.explicit_code or (default_code(service, status) if status else "")


class ControlMiddleware:
    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app
        self.lock = threading.Lock()
        self.faults: list[Fault] = []
        self.requests: deque[dict[str, Any]] = deque(maxlen=MAX_LOGGED_REQUESTS)
        self.texts: dict[int, str] = {}
        self.seq = itertools.count(1)
        self.routers: dict[str, Any] = {}
        self.seed = int(os.environ.get("FLYWHEEL_EMULATOR_SEED") or 0)
        initial = os.environ.get("FLYWHEEL_EMULATOR_FAULTS")
        if initial:
            self.add_faults(json.loads(initial))

    # --- faults --------------------------------------------------------------------------

    def add_faults(self, spec: Any) -> list[Fault]:
        specs = spec if isinstance(spec, list) else [spec]
        new = [Fault(s, self.seed) for s in specs]
        with self.lock:
            self.faults.extend(new)
        return new

    def take_fault(self, service: str, operation: str, text: str,
                   account: str) -> Firing | None:
        with self.lock:
            for fault in self.faults:
                if not fault.matches(service, operation, text, account):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                if not fault.draw():
                    continue
                fault.fired += 1
                if fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                return fault.firing(service)
        return None

    # --- request identification ------------------------------------------------------

    def operation_of(self, environ: dict[str, Any], service: str, body: bytes | None) -> str:
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            return target.rsplit(".", 1)[-1]
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "Action" in query:
            return query["Action"][0]
        if body is not None and "Action=" in body.decode("utf-8", "replace"):
            form = parse_qs(body.decode("utf-8", "replace"))
            if "Action" in form:
                return form["Action"][0]
        if not service:
            return ""
        try:
            router = self.routers.get(service)
            if router is None:
                router = self.routers[service] = get_service_router(service)
            operation, _ = router.match(Request(environ, populate_request=False, shallow=True))
            return operation.name
        except Exception:
            return ""

    @staticmethod
    def read_small_body(environ: dict[str, Any], service: str) -> bytes | None:
        """Buffers the body of JSON and form requests (never S3's) so it can be inspected."""
        if service == "s3":
            return None
        content_type = environ.get("CONTENT_TYPE", "")
        if "json" not in content_type and "x-www-form-urlencoded" not in content_type:
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if length <= 0 or length > 10 * 1024 * 1024:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return body

    # --- WSGI ------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIX):
            return self.control(environ, start_response)

        auth = environ.get("HTTP_AUTHORIZATION", "") or environ.get("QUERY_STRING", "").replace("%2F", "/")
        m = CREDENTIAL.search(auth)
        access_key, service = (m.group(1), m.group(3)) if m else ("", "")
        if not service and environ.get("HTTP_X_AMZ_TARGET", "").startswith("AWSGlue."):
            service = "glue"

        if (m and re.fullmatch(r"\d{12}", access_key) and "MOTO_ACCOUNT_ID" not in os.environ
                and "HTTP_X_MOTO_ACCOUNT_ID" not in environ):
            environ["HTTP_X_MOTO_ACCOUNT_ID"] = access_key

        # moto's own API, and emulator.sh's readiness check, bypass faults and the log.
        if path.startswith("/moto-api") or environ.get("HTTP_X_FLYWHEEL_PROBE"):
            return self.app(environ, start_response)

        body = self.read_small_body(environ, service)
        operation = self.operation_of(environ, service, body)
        text = path + "?" + environ.get("QUERY_STRING", "")
        if body is not None:
            text += "\n" + body.decode("utf-8", "replace")

        account = (environ.get("HTTP_X_MOTO_ACCOUNT_ID") or os.environ.get("MOTO_ACCOUNT_ID")
                   or DEFAULT_ACCOUNT)
        entry = {"seq": next(self.seq), "time": time.time(), "service": service,
                 "operation": operation, "method": environ.get("REQUEST_METHOD"),
                 "path": path, "account": account, "status": None, "backend_status": None, "fault": None,
                 "fault_kind": None, "lost_response": False, "dropped": False}
        # Kept beside the entry, not in it: what `?match=` searches, as a fault's `match` does.
        with self.lock:
            if len(self.requests) == self.requests.maxlen:
                self.texts.pop(self.requests[0]["seq"], None)
            self.requests.append(entry)
            self.texts[entry["seq"]] = text

        fault = self.take_fault(service, operation, text, account)
        if fault is not None:
            entry["fault"] = fault.id
            entry["fault_kind"] = fault.kind
            if fault.lost_response:
                entry["backend_status"] = self.forward_and_discard(environ)
                entry["lost_response"] = True
            if fault.delay_ms > 0:
                time.sleep(fault.delay_ms / 1000.0)
            if fault.drop:
                entry["dropped"] = True
                drop_connection(environ)
            if fault.status:
                entry["status"] = fault.status
                return self.error_response(environ, start_response, service, fault)

        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            entry["status"] = entry["backend_status"] = status_code(status)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return self.app(environ, recording_start_response)

    def forward_and_discard(self, environ: dict[str, Any]) -> int | None:
        """Lets moto handle the request to the end, and returns only its status."""
        statuses: list[int | None] = []

        def capture(status: str, headers: Any, exc_info: Any = None) -> Callable[[bytes], None]:
            statuses.append(status_code(status))
            return lambda data: None

        result = self.app(environ, capture)
        try:
            for _ in result:  # a lazy body may do its work only when read
                pass
        finally:
            if hasattr(result, "close"):
                result.close()
        return statuses[-1] if statuses else None

    def error_response(self, environ: dict[str, Any], start_response: Callable[..., Any],
                       service: str, fault: Firing) -> Iterable[bytes]:
        request_id = str(uuid.uuid4())
        code, message = fault.code, fault.message
        content_type = environ.get("CONTENT_TYPE", "")
        headers = [("x-amzn-RequestId", request_id), ("x-amz-request-id", request_id)]
        if environ.get("HTTP_X_AMZ_TARGET") or "json" in content_type:
            body = json.dumps({"__type": code, "message": message}).encode()
            headers += [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)]
        elif service in QUERY_PROTOCOL or "x-www-form-urlencoded" in content_type:
            kind = "Receiver" if fault.status >= 500 else "Sender"
            body = (f'<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code>'
                    f'<Message>{message}</Message></Error><RequestId>{request_id}</RequestId>'
                    f'</ErrorResponse>').encode()
            headers.append(("Content-Type", "text/xml"))
        else:
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
                    f'<Message>{message}</Message><RequestId>{request_id}</RequestId></Error>').encode()
            headers.append(("Content-Type", "application/xml"))
        if environ.get("REQUEST_METHOD") == "HEAD":
            body = b""
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{fault.status} {REASONS.get(fault.status, 'Error')}", headers)
        return [body]

    # --- control API -----------------------------------------------------------------------

    def control(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        parts = environ.get("PATH_INFO", "")[len(PREFIX):].strip("/").split("/")
        try:
            if parts == ["health"] and method == "GET":
                return self.reply(start_response, 200, {"status": "ok", "pid": os.getpid(),
                                                        "faults": len(self.faults)})
            if parts == ["seed"] and method == "GET":
                return self.reply(start_response, 200, {"seed": self.seed})
            if parts == ["seed"] and method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                spec = json.loads(environ["wsgi.input"].read(length) or b"null")
                if not isinstance(spec, dict) or not isinstance(spec.get("seed"), int):
                    raise ValueError('give {"seed": <integer>}')
                with self.lock:
                    self.seed = spec["seed"]
                return self.reply(start_response, 200, {"seed": self.seed})
            if parts == ["crawler-runs"] and method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                spec = json.loads(environ["wsgi.input"].read(length) or b"null")
                return self.reply(start_response, 200, glue_crawler_runs.start_run(spec))
            if parts == ["job-runs"] and method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                spec = json.loads(environ["wsgi.input"].read(length) or b"null")
                return self.reply(start_response, 200, glue_run_history.seed_job_run(spec))
            if parts == ["crawls"] and method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                spec = json.loads(environ["wsgi.input"].read(length) or b"null")
                return self.reply(start_response, 200, glue_run_history.seed_crawl(spec))
            if parts[0] == "faults":
                if len(parts) == 1 and method == "GET":
                    with self.lock:
                        return self.reply(start_response, 200, {"faults": [f.as_dict() for f in self.faults]})
                if len(parts) == 1 and method == "POST":
                    length = int(environ.get("CONTENT_LENGTH") or 0)
                    spec = json.loads(environ["wsgi.input"].read(length) or b"null")
                    new = self.add_faults(spec)
                    return self.reply(start_response, 200, {"faults": [f.as_dict() for f in new]})
                if len(parts) == 1 and method == "DELETE":
                    with self.lock:
                        self.faults.clear()
                    return self.reply(start_response, 200, {"faults": []})
                if len(parts) == 2 and method == "DELETE":
                    with self.lock:
                        before = len(self.faults)
                        self.faults = [f for f in self.faults if str(f.id) != parts[1]]
                        found = len(self.faults) != before
                    return self.reply(start_response, 200 if found else 404, {"deleted": found})
            if parts == ["requests"]:
                if method == "GET":
                    query = parse_qs(environ.get("QUERY_STRING", ""))
                    since = int(query.get("since", ["0"])[0])
                    match = query.get("match", [None])[0]
                    with self.lock:
                        seen = [r for r in self.requests if r["seq"] > since
                                and (match is None or match in self.texts.get(r["seq"], ""))]
                    return self.reply(start_response, 200, {"requests": seen})
                if method == "DELETE":
                    with self.lock:
                        self.requests.clear()
                        self.texts.clear()
                    return self.reply(start_response, 200, {"requests": []})
        except (ValueError, TypeError, KeyError) as e:
            return self.reply(start_response, 400, {"error": str(e)})
        return self.reply(start_response, 404, {"error": f"no such control endpoint: {method} {environ.get('PATH_INFO')}"})

    @staticmethod
    def reply(start_response: Callable[..., Any], status: int, payload: Any) -> Iterable[bytes]:
        body = json.dumps(payload).encode()
        start_response(f"{status} {REASONS.get(status, 'OK')}",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
