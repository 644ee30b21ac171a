//! Offline checks for literal configuration values, shared by every resource and the
//! provider block. Each returns a message that completes "must ..." style sentences, and the
//! caller attaches the attribute path.

use std::time::Duration;

/// `http(s)://host[:port][/path]`, as endpoint overrides need.
pub fn endpoint_url(value: &str) -> Result<(), String> {
    let parsed = url::Url::parse(value).map_err(|e| format!("is not a valid URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("must use http or https, not {:?}", parsed.scheme()));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("must include a host".into());
    }
    // Endpoints are logged and shown in plans; credentials belong in the AWS chain.
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not contain a user name or password".into());
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
    // Anything beyond a day is out of every range we check; refusing it here also keeps
    // `Duration::from_secs_f64` from panicking on huge or infinite values.
    if !total.is_finite() || total > 86_400.0 {
        return Err(format!("{value:?} is longer than a day"));
    }
    Ok(Duration::from_secs_f64(total))
}

/// A Glue object name (job, crawler, trigger): 1 to `max` characters on one line, with no
/// leading or trailing spaces (AWS's single-line string pattern).
pub fn glue_name(value: &str, max: usize) -> Result<(), String> {
    let n = value.chars().count();
    if n == 0 || n > max {
        return Err(format!(
            "{value:?} must be 1 to {max} characters (it has {n})"
        ));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(format!(
            "{value:?} must not contain control characters or line breaks"
        ));
    }
    if value.trim() != value {
        return Err(format!("{value:?} must not start or end with whitespace"));
    }
    Ok(())
}

/// An S3 bucket name under AWS's general-purpose rules: 3 to 63 lowercase letters, digits,
/// dots and hyphens, starting and ending with a letter or digit, not an IP address.
pub fn bucket_name(value: &str) -> Result<(), String> {
    let ok_chars = value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let edges = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let why = if !(3..=63).contains(&value.len()) {
        "must be 3 to 63 characters"
    } else if !ok_chars {
        "may contain only lowercase letters, digits, dots and hyphens"
    } else if !edges(value.as_bytes().first()) || !edges(value.as_bytes().last()) {
        "must start and end with a letter or digit"
    } else if value.contains("..") || value.contains(".-") || value.contains("-.") {
        "must not contain \"..\", \".-\" or \"-.\""
    } else if value.parse::<std::net::Ipv4Addr>().is_ok() {
        "must not be an IP address"
    } else if value.starts_with("xn--")
        || value.starts_with("sthree-")
        || value.ends_with("-s3alias")
        || value.ends_with("--ol-s3")
    {
        "uses a prefix or suffix AWS reserves"
    } else {
        return Ok(());
    };
    Err(format!("bucket name {value:?} {why}"))
}

/// An `s3://bucket/key` URI. `require_key` asks for a non-empty key (an object, a prefix).
/// Returns (bucket, key).
pub fn s3_uri(value: &str, require_key: bool) -> Result<(String, String), String> {
    let rest = value
        .strip_prefix("s3://")
        .ok_or_else(|| format!("{value:?} is not an S3 URI (s3://bucket/key)"))?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    bucket_name(bucket).map_err(|e| format!("{value:?}: {e}"))?;
    if require_key && key.is_empty() {
        return Err(format!(
            "{value:?} names a bucket but no key (s3://bucket/key)"
        ));
    }
    if key.contains("//") {
        return Err(format!("{value:?} has an empty path segment (\"//\")"));
    }
    Ok((bucket.to_string(), key.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls() {
        assert!(endpoint_url("http://127.0.0.1:4566").is_ok());
        assert!(endpoint_url("https://glue.us-east-1.amazonaws.com/").is_ok());
        for bad in [
            "not a url::",
            "127.0.0.1:4566",
            "ftp://x",
            "http://",
            "",
            "http://user:secret@127.0.0.1:4566",
        ] {
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
        for bad in [
            "",
            "1",
            "h",
            "1d",
            "1h-",
            "abc",
            "99999999999999999999h",
            "25h",
        ] {
            assert!(go_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn glue_names() {
        assert!(glue_name("etl-omc-flywheel-prod-addressable-ids-compaction", 255).is_ok());
        assert!(glue_name(&"x".repeat(255), 255).is_ok());
        for bad in ["", " lead", "trail ", "two\nlines"] {
            assert!(glue_name(bad, 255).is_err(), "{bad:?}");
        }
        assert!(glue_name(&"x".repeat(256), 255).is_err());
    }

    #[test]
    fn bucket_names() {
        for ok in [
            "omc-flywheel-data-us-east-1-prod",
            "aws-glue-assets-239083076653-us-east-1",
            "a.b-c",
        ] {
            assert!(bucket_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "ab",
            "Upper",
            "under_score",
            "-lead",
            "trail-",
            "a..b",
            "192.168.1.1",
            "xn--abc",
            &"a".repeat(64),
        ] {
            assert!(bucket_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn s3_uris() {
        assert_eq!(
            s3_uri("s3://omc-flywheel-data-us-east-1-prod/opus/x/", true).unwrap(),
            ("omc-flywheel-data-us-east-1-prod".into(), "opus/x/".into())
        );
        assert!(s3_uri("s3://bucket-name", false).is_ok());
        for bad in [
            "https://b/k",
            "s3://bucket-name",
            "s3://B/k",
            "s3://bucket-name/a//b",
            "bucket/key",
        ] {
            assert!(s3_uri(bad, true).is_err(), "{bad}");
        }
    }
}
