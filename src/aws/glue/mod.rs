//! Glue: one module per kind of object.

pub mod tags;
pub mod triggers;
