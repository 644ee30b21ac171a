//! Job settings Glue holds that this provider does not manage.
//!
//! UpdateJob replaces the whole definition: "unspecified configuration is removed or reset
//! to default values" (the UpdateJob reference). So a setting made outside Terraform (in
//! the console, Glue Studio, or by another tool) that the provider does not send is lost at
//! the next update. Rather than drop it silently, a read lists it in the job's
//! `unmanaged_settings`, which a plan sets to none: the plan shows exactly what the apply
//! will remove, and an apply is planned even when nothing else changed.
//!
//! The fields, by Glue's name, and how each is summarised (GetJob's answer is not kept
//! whole: `CodeGenConfigurationNodes` is a whole visual graph):

/// `LogUri` (unused by Glue, kept by it): the URI.
pub const LOG_URI: &str = "LogUri";
/// `CodeGenConfigurationNodes`: how many nodes the Glue Studio graph has.
pub const CODE_GEN_NODES: &str = "CodeGenConfigurationNodes";
/// `MaintenanceWindow`: the window. AWS documents it for streaming jobs only ("a day of the
/// week and hour for a maintenance window for streaming jobs"), which this provider does not
/// make, so it is not an attribute.
pub const MAINTENANCE_WINDOW: &str = "MaintenanceWindow";
/// `ProfileName` (a Glue usage profile): its name.
pub const PROFILE_NAME: &str = "ProfileName";

// `JobMode` and `SourceControlDetails` are managed (`job_mode`, `source_control_details`).
