"""CloudWatch over the Smithy RPC v2 CBOR protocol, for the emulator.

The AWS SDKs call CloudWatch with RPC v2 CBOR, its first protocol since 2025:
`POST /service/GraniteServiceVersion20100801/operation/<Operation>` with a CBOR body,
`Content-Type: application/cbor` and `smithy-protocol: rpc-v2-cbor`. moto 5.2.5 serves
CloudWatch only over its older protocols (JSON 1.0 and query, at `/`), so that request is
a 404 there.

`CborMiddleware` sits in front of the emulator's other middleware and translates:
the request's CBOR body becomes the same operation over the JSON 1.0 protocol
(`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`), which moto and the fault and
request-log middleware understand; the JSON answer becomes CBOR again, shaped by the
operation's output in botocore's CloudWatch model (timestamps as CBOR tag 1, as the
protocol requires). An error answer becomes the protocol's error body, a map with
`__type` and `message`, with the status kept. Every other request passes through.

It uses botocore's own CBOR decoder and encoder, so no other package is needed.
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import re
from typing import Any, Callable, Iterable

import botocore.session
from botocore.parsers import RpcV2CBORParser
from botocore.serialize import RpcV2CBORSerializer

TARGET_PREFIX = "GraniteServiceVersion20100801"
PATH = re.compile(r"^/service/" + TARGET_PREFIX + r"/operation/([A-Za-z0-9]+)$")

_model = None


def _service_model():
    global _model
    if _model is None:
        _model = botocore.session.get_session().get_service_model("cloudwatch")
    return _model


def _jsonable(value: Any) -> Any:
    """A decoded CBOR value in the JSON protocol's form."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    return value


def decode(body: bytes) -> Any:
    if not body:
        return {}
    parser = RpcV2CBORParser()
    return _jsonable(parser.parse_data_item(parser.get_peekable_stream_from_bytes(body)))


def _shaped(value: Any, shape: Any) -> Any:
    """`value` with only the members `shape` knows (the encoder refuses others)."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: _shaped(v, shape.members[k]) for k, v in value.items()
                if k in shape.members and v is not None}
    if shape.type_name == "list" and isinstance(value, list):
        return [_shaped(v, shape.member) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: _shaped(v, shape.value) for k, v in value.items()}
    if shape.type_name == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    return value


def encode_output(operation: str, value: dict) -> bytes:
    """The operation's JSON answer as CBOR; an empty map for an operation without output."""
    shape = _service_model().operation_model(operation).output_shape
    if shape is None:
        return b"\xa0"
    out = bytearray()
    RpcV2CBORSerializer()._serialize_data_item(out, _shaped(value, shape), shape)
    return bytes(out)


def encode_error(code: str, message: str) -> bytes:
    out = bytearray(b"\xa2")  # a map of two text pairs
    serializer = RpcV2CBORSerializer()
    for text in ("__type", code, "message", message):
        serializer._serialize_type_string(out, text, None, None)
    return bytes(out)


class CborMiddleware:
    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        m = PATH.match(environ.get("PATH_INFO", ""))
        if not m or environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        operation = m.group(1)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            params = decode(raw)
        except Exception as e:  # a malformed body is the caller's error, as on AWS
            return self._answer(start_response, "400 Bad Request",
                                encode_error("SerializationException", str(e)))
        body = json.dumps(params).encode()
        inner = dict(environ)
        inner.update({
            "PATH_INFO": "/",
            "CONTENT_TYPE": "application/x-amz-json-1.0",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_X_AMZ_TARGET": f"{TARGET_PREFIX}.{operation}",
            "wsgi.input": io.BytesIO(body),
        })
        inner.pop("HTTP_SMITHY_PROTOCOL", None)
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            seen["status"] = status
            return lambda _data: None

        answer = b"".join(self.app(inner, capture))
        status = seen.get("status", "500 Internal Server Error")
        try:
            data = json.loads(answer) if answer.strip() else {}
        except ValueError:
            data = {}
        if status.startswith("2"):
            return self._answer(start_response, status, encode_output(operation, data))
        code = str(data.get("__type") or data.get("code") or "InternalFailure").split("#")[-1]
        message = str(data.get("message") or data.get("Message") or "")
        return self._answer(start_response, status, encode_error(code, message))

    @staticmethod
    def _answer(start_response: Callable, status: str, body: bytes) -> list[bytes]:
        start_response(status, [
            ("Content-Type", "application/cbor"),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("Content-Length", str(len(body))),
        ])
        return [body]
