//! Data sources, one file per Terraform type.

pub mod caller_identity;
pub mod pipeline;
