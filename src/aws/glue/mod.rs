//! Glue: one module per kind of object.

pub mod batch;
pub mod crawler_runs;
pub mod crawlers;
pub mod databases;
pub mod jobs;
pub mod tags;
pub mod triggers;
