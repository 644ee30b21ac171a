//! Offline checks for literal configuration values, shared by every resource and the
//! provider block. Each returns a message that completes "must ..." style sentences, and the
//! caller attaches the attribute path.

use std::time::Duration;

/// `http(s)://host[:port][/path]`, as endpoint overrides need.
pub fn endpoint_url(value: &str) -> Result<(), String> {
    let parsed = url::Url::parse(value).map_err(|e| format!("is not a valid URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "must use http or https, not {:?}",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("must include a host".into());
    }
    Ok(())
}

/// An AWS account ID: exactly 12 digits.
pub fn account_id(value: &str) -> Result<(), String> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("{value:?} is not an AWS account ID (12 digits)"))
    }
}

/// An IAM role ARN: `arn:<partition>:iam::<account>:role/<path/name>`.
pub fn role_arn(value: &str) -> Result<(), String> {
    let err = || format!("{value:?} is not an IAM role ARN (arn:aws:iam::123456789012:role/name)");
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || !parts[1].starts_with("aws") || parts[2] != "iam" {
        return Err(err());
    }
    if !parts[3].is_empty() || account_id(parts[4]).is_err() {
        return Err(err());
    }
    match parts[5].strip_prefix("role/") {
        Some(name) if !name.is_empty() && !name.ends_with('/') => Ok(()),
        _ => Err(err()),
    }
}

/// A Go-style duration as terraform-provider-aws takes it: `1h`, `15m`, `1h30m`, `900s`.
pub fn go_duration(value: &str) -> Result<Duration, String> {
    let err = || format!("{value:?} is not a duration such as \"1h\", \"15m\" or \"1h30m\"");
    if value.is_empty() {
        return Err(err());
    }
    let mut total = 0f64;
    let mut rest = value;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(err)?;
        let (num, tail) = rest.split_at(num_len);
        let n: f64 = num.parse().map_err(|_| err())?;
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let secs = match unit {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return Err(err()),
        };
        total += n * secs;
        rest = tail;
    }
    Ok(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls() {
        assert!(endpoint_url("http://127.0.0.1:4566").is_ok());
        assert!(endpoint_url("https://glue.us-east-1.amazonaws.com/").is_ok());
        for bad in ["not a url::", "127.0.0.1:4566", "ftp://x", "http://", ""] {
            assert!(endpoint_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn account_ids() {
        assert!(account_id("239083076653").is_ok());
        for bad in ["23908307665", "2390830766531", "23908307665a", ""] {
            assert!(account_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn role_arns() {
        assert!(role_arn("arn:aws:iam::239083076653:role/omc_flywheel-prod-glue-role").is_ok());
        assert!(role_arn("arn:aws-cn:iam::239083076653:role/path/name").is_ok());
        for bad in [
            "omc_flywheel-prod-glue-role",
            "arn:aws:iam::239083076653:user/x",
            "arn:aws:iam::123:role/x",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::239083076653:role/",
        ] {
            assert!(role_arn(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(go_duration("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(go_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(go_duration("900s").unwrap(), Duration::from_secs(900));
        assert_eq!(go_duration("1.5h").unwrap(), Duration::from_secs(5400));
        for bad in ["", "1", "h", "1d", "1h-", "abc"] {
            assert!(go_duration(bad).is_err(), "{bad}");
        }
    }
}
