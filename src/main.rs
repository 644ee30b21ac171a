//! terraform-provider-flywheel: starts logging, then serves the provider to Terraform.

mod aws;
mod data_sources;
mod discover;
mod functions;
#[cfg(test)]
mod fuzz;
mod logging;
mod model;
mod provider;
mod reconcile;
mod resources;
mod schema;
mod validate;
mod validators;
mod values;

use std::process::ExitCode;

/// Version and commit, from Cargo.toml and the build script.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const COMMIT: &str = match option_env!("FLYWHEEL_GIT_COMMIT") {
    Some(c) => c,
    None => "unknown",
};

fn main() -> ExitCode {
    // Lossy: `std::env::args` panics on an argument that is not UTF-8.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if args.first().map(String::as_str) == Some("discover") {
        // A command for people, not Terraform: no plugin handshake, logs only under TF_LOG.
        logging::init();
        let _ = rustls::crypto::ring::default_provider().install_default();
        return discover::main(&args[1..]);
    }
    if args.iter().any(|a| a == "--version" || a == "-v") {
        println!("terraform-provider-flywheel {VERSION} ({COMMIT})");
        return ExitCode::SUCCESS;
    }
    // tf-provider installs its own subscriber when PLUGIN_LOG_FILE is set and panics if one
    // exists already; ours writes to stderr where Terraform reads it. Done before any thread
    // starts, which makes changing the environment sound.
    std::env::remove_var("PLUGIN_LOG_FILE");
    // tf-provider appends a captured backtrace to every diagnostic when backtraces are on;
    // users with RUST_BACKTRACE set would see them in plain error messages. Panics keep
    // theirs: RUST_LIB_BACKTRACE only governs library captures.
    std::env::set_var("RUST_LIB_BACKTRACE", "0");
    logging::init();
    // ring is the one crypto library in the binary (the AWS SDK's client is built on it too,
    // see `aws::connect::https_client`). Installed explicitly so rustls never has to guess;
    // the plugin server needs ring: with aws-lc-rs, Terraform's P-521 client certificate is
    // rejected ("tls: unknown certificate").
    let _ = rustls::crypto::ring::default_provider().install_default();

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
    let result = runtime.block_on(async {
        ignore_interrupts()?;
        tf_provider::serve(provider::NAME, provider::FlywheelProvider::default()).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("provider server stopped: {e:#}");
            eprintln!("terraform-provider-flywheel: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Ctrl-C in a terminal sends SIGINT to Terraform and to its provider plugins alike.
/// Terraform stops gracefully: it asks the provider to stop (StopProvider), waits for the
/// operations in flight and records what they created. A plugin that died of the signal
/// would lose those operations' results ("Plugin did not respond"), so, as Go plugins do,
/// the provider takes SIGINT and leaves stopping to Terraform.
fn ignore_interrupts() -> anyhow::Result<()> {
    let mut interrupts = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    tokio::spawn(async move {
        while interrupts.recv().await.is_some() {
            tracing::debug!("SIGINT ignored: Terraform stops the provider");
        }
    });
    Ok(())
}
