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
/// `SourceControlDetails`: provider, repository, branch and folder.
pub const SOURCE_CONTROL: &str = "SourceControlDetails";
/// `CodeGenConfigurationNodes`: how many nodes the Glue Studio graph has.
pub const CODE_GEN_NODES: &str = "CodeGenConfigurationNodes";
/// `MaintenanceWindow` (streaming jobs): the window.
pub const MAINTENANCE_WINDOW: &str = "MaintenanceWindow";
/// `ProfileName` (a Glue usage profile): its name.
pub const PROFILE_NAME: &str = "ProfileName";

// `JobMode` is managed (`job_mode`), no longer listed here.
