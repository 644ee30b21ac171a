//! What an apply does about a crawler that is running when it must be changed or deleted.
//! Glue refuses UpdateCrawler and DeleteCrawler while a crawl runs or is stopping, so the
//! apply waits for the run to end, up to a limit, after stopping it when asked. Pure: the
//! policy, its default, its checks and the polling cadence; `aws::glue::crawler_runs`
//! carries it out.

use std::time::Duration;

/// `running_crawler_timeout` when unset (documented as `30m`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What to do when Glue refuses a change because the crawler is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WhenRunning {
    /// How long one change may wait for the run to end (or, after a stop, to stop).
    pub timeout: Duration,
    /// Stop the run first (StopCrawler) rather than let it finish.
    pub stop: bool,
}

impl Default for WhenRunning {
    fn default() -> Self {
        WhenRunning {
            timeout: DEFAULT_TIMEOUT,
            stop: false,
        }
    }
}

impl WhenRunning {
    /// The policy from the two settings (`None`: unset). A timeout that does not parse
    /// never gets here (validation rejects it); the default stands in for one that does.
    pub fn from_settings(timeout: Option<&str>, stop: Option<bool>) -> Self {
        WhenRunning {
            timeout: timeout
                .and_then(|t| parse_timeout(t).ok())
                .unwrap_or(DEFAULT_TIMEOUT),
            stop: stop.unwrap_or(false),
        }
    }
}

/// `running_crawler_timeout`: a duration such as `30m`, `1h` or `90s`, up to a day. `0s`
/// means not to wait: a running crawler fails the apply at once.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    crate::validate::go_duration(s)
}

pub fn check_timeout(s: &str) -> Result<(), String> {
    parse_timeout(s).map(|_| ())
}

/// The crawler states in which Glue refuses to update or delete it (GetCrawler `State`:
/// `READY`, `RUNNING` or `STOPPING`).
pub fn is_busy(state: &str) -> bool {
    matches!(state, "RUNNING" | "STOPPING")
}

/// The pause before poll number `n` (1-based) of the crawler's state: short at first, as
/// most waits are for a run about to end, then every 10 seconds (180 GetCrawler calls in
/// 30 minutes).
pub fn poll_interval(n: u32) -> Duration {
    Duration::from_secs(match n {
        0 | 1 => 1,
        2 => 2,
        3 => 4,
        4 => 8,
        _ => 10,
    })
}

/// A duration as the log and diagnostics show it: `45s`, `3m20s`, `1h0m0s`.
pub fn show(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_become_a_policy() {
        assert_eq!(
            WhenRunning::from_settings(None, None),
            WhenRunning::default()
        );
        assert_eq!(WhenRunning::default().timeout, Duration::from_secs(1800));
        assert_eq!(
            parse_timeout("30m").unwrap(),
            DEFAULT_TIMEOUT,
            "the documented default is the one used"
        );
        let p = WhenRunning::from_settings(Some("1h30m"), Some(true));
        assert_eq!(p.timeout, Duration::from_secs(5400));
        assert!(p.stop);
        assert_eq!(
            WhenRunning::from_settings(Some("0s"), None).timeout,
            Duration::ZERO
        );
    }

    #[test]
    fn timeouts_are_checked() {
        for ok in ["30m", "1h", "90s", "0s", "24h"] {
            assert_eq!(check_timeout(ok), Ok(()), "{ok}");
        }
        for (bad, words) in [
            ("30", "not a duration"),
            ("thirty minutes", "not a duration"),
            ("", "not a duration"),
            ("-5m", "not a duration"),
            ("25h", "longer than a day"),
        ] {
            let e = check_timeout(bad).expect_err(bad);
            assert!(e.contains(words), "{bad}: {e}");
        }
    }

    #[test]
    fn busy_states_and_polling() {
        assert!(is_busy("RUNNING") && is_busy("STOPPING"));
        assert!(!is_busy("READY") && !is_busy(""));
        let waits: Vec<u64> = (1..=7).map(|n| poll_interval(n).as_secs()).collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 10, 10, 10]);
        assert_eq!(show(Duration::from_secs(45)), "45s");
        assert_eq!(show(Duration::from_secs(200)), "3m20s");
        assert_eq!(show(Duration::from_secs(3600)), "1h0m0s");
    }
}
