//! Glue: one module per kind of object.

pub mod crawlers;
pub mod databases;
pub mod jobs;
pub mod tags;
pub mod triggers;
