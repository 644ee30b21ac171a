//! Reconcile: the one convergence engine every resource runs on.
//!
//! - [`plan`] is pure: desired and observed children in, ordered operations out.
//! - [`execute`] runs ordered operations with bounded concurrency and reports partial
//!   progress.
//! - [`engine`] owns what every resource needs written once: ownership checks before any
//!   write, recognising a lost answer, data guards before a destroy, and the failures.
//! - A backend per resource maps each child kind to its `crate::aws` calls
//!   ([`pipeline_backend`] with [`alerts_backend`], [`job_backend`], [`crawler_backend`]).

pub mod alerts_backend;
pub mod crawler_backend;
pub mod engine;
pub mod execute;
pub mod job_backend;
pub mod pipeline_backend;
pub mod plan;

pub use engine::{
    converge_recorded, destroy, destroy_recorded, Converged, Failure, Ownership, Recorded, Refusal,
};
