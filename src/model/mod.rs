//! The pure model: typed configuration in, desired AWS objects out. No I/O and no
//! Terraform types here, so every expansion and default is unit-tested without AWS.

pub mod alarm;
pub mod budget;
pub mod children;
pub mod cost;
pub mod crawler;
pub mod crawler_compare;
pub mod crawler_configuration;
pub mod crawler_run;
pub mod crawler_settings;
pub mod crawler_targets;
pub mod dashboard;
pub mod guardrails;
pub mod job;
pub mod managed;
pub mod ownership;
pub mod pipeline;
pub mod policy;
pub mod runs;
pub mod schedule;
pub mod tags;
pub mod trigger;
