//! Generates the gRPC *client* stubs that `tests/protocol.rs` uses to drive the built provider
//! over its real plugin handshake.
//!
//! The provider binary does not use this output: its server side comes from tf-provider, which
//! compiles the same protos itself. Only `include_proto!` in the tests pulls these modules in.

const PROTOS: [&str; 2] = [
    // tfplugin6: the Terraform provider protocol (schema, validate, plan, apply, ...).
    "proto/tfplugin6.5.proto",
    // go-plugin's controller, so the tests can ask the plugin to shut down like Terraform does.
    "proto/plugin.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    emit_git_commit();
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={proto}");
    }

    tonic_build::configure()
        .build_server(false)
        // Sorted maps give a canonical encoding, so the tests can compare responses byte for byte
        // even though protobuf leaves the wire order of map entries unspecified.
        .btree_map(["."])
        .protoc_arg("--experimental_allow_proto3_optional")
        .compile_protos(&PROTOS, &["proto"])?;
    Ok(())
}

/// `terraform-provider-flywheel --version` prints the commit it was built from. Builds from
/// a source archive (no git) say "unknown"; `FLYWHEEL_GIT_COMMIT` in the environment wins.
fn emit_git_commit() {
    println!("cargo:rerun-if-env-changed=FLYWHEEL_GIT_COMMIT");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={dir}/HEAD");
        println!("cargo:rerun-if-changed={dir}/refs/heads");
    }
    let commit = std::env::var("FLYWHEEL_GIT_COMMIT")
        .ok()
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=FLYWHEEL_GIT_COMMIT={commit}");
}
