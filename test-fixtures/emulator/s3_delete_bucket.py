"""S3 DeleteBucket forgets the bucket's tags, as AWS does.

moto 5.2.5 keeps bucket tags in its backend's tagger, keyed by the bucket's ARN, and
DeleteBucket removes only the bucket: a new bucket of the same name then answers
GetBucketTagging with the deleted bucket's tags. On AWS a new bucket has no tags. The
provider decides ownership from tags (`flywheel:owner`), so a re-created bucket must not
inherit them.

`install()` makes a successful DeleteBucket also delete the bucket's tags.
"""

from __future__ import annotations

from typing import Any

from moto.s3.models import S3Backend


def install() -> None:
    """Patch moto's S3 backend in this process; safe to call more than once."""
    if getattr(S3Backend, "_flywheel_delete_bucket", False):
        return
    inner = S3Backend.delete_bucket

    def delete_bucket(self: S3Backend, bucket_name: str) -> Any:
        deleted = inner(self, bucket_name)
        if deleted is not None:  # None: not empty, nothing deleted
            self.tagger.delete_all_tags_for_resource(deleted.arn)
        return deleted

    S3Backend.delete_bucket = delete_bucket  # type: ignore[method-assign]
    S3Backend._flywheel_delete_bucket = True  # type: ignore[attr-defined]
