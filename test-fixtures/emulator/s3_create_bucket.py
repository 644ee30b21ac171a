"""S3 CreateBucket of a bucket the caller already owns, as AWS answers it.

AWS answers 409 BucketAlreadyOwnedByYou in every region but us-east-1, where, for legacy
compatibility, it answers 200 OK and resets the bucket's ACL (CreateBucket API reference,
BucketAlreadyOwnedByYou). moto 5.2.5 gets both statuses right (a retried CreateBucket in
us-east-1 succeeds), but keeps the old ACL unless the request carries `x-amz-acl`: a bucket
made public-read stayed public-read. It also ignores `x-amz-grant-*` headers on
CreateBucket.

`install()` makes a successful CreateBucket (PUT /{bucket} without a sub-resource) set the
bucket's ACL from the request: its canned ACL or its grants, else `private`. A new bucket
gets the same ACL as before (plus the grants); a re-created one in us-east-1 is reset.
The bucket's other settings (policy, versioning, tags, ...) stay, as on AWS.

Install it after s3_intelligent_tiering: that module replaces the same method and calls
moto's original, so it has to be the inner one.
"""

from __future__ import annotations

from typing import Any

from moto.s3.models import get_canned_acl
from moto.s3.responses import S3Response


def install() -> None:
    """Patch moto's S3 response handler in this process; safe to call more than once."""
    if getattr(S3Response, "_flywheel_create_bucket", False):
        return
    inner = S3Response._bucket_response_put  # moto's, or s3_intelligent_tiering's

    def _bucket_response_put(self: S3Response, request: Any, bucket_name: str,
                             querystring: dict[str, Any]):
        result = inner(self, request, bucket_name, querystring)
        # CreateBucket (SDKs may add ?x-id=); it raised if the bucket was not ours to (re)create.
        if set(querystring) <= {"x-id"}:
            acl = self._acl_from_headers(request.headers) or get_canned_acl("private")
            self.backend.get_bucket(bucket_name).acl = acl
        return result

    S3Response._bucket_response_put = _bucket_response_put
    S3Response._flywheel_create_bucket = True
