//! terraform-provider-flywheel: starts logging, then serves the provider to Terraform.

mod aws;
mod data_sources;
mod logging;
mod model;
mod provider;
mod resources;
mod schema;
mod validate;
mod values;

use std::process::ExitCode;

/// Version and commit, from Cargo.toml and the build script.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const COMMIT: &str = match option_env!("FLYWHEEL_GIT_COMMIT") {
    Some(c) => c,
    None => "unknown",
};

fn main() -> ExitCode {
    if std::env::args().any(|a| a == "--version" || a == "-v") {
        println!("terraform-provider-flywheel {VERSION} ({COMMIT})");
        return ExitCode::SUCCESS;
    }
    // tf-provider installs its own subscriber when PLUGIN_LOG_FILE is set and panics if one
    // exists already; ours writes to stderr where Terraform reads it. Done before any thread
    // starts, which makes changing the environment sound.
    std::env::remove_var("PLUGIN_LOG_FILE");
    logging::init();

    if std::env::var_os("TF_PLUGIN_MAGIC_COOKIE").is_none() {
        eprintln!(
            "This binary is a plugin for Terraform and OpenTofu and is not meant to be run directly.\n\
             Install it as the provider omc/flywheel and run `terraform init`."
        );
        return ExitCode::from(1);
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(tf_provider::serve(
        provider::NAME,
        provider::FlywheelProvider::default(),
    ));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("provider server stopped: {e:#}");
            eprintln!("terraform-provider-flywheel: {e:#}");
            ExitCode::from(1)
        }
    }
}
