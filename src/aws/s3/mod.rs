//! S3: object-level calls (`objects`). Bucket management lives in its own module.

pub mod buckets;
pub mod lifecycle;
pub mod objects;
