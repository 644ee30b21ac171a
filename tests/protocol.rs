//! Protocol tests: the built provider binary, driven over its real go-plugin handshake with the
//! same tfplugin6 calls Terraform makes. No Terraform CLI and no AWS: everything here is offline.

#[path = "protocol/msgpack.rs"]
mod msgpack;
#[path = "protocol/plugin_client.rs"]
mod plugin_client;

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;

use prost::Message as _;

use msgpack::Value;
use plugin_client::tfplugin6::{
    self,
    attribute_path::step::Selector,
    diagnostic::Severity,
    get_provider_schema,
    schema::{nested_block, object, Attribute, Block},
    Diagnostic, DynamicValue,
};
use plugin_client::{Address, PluginClient, MAX_PORT, MIN_PORT};

const CALLER_IDENTITY: &str = "flywheel_caller_identity";

async fn launch() -> PluginClient {
    PluginClient::launch()
        .await
        .expect("launching the provider over the plugin handshake")
}

/// Stops the plugin and checks it went away: cleanly (exit 0) after Shutdown, or by kill.
async fn stop(plugin: PluginClient) {
    let exit = plugin.shutdown().await.expect("stopping the plugin");
    assert!(
        !exit.graceful || exit.status.success(),
        "plugin exited with {} after Shutdown",
        exit.status
    );
}

async fn provider_schema(plugin: &mut PluginClient) -> get_provider_schema::Response {
    let response = plugin
        .provider
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema")
        .into_inner();
    assert_no_errors("GetProviderSchema", &response.diagnostics);
    response
}

fn provider_block(schema: &get_provider_schema::Response) -> &Block {
    schema
        .provider
        .as_ref()
        .and_then(|s| s.block.as_ref())
        .expect("provider schema has a block")
}

// ---------------------------------------------------------------------------------------------
// Handshake

/// `launch` has already checked the handshake line and made a call over TLS with go-plugin's
/// client certificate; here, that the plugin listens where Terraform expects it to.
#[tokio::test]
async fn plugin_listens_on_loopback_within_the_port_range() {
    let plugin = launch().await;
    if let Address::Tcp(address) = &plugin.handshake.address {
        let address: SocketAddr = address.parse().expect("handshake address is ip:port");
        assert!(address.ip().is_loopback(), "plugin listens on {address}");
        assert!(
            (MIN_PORT..=MAX_PORT).contains(&address.port()),
            "port {} is outside PLUGIN_MIN_PORT..PLUGIN_MAX_PORT",
            address.port()
        );
    }
    stop(plugin).await;
}

// ---------------------------------------------------------------------------------------------
// GetProviderSchema

