//! Glue: one module per kind of object.

pub mod jobs;
pub mod tags;
pub mod triggers;
