//! A job's Git connection (Glue's `SourceControlDetails`): where Glue Studio pushes and
//! pulls the job's script. The provider sends it whole on every create and update, since
//! UpdateJob resets what it is not sent.
//!
//! Secrets: `AuthToken` is a personal access token under `PERSONAL_ACCESS_TOKEN`, and the
//! name or ARN of a Secrets Manager secret under `AWS_SECRETS_MANAGER`. Terraform keeps
//! every attribute in state and shows it in plans, so only the second is accepted; a token
//! Glue reports (a job set up elsewhere) is never read into state. Limits are the
//! SourceControlDetails structure's: each string 1 to 512 bytes.

pub const PROVIDERS: [&str; 4] = ["GITHUB", "GITLAB", "BITBUCKET", "AWS_CODE_COMMIT"];
pub const PERSONAL_ACCESS_TOKEN: &str = "PERSONAL_ACCESS_TOKEN";
pub const SECRETS_MANAGER: &str = "AWS_SECRETS_MANAGER";
pub const MAX_LEN: usize = 512;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceControl {
    pub provider: Option<String>,
    pub repository: Option<String>,
    pub owner: Option<String>,
    pub branch: Option<String>,
    pub folder: Option<String>,
    pub last_commit_id: Option<String>,
    pub auth_strategy: Option<String>,
    /// A Secrets Manager secret's name or ARN (never a token: see the module doc). In an
    /// observed job, whatever Glue answered, compared but never stored.
    pub auth_token: Option<String>,
}

impl SourceControl {
    /// What may be kept in state of what Glue reports: everything but a personal access
    /// token (or a token under a strategy Glue does not name).
    pub fn storable(&self) -> SourceControl {
        SourceControl {
            auth_token: self
                .auth_token
                .clone()
                .filter(|_| self.auth_strategy.as_deref() == Some(SECRETS_MANAGER)),
            ..self.clone()
        }
    }
}

/// `provider`: one of Glue's Git providers.
pub fn check_provider(v: &str) -> Result<(), String> {
    if PROVIDERS.contains(&v) {
        Ok(())
    } else {
        Err(format!(
            "{v:?} is not a Glue source control provider; use one of {}",
            PROVIDERS.join(", ")
        ))
    }
}

/// `auth_strategy`: only AWS_SECRETS_MANAGER, since a personal access token would be in
/// state and plans.
pub fn check_auth_strategy(v: &str) -> Result<(), String> {
    match v {
        SECRETS_MANAGER => Ok(()),
        PERSONAL_ACCESS_TOKEN => Err("PERSONAL_ACCESS_TOKEN would put the token in Terraform's state and plans; store the token in AWS Secrets Manager and set auth_strategy = \"AWS_SECRETS_MANAGER\" with auth_token = the secret's name or ARN".into()),
        other => Err(format!(
            "{other:?} is not a Glue source control auth strategy; use AWS_SECRETS_MANAGER"
        )),
    }
}

/// Each string field: 1 to 512 bytes.
pub fn check_text(v: &str) -> Result<(), String> {
    if v.is_empty() || v.len() > MAX_LEN {
        Err(format!("must be 1 to {MAX_LEN} bytes, not {}", v.len()))
    } else {
        Ok(())
    }
}

/// The whole block: `auth_token` only with AWS_SECRETS_MANAGER, and that strategy only
/// with a secret to name. Returns (field, message).
pub fn check_combination(s: &SourceControl) -> Result<(), (&'static str, String)> {
    match (s.auth_strategy.as_deref(), s.auth_token.is_some()) {
        (Some(SECRETS_MANAGER), false) => Err((
            "auth_token",
            "auth_strategy AWS_SECRETS_MANAGER needs auth_token: the name or ARN of the secret that holds the token".into(),
        )),
        (None, true) => Err((
            "auth_strategy",
            "auth_token names a Secrets Manager secret: set auth_strategy = \"AWS_SECRETS_MANAGER\"".into(),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_never_stored_and_only_secrets_are_accepted() {
        let pat = SourceControl {
            provider: Some("GITHUB".into()),
            auth_strategy: Some(PERSONAL_ACCESS_TOKEN.into()),
            auth_token: Some("ghp_secret".into()),
            ..Default::default()
        };
        assert_eq!(pat.storable().auth_token, None);
        assert_eq!(pat.storable().provider.as_deref(), Some("GITHUB"));
        let secret = SourceControl {
            auth_strategy: Some(SECRETS_MANAGER.into()),
            auth_token: Some("git/token".into()),
            ..Default::default()
        };
        assert_eq!(secret.storable(), secret);
        let no_strategy = SourceControl {
            auth_token: Some("t".into()),
            ..Default::default()
        };
        assert_eq!(no_strategy.storable().auth_token, None);

        assert!(check_auth_strategy(SECRETS_MANAGER).is_ok());
        assert!(check_auth_strategy(PERSONAL_ACCESS_TOKEN)
            .unwrap_err()
            .contains("Secrets Manager"));
        assert!(check_provider("GITLAB").is_ok());
        assert!(check_provider("github").is_err());
        assert!(check_text("main").is_ok());
        assert!(check_text("").is_err());
        assert!(check_text(&"x".repeat(513)).is_err());
        assert_eq!(check_combination(&secret), Ok(()));
        assert_eq!(
            check_combination(&SourceControl {
                auth_token: None,
                ..secret.clone()
            })
            .unwrap_err()
            .0,
            "auth_token"
        );
        assert_eq!(
            check_combination(&no_strategy).unwrap_err().0,
            "auth_strategy"
        );
    }
}