#[tokio::test]
async fn schema_is_well_formed_and_documented() {
    let mut plugin = launch().await;
    let schema = provider_schema(&mut plugin).await;

    let mut problems = Vec::new();
    let schemas = std::iter::once(("provider".to_string(), schema.provider.as_ref()))
        .chain(
            schema
                .resource_schemas
                .iter()
                .map(|(n, s)| (format!("resource.{n}"), Some(s))),
        )
        .chain(
            schema
                .data_source_schemas
                .iter()
                .map(|(n, s)| (format!("data.{n}"), Some(s))),
        );
    for (path, s) in schemas {
        match s.and_then(|s| s.block.as_ref()) {
            Some(block) => check_block(&mut problems, &path, block),
            None => problems.push(format!("{path}: no schema block")),
        }
    }
    for name in schema
        .resource_schemas
        .keys()
        .chain(schema.data_source_schemas.keys())
    {
        if !name.starts_with("flywheel_") {
            problems.push(format!(
                "{name}: type name must start with the provider name"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "schema problems:\n  {}",
        problems.join("\n  ")
    );

    stop(plugin).await;
}

#[tokio::test]
async fn schema_has_the_contracted_provider_and_data_source() {
    let mut plugin = launch().await;
    let schema = provider_schema(&mut plugin).await;
    let mut missing = Vec::new();

    let provider = provider_block(&schema);
    for name in [
        "region",
        "profile",
        "s3_use_path_style",
        "skip_credentials_validation",
        "skip_requesting_account_id",
        "allowed_account_ids",
        "default_tags",
        "max_retries",
    ] {
        if attribute(provider, name).is_none() {
            missing.push(format!("provider.{name} (attribute)"));
        }
    }
    let blocks = [
        (
            "assume_role",
            &["role_arn", "session_name", "external_id", "duration"][..],
        ),
        ("endpoints", &["glue", "s3", "iam", "sts"][..]),
    ];
    for (block_name, attributes) in blocks {
        let Some(block) = nested_block(provider, block_name) else {
            missing.push(format!("provider.{block_name} (block)"));
            continue;
        };
        for name in attributes {
            if attribute(block, name).is_none() {
                missing.push(format!("provider.{block_name}.{name} (attribute)"));
            }
        }
    }

    match schema
        .data_source_schemas
        .get(CALLER_IDENTITY)
        .and_then(|s| s.block.as_ref())
    {
        None => missing.push(format!("data.{CALLER_IDENTITY}")),
        Some(block) => {
            for name in ["account_id", "arn", "user_id", "region", "partition"] {
                match attribute(block, name) {
                    None => missing.push(format!("data.{CALLER_IDENTITY}.{name} (attribute)")),
                    Some(attr) if !attr.computed || attr.required => {
                        missing.push(format!("data.{CALLER_IDENTITY}.{name} must be computed"))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "schema does not meet the contract:\n  {}",
        missing.join("\n  ")
    );

    stop(plugin).await;
}

/// No job attribute is sensitive: `terraform plan -generate-config-out` writes a sensitive
/// attribute as `null # sensitive` whatever its value, so an imported job's arguments would
/// be lost from the generated configuration (and the next plan would remove them). Plans
/// show arguments as Glue's console and API do; secrets are passed by name.
#[tokio::test]
async fn no_job_attribute_is_sensitive() {
    let mut plugin = launch().await;
    let schema = provider_schema(&mut plugin).await;
    let block = schema
        .resource_schemas
        .get("flywheel_job")
        .and_then(|s| s.block.as_ref())
        .expect("flywheel_job schema");
    let sensitive: Vec<&str> = block
        .attributes
        .iter()
        .filter(|a| a.sensitive)
        .map(|a| a.name.as_str())
        .collect();
    assert!(sensitive.is_empty(), "sensitive: {sensitive:?}");
    stop(plugin).await;
}

/// Terraform fetches the schema in every process it starts and compares plans made with one
/// against applies made with another, so the schema must not vary between calls or processes.
#[tokio::test]
async fn schema_is_deterministic() {
    let mut plugin = launch().await;
    let first = provider_schema(&mut plugin).await;
    let second = provider_schema(&mut plugin).await;
    // Re-encoded with sorted maps (see build.rs): protobuf leaves the wire order of map entries
    // unspecified, and tf-provider collects them into a fresh HashMap on every call.
    assert!(
        first.encode_to_vec() == second.encode_to_vec(),
        "two GetProviderSchema calls on one plugin returned different schemas:\n{}",
        differences(&first, &second)
    );
    stop(plugin).await;

    // Another process orders attributes, blocks and object type keys by its own HashMap seeds
    // (tf-provider keeps them in HashMaps). Terraform ignores that order, so compare in name order.
    let mut other = launch().await;
    let third = provider_schema(&mut other).await;
    assert!(
        canonical(first.clone()).encode_to_vec() == canonical(third.clone()).encode_to_vec(),
        "two plugin processes returned different schemas:\n{}",
        differences(&first, &third)
    );
    stop(other).await;
}

// ---------------------------------------------------------------------------------------------
// Validation

#[tokio::test]
async fn validate_provider_config_accepts_unknowns_and_reports_bad_values() {
    let mut plugin = launch().await;
    let schema = provider_schema(&mut plugin).await;
    let empty = msgpack::empty_config(provider_block(&schema));
    for name in ["region", "max_retries"] {
        assert!(
            empty.contains_key(name),
            "provider schema has no `{name}` attribute"
        );
    }

    // During plan the region may come from another resource, so it is unknown.
    let mut config = empty.clone();
    config.insert("region".into(), Value::Unknown);
    let diagnostics = validate_provider(&mut plugin, config).await;
    assert_no_errors(
        "ValidateProviderConfig with an unknown region",
        &diagnostics,
    );

    let mut config = empty;
    config.insert("region".into(), "us-east-1".into());
    config.insert("max_retries".into(), Value::Int(-1));
    let diagnostics = validate_provider(&mut plugin, config).await;
    assert!(
        errors(&diagnostics).any(|d| path(d) == "max_retries"),
        "ValidateProviderConfig with max_retries = -1 must report an error at `max_retries`; got:\n{}",
        render(&diagnostics)
    );

    stop(plugin).await;
}

#[tokio::test]
async fn validate_caller_identity_accepts_an_empty_block() {
    let mut plugin = launch().await;
    let schema = provider_schema(&mut plugin).await;
    let block = schema
        .data_source_schemas
        .get(CALLER_IDENTITY)
        .and_then(|s| s.block.as_ref())
        .unwrap_or_else(|| panic!("no data source {CALLER_IDENTITY}"));

    let response = plugin
        .provider
        .validate_data_resource_config(tfplugin6::validate_data_resource_config::Request {
            type_name: CALLER_IDENTITY.into(),
            config: Some(dynamic(msgpack::empty_config(block))),
        })
        .await
        .expect("ValidateDataResourceConfig")
        .into_inner();
    assert_no_errors(
        "ValidateDataResourceConfig with an empty block",
        &response.diagnostics,
    );

    stop(plugin).await;
}

async fn validate_provider(
    plugin: &mut PluginClient,
    config: BTreeMap<String, Value>,
) -> Vec<Diagnostic> {
    plugin
        .provider
        .validate_provider_config(tfplugin6::validate_provider_config::Request {
            config: Some(dynamic(config)),
        })
        .await
        .expect("ValidateProviderConfig")
        .into_inner()
        .diagnostics
}

fn dynamic(object: BTreeMap<String, Value>) -> DynamicValue {
    DynamicValue {
        msgpack: Value::Object(object).encode(),
        json: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Schema checks

/// Records what Terraform's own schema validation (`configschema.Block.InternalValidate`) would
/// reject, plus any block or attribute without a description, as `path: problem` lines.
fn check_block(problems: &mut Vec<String>, path: &str, block: &Block) {
    if !is_documented(&block.description) {
        problems.push(format!("{path}: block has no description"));
    }
    let mut names = HashSet::new();
    for attr in &block.attributes {
        let attr_path = format!("{path}.{}", attr.name);
        check_name(problems, &attr_path, &attr.name, &mut names);
        check_attribute(problems, &attr_path, attr);
    }
    for nested in &block.block_types {
        let nested_path = format!("{path}.{}", nested.type_name);
        check_name(problems, &nested_path, &nested.type_name, &mut names);
        let (min, max) = (nested.min_items, nested.max_items);
        match nested_block::NestingMode::try_from(nested.nesting) {
            Ok(nested_block::NestingMode::Single) if min > 1 || max > 1 => problems.push(format!(
                "{nested_path}: single block with min/max {min}/{max}"
            )),
            Ok(nested_block::NestingMode::List | nested_block::NestingMode::Set)
                if min < 0 || (max != 0 && min > max) =>
            {
                problems.push(format!("{nested_path}: min_items {min} > max_items {max}"))
            }
            Ok(nested_block::NestingMode::Map | nested_block::NestingMode::Group)
                if min != 0 || max != 0 =>
            {
                problems.push(format!("{nested_path}: map/group block with min/max items"))
            }
            Ok(nested_block::NestingMode::Invalid) | Err(_) => problems.push(format!(
                "{nested_path}: invalid nesting mode {}",
                nested.nesting
            )),
            Ok(_) => {}
        }
        match &nested.block {
            Some(inner) => check_block(problems, &nested_path, inner),
            None => problems.push(format!("{nested_path}: nested block has no body")),
        }
    }
}

fn check_attribute(problems: &mut Vec<String>, path: &str, attr: &Attribute) {
    if !is_documented(&attr.description) {
        problems.push(format!("{path}: attribute has no description"));
    }
    match (attr.required, attr.optional, attr.computed) {
        (true, false, false) | (false, true, _) | (false, false, true) => {}
        (false, false, false) => problems.push(format!(
            "{path}: must be one of required, optional or computed"
        )),
        _ => problems.push(format!(
            "{path}: required cannot be combined with optional/computed"
        )),
    }
    match (&attr.r#type[..], &attr.nested_type) {
        ([], None) => problems.push(format!("{path}: has neither a type nor nested attributes")),
        ([_, ..], Some(_)) => {
            problems.push(format!("{path}: has both a type and nested attributes"))
        }
        (ty @ [_, ..], None) => {
            if serde_json::from_slice::<serde_json::Value>(ty).is_err() {
                problems.push(format!(
                    "{path}: type is not JSON: {}",
                    String::from_utf8_lossy(ty)
                ))
            }
        }
        ([], Some(object)) => {
            if matches!(
                object::NestingMode::try_from(object.nesting),
                Ok(object::NestingMode::Invalid) | Err(_)
            ) {
                problems.push(format!("{path}: invalid nesting mode {}", object.nesting));
            }
            let mut names = HashSet::new();
            for nested in &object.attributes {
                let nested_path = format!("{path}.{}", nested.name);
                check_name(problems, &nested_path, &nested.name, &mut names);
                check_attribute(problems, &nested_path, nested);
            }
        }
    }
}

/// Terraform only accepts names matching `^[a-z0-9_]+$`, each used once per block.
fn check_name(problems: &mut Vec<String>, path: &str, name: &str, seen: &mut HashSet<String>) {
    let valid_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    if name.is_empty() || !name.chars().all(valid_char) {
        problems.push(format!("{path}: invalid name"));
    }
    if !seen.insert(name.to_string()) {
        problems.push(format!("{path}: name used twice"));
    }
}

/// "empty" is what tf-provider's `Default` impls put in a description: a placeholder, not text.
fn is_documented(description: &str) -> bool {
    let description = description.trim();
    !description.is_empty() && description != "empty"
}

fn attribute<'a>(block: &'a Block, name: &str) -> Option<&'a Attribute> {
    block.attributes.iter().find(|attr| attr.name == name)
}

fn nested_block<'a>(block: &'a Block, name: &str) -> Option<&'a Block> {
    block
        .block_types
        .iter()
        .find(|nested| nested.type_name == name)?
        .block
        .as_ref()
}

/// The schema with attributes, nested blocks and the keys of object types in name order, at
/// every depth.
fn canonical(mut schema: get_provider_schema::Response) -> get_provider_schema::Response {
    fn sort_attributes(attributes: &mut [Attribute]) {
        attributes.sort_by(|a, b| a.name.cmp(&b.name));
        for attr in attributes {
            if let Ok(mut ty) = serde_json::from_slice::<serde_json::Value>(&attr.r#type) {
                ty.sort_all_objects();
                attr.r#type = ty.to_string().into_bytes();
            }
            if let Some(object) = &mut attr.nested_type {
                sort_attributes(&mut object.attributes);
            }
        }
    }
    fn sort_block(block: &mut Block) {
        sort_attributes(&mut block.attributes);
        block
            .block_types
            .sort_by(|a, b| a.type_name.cmp(&b.type_name));
        for nested in block
            .block_types
            .iter_mut()
            .filter_map(|n| n.block.as_mut())
        {
            sort_block(nested);
        }
    }
    let schemas = schema
        .provider
        .iter_mut()
        .chain(schema.provider_meta.iter_mut());
    let schemas = schemas
        .chain(schema.resource_schemas.values_mut())
        .chain(schema.data_source_schemas.values_mut());
    for block in schemas.filter_map(|s| s.block.as_mut()) {
        sort_block(block);
    }
    // Function parameter and return types are JSON too (an object's keys in any order).
    let sort_type = |ty: &mut Vec<u8>| {
        if let Ok(mut t) = serde_json::from_slice::<serde_json::Value>(ty) {
            t.sort_all_objects();
            *ty = t.to_string().into_bytes();
        }
    };
    for f in schema.functions.values_mut() {
        for p in f
            .parameters
            .iter_mut()
            .chain(f.variadic_parameter.iter_mut())
        {
            sort_type(&mut p.r#type);
        }
        if let Some(r) = &mut f.r#return {
            sort_type(&mut r.r#type);
        }
    }
    schema
}

/// Where two schemas differ, one `path: first | second` line per difference.
fn differences(a: &get_provider_schema::Response, b: &get_provider_schema::Response) -> String {
    let (a, b) = (flatten(a), flatten(b));
    let paths: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
    let lines: Vec<String> = paths
        .into_iter()
        .filter(|path| a.get(*path) != b.get(*path))
        .map(|path| {
            let show = |m: &BTreeMap<String, String>| m.get(path).cloned().unwrap_or("-".into());
            format!("  {path}: {} | {}", show(&a), show(&b))
        })
        .collect();
    if lines.is_empty() {
        "  (same content, different order)".into()
    } else {
        lines.join("\n")
    }
}

/// Every block and attribute by path, with its own fields (children are listed separately).
fn flatten(schema: &get_provider_schema::Response) -> BTreeMap<String, String> {
    fn attribute(out: &mut BTreeMap<String, String>, path: String, attr: &Attribute) {
        let mut own = attr.clone();
        if let Some(object) = &mut own.nested_type {
            for nested in std::mem::take(&mut object.attributes) {
                attribute(out, format!("{path}.{}", nested.name), &nested);
            }
        }
        // The type is JSON: show it as text.
        let ty = String::from_utf8_lossy(&std::mem::take(&mut own.r#type)).into_owned();
        out.insert(path, format!("type {ty} {own:?}"));
    }
    fn block(out: &mut BTreeMap<String, String>, path: String, b: &Block) {
        let mut own = b.clone();
        for attr in std::mem::take(&mut own.attributes) {
            attribute(out, format!("{path}.{}", attr.name), &attr);
        }
        for mut nested in std::mem::take(&mut own.block_types) {
            if let Some(inner) = nested.block.take() {
                block(out, format!("{path}.{}", nested.type_name), &inner);
            }
            out.insert(
                format!("{path}.{} (nesting)", nested.type_name),
                format!("{nested:?}"),
            );
        }
        out.insert(path, format!("{own:?}"));
    }
    let mut out = BTreeMap::new();
    let schemas = [("provider".to_string(), &schema.provider)]
        .into_iter()
        .chain([("provider_meta".to_string(), &schema.provider_meta)]);
    for (path, s) in schemas {
        if let Some(s) = s {
            out.insert(format!("{path} (version)"), s.version.to_string());
            s.block
                .iter()
                .for_each(|b| block(&mut out, path.clone(), b));
        }
    }
    for (kind, map) in [
        ("resource", &schema.resource_schemas),
        ("data", &schema.data_source_schemas),
    ] {
        for (name, s) in map {
            let path = format!("{kind}.{name}");
            out.insert(format!("{path} (version)"), s.version.to_string());
            s.block
                .iter()
                .for_each(|b| block(&mut out, path.clone(), b));
        }
    }
    out.insert("functions".into(), format!("{:?}", schema.functions));
    out.insert(
        "server_capabilities".into(),
        format!("{:?}", schema.server_capabilities),
    );
    out
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

fn errors(diagnostics: &[Diagnostic]) -> impl Iterator<Item = &Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error as i32)
}

fn assert_no_errors(call: &str, diagnostics: &[Diagnostic]) {
    assert!(
        errors(diagnostics).next().is_none(),
        "{call} returned errors:\n{}",
        render(diagnostics)
    );
}

/// The attribute path as Terraform prints it: `assume_role[0].role_arn`, `default_tags["k"]`.
fn path(diagnostic: &Diagnostic) -> String {
    let steps = diagnostic.attribute.iter().flat_map(|p| &p.steps);
    let mut out = String::new();
    for selector in steps.filter_map(|step| step.selector.as_ref()) {
        match selector {
            Selector::AttributeName(name) if out.is_empty() => out.push_str(name),
            Selector::AttributeName(name) => out.push_str(&format!(".{name}")),
            Selector::ElementKeyString(key) => out.push_str(&format!("[{key:?}]")),
            Selector::ElementKeyInt(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// One diagnostic per line. Details are cut short: with `RUST_BACKTRACE` set, tf-provider appends
/// a backtrace to every detail.
fn render(diagnostics: &[Diagnostic]) -> String {
    let lines: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let severity = Severity::try_from(d.severity).map_or("?", |s| s.as_str_name());
            let detail = d.detail.lines().take(3).collect::<Vec<_>>().join(" / ");
            format!("  {severity} at `{}`: {}: {detail}", path(d), d.summary)
        })
        .collect();
    if lines.is_empty() {
        "  (no diagnostics)".into()
    } else {
        lines.join("\n")
    }
}
