"""S3 bucket Intelligent-Tiering configurations for the emulator.

moto 5.2.5 has no `?intelligent-tiering` sub-resource: it routes those requests as if the
query were absent, so PutBucketIntelligentTieringConfiguration is a CreateBucket (200,
nothing stored), Get/List answer a ListObjects body (read as an empty configuration), and
DeleteBucketIntelligentTieringConfiguration DELETES THE BUCKET when it is empty.

`install()` adds the four operations to moto's S3 response handler, per the S3 API:

  PUT    /{bucket}?intelligent-tiering&id=ID   store the IntelligentTieringConfiguration body
  GET    /{bucket}?intelligent-tiering&id=ID   return it; 404 NoSuchConfiguration if absent
  GET    /{bucket}?intelligent-tiering         ListBucketIntelligentTieringConfigurations
  DELETE /{bucket}?intelligent-tiering&id=ID   204; 404 NoSuchConfiguration if absent

A missing bucket answers NoSuchBucket. The body's Id must equal the `id` parameter, Status
is Enabled or Disabled, and there are one or two Tierings (ARCHIVE_ACCESS 90-730 days,
DEEP_ARCHIVE_ACCESS 180-730 days), as S3 checks. Configurations live on the bucket object,
so deleting a bucket drops them. The list is sorted by id and never truncated.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from moto.s3.responses import S3Response

NS = "http://s3.amazonaws.com/doc/2006-03-01/"
QUERY_KEY = "intelligent-tiering"
DAY_LIMITS = {"ARCHIVE_ACCESS": (90, 730), "DEEP_ARCHIVE_ACCESS": (180, 730)}


def _error(status: int, code: str, message: str, **extra: str) -> tuple[int, dict[str, str], str]:
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in extra.items())
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
            f"<Message>{message}</Message>{fields}</Error>")
    return status, {"content-type": "application/xml"}, body


def _strip_namespaces(elem: ET.Element) -> ET.Element:
    for e in elem.iter():
        if isinstance(e.tag, str) and "}" in e.tag:
            e.tag = e.tag.split("}", 1)[1]
    return elem


def _configs(bucket: Any) -> dict[str, ET.Element]:
    configs = getattr(bucket, "flywheel_intelligent_tiering", None)
    if configs is None:
        configs = {}
        bucket.flywheel_intelligent_tiering = configs
    return configs


def _parse(body: bytes, config_id: str) -> ET.Element | tuple[int, dict[str, str], str]:
    try:
        root = _strip_namespaces(ET.fromstring(body))
    except ET.ParseError:
        return _error(400, "MalformedXML", "The XML you provided was not well-formed or did "
                      "not validate against our published schema")
    if root.tag != "IntelligentTieringConfiguration":
        return _error(400, "MalformedXML", "Expected IntelligentTieringConfiguration")
    if (root.findtext("Id") or "") != config_id:
        return _error(400, "InvalidArgument", "The id in the configuration does not match "
                      "the id parameter", ArgumentName="id", ArgumentValue=config_id)
    if root.findtext("Status") not in ("Enabled", "Disabled"):
        return _error(400, "MalformedXML", "Status must be Enabled or Disabled")
    tierings = root.findall("Tiering")
    if not 1 <= len(tierings) <= 2:
        return _error(400, "MalformedXML", "One or two Tiering elements are required")
    seen = set()
    for tiering in tierings:
        tier = tiering.findtext("AccessTier") or ""
        if tier not in DAY_LIMITS or tier in seen:
            return _error(400, "InvalidArgument", f"Invalid or repeated AccessTier {tier!r}",
                          ArgumentName="AccessTier", ArgumentValue=tier)
        seen.add(tier)
        try:
            days = int(tiering.findtext("Days") or "")
        except ValueError:
            return _error(400, "MalformedXML", "Days must be an integer")
        low, high = DAY_LIMITS[tier]
        if not low <= days <= high:
            return _error(400, "InvalidArgument",
                          f"Days for {tier} must be between {low} and {high}",
                          ArgumentName="Days", ArgumentValue=str(days))
    return root


def _xml(elem: ET.Element) -> str:
    return ET.tostring(elem, encoding="unicode")


def handle(self: S3Response, method: str, bucket_name: str, querystring: dict[str, Any]):
    bucket = self.backend.get_bucket(bucket_name)  # NoSuchBucket
    configs = _configs(bucket)
    config_id = (querystring.get("id") or [None])[0]

    if method == "GET" and config_id is None:
        items = "".join(_xml(configs[k]) for k in sorted(configs))
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<ListBucketIntelligentTieringConfigurationsOutput xmlns="{NS}">'
                f"<IsTruncated>false</IsTruncated>{items}"
                f"</ListBucketIntelligentTieringConfigurationsOutput>")
        return 200, {"content-type": "application/xml"}, body

    if not config_id:
        return _error(400, "InvalidArgument", "The id parameter is required",
                      ArgumentName="id", ArgumentValue="")

    if method == "PUT":
        parsed = _parse(self.body, config_id)
        if isinstance(parsed, tuple):
            return parsed
        configs[config_id] = parsed
        return 200, {}, ""

    if config_id not in configs:
        return _error(404, "NoSuchConfiguration", "The specified configuration does not exist.")

    if method == "DELETE":
        del configs[config_id]
        return 204, {}, ""

    elem = configs[config_id]
    inner = "".join(_xml(child) for child in elem)
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<IntelligentTieringConfiguration xmlns="{NS}">{inner}</IntelligentTieringConfiguration>')
    return 200, {"content-type": "application/xml"}, body


_original_get = S3Response._bucket_response_get
_original_put = S3Response._bucket_response_put
_original_delete = S3Response._bucket_response_delete


def _bucket_response_get(self: S3Response, bucket_name: str, querystring: dict[str, Any]):
    if QUERY_KEY in querystring:
        return handle(self, "GET", bucket_name, querystring)
    return _original_get(self, bucket_name, querystring)


def _bucket_response_put(self: S3Response, request: Any, bucket_name: str, querystring: dict[str, Any]):
    if QUERY_KEY in querystring:
        return handle(self, "PUT", bucket_name, querystring)
    return _original_put(self, request, bucket_name, querystring)


def _bucket_response_delete(self: S3Response, bucket_name: str, querystring: dict[str, Any]):
    if QUERY_KEY in querystring:
        return handle(self, "DELETE", bucket_name, querystring)
    return _original_delete(self, bucket_name, querystring)


def install() -> None:
    """Patch moto's S3 response handler in this process; safe to call more than once."""
    if getattr(S3Response, "_flywheel_intelligent_tiering", False):
        return
    S3Response._bucket_response_get = _bucket_response_get
    S3Response._bucket_response_put = _bucket_response_put
    S3Response._bucket_response_delete = _bucket_response_delete
    S3Response._flywheel_intelligent_tiering = True
