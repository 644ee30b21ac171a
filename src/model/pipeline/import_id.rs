//! The import ID (also the resource's `id`): every child's name in one string.

use super::*;

/// The names an import ID carries. See [`import_id`] for the format.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportId {
    pub name: String,
    pub environment: Option<String>,
    pub role: Option<String>,
    pub database: Option<String>,
    pub buckets: BTreeMap<BucketRole, String>,
    pub adopted: BTreeSet<BucketRole>,
}

/// `name=<pipeline>[,environment=<env>],role=<role>,database=<db>,data_bucket=<b>,
/// assets_bucket=<b>,analysis_bucket=<b>[,adopted=<block>+<block>]`: every child's name,
/// and which buckets are adopted (`create = false`). This is also the resource's `id`.
pub fn import_id(s: &Settings) -> String {
    let mut parts = vec![format!("name={}", s.name)];
    if let Some(e) = &s.environment {
        parts.push(format!("environment={e}"));
    }
    parts.push(format!("role={}", role_name(s)));
    parts.push(format!("database={}", database_name(s)));
    let mut adopted = Vec::new();
    for role in BucketRole::ALL {
        parts.push(format!("{}={}", role.block(), bucket_name(s, role)));
        if s.bucket(role).create == Some(false) {
            adopted.push(role.block());
        }
    }
    if !adopted.is_empty() {
        parts.push(format!("adopted={}", adopted.join("+")));
    }
    parts.join(",")
}

pub fn parse_import_id(id: &str) -> Result<ImportId, String> {
    let mut out = ImportId::default();
    let mut name = None;
    for part in id.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not key=value"))?;
        let v = v.trim().to_string();
        match k.trim() {
            "name" => name = Some(v),
            "environment" => out.environment = Some(v),
            "role" => out.role = Some(v),
            "database" => out.database = Some(v),
            "adopted" => {
                for b in v.split('+') {
                    let role = BucketRole::ALL
                        .into_iter()
                        .find(|r| r.block() == b)
                        .ok_or_else(|| format!("adopted: {b:?} is not data_bucket, assets_bucket or analysis_bucket"))?;
                    out.adopted.insert(role);
                }
            }
            other => {
                let role = BucketRole::ALL
                    .into_iter()
                    .find(|r| r.block() == other)
                    .ok_or_else(|| format!("unknown key {other:?}"))?;
                out.buckets.insert(role, v);
            }
        }
    }
    out.name = name.ok_or("the ID must include name=<pipeline name>")?;
    Ok(out)
}

impl ImportId {
    /// The settings the ID names (everything else at its default).
    pub fn settings(&self) -> Settings {
        let bucket = |role: BucketRole| BucketSettings {
            name: self.buckets.get(&role).cloned(),
            create: Some(!self.adopted.contains(&role)),
            ..Default::default()
        };
        Settings {
            name: self.name.clone(),
            environment: self.environment.clone(),
            database_name: self.database.clone(),
            role_name: self.role.clone(),
            data: bucket(BucketRole::Data),
            assets: bucket(BucketRole::Assets),
            analysis: bucket(BucketRole::Analysis),
            ..Default::default()
        }
    }
}
