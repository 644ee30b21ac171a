//! Data sources, one file per Terraform type.

pub mod caller_identity;
pub mod crawler;
pub mod job;
pub mod pipeline;
