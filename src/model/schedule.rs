//! Schedules for Glue triggers and crawlers: AWS's 6-field `cron(...)`, plus `rate(...)`
//! as EventBridge writes it. Glue itself only takes cron, so a rate is translated to the
//! equivalent cron expression; rates with no exact cron equivalent are rejected offline.

/// A validated schedule and the cron expression Glue will be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// What the user wrote, trimmed.
    pub expression: String,
    /// `cron(...)` as Glue takes it.
    pub glue_cron: String,
}

pub fn parse(expr: &str) -> Result<Schedule, String> {
    let expr = expr.trim();
    let glue_cron = if let Some(body) = inner(expr, "cron") {
        check_cron(body)?;
        format!(
            "cron({})",
            body.split_whitespace().collect::<Vec<_>>().join(" ")
        )
    } else if let Some(body) = inner(expr, "rate") {
        rate_to_cron(body)?
    } else {
        return Err(format!(
            "{expr:?} is not a schedule: use cron(Minutes Hours Day-of-month Month Day-of-week Year), for example \"cron(0 3 * * ? *)\", or rate(N unit) such as \"rate(6 hours)\""
        ));
    };
    Ok(Schedule {
        expression: expr.to_string(),
        glue_cron,
    })
}

/// Two schedules are the same when they send Glue the same cron (so `rate(1 hour)` in
/// configuration and `cron(0 * * * ? *)` from AWS are no diff).
pub fn equivalent(a: &str, b: &str) -> bool {
    match (parse(a), parse(b)) {
        (Ok(a), Ok(b)) => a.glue_cron == b.glue_cron,
        _ => a.trim() == b.trim(),
    }
}

/// The most runs a schedule starts in one day (on a day it fires at all): the minutes times
/// the hours of the Glue cron it is sent as (a rate is translated first). `None` for a
/// schedule that does not parse. Days of the month and week only pick which days fire, so
/// they never raise the count; the cost arithmetic (`model::cost`) takes this as a bound.
pub fn max_runs_per_day(expr: &str) -> Option<u32> {
    let s = parse(expr).ok()?;
    let body = inner(&s.glue_cron, "cron")?;
    let mut fields = body.split_whitespace();
    let minutes = distinct_values(fields.next()?, (0, 59))?;
    let hours = distinct_values(fields.next()?, (0, 23))?;
    Some(minutes * hours)
}

/// How many distinct values a (validated) minutes or hours field takes: lists of `*`,
/// `a`, `a-b`, each with an optional `/step` (`a/step` runs from `a` to the field's end).
fn distinct_values(field: &str, (lo, hi): (u32, u32)) -> Option<u32> {
    let mut hit = vec![false; (hi + 1) as usize];
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (part, 1),
        };
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (a.parse().ok()?, b.parse().ok()?)
        } else {
            let a: u32 = range.parse().ok()?;
            (a, if part.contains('/') { hi } else { a })
        };
        // A range that wraps (22-2) is read as both ends, which can only over-count.
        let spans = if a <= b {
            vec![(a, b)]
        } else {
            vec![(a, hi), (lo, b)]
        };
        for (from, to) in spans {
            for v in (from..=to.min(hi)).step_by(step as usize) {
                hit[v as usize] = true;
            }
        }
    }
    Some(hit.iter().filter(|h| **h).count() as u32)
}

fn inner<'a>(expr: &'a str, func: &str) -> Option<&'a str> {
    expr.strip_prefix(func)?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')
        .map(str::trim)
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn check_cron(body: &str) -> Result<(), String> {
    let fields: Vec<&str> = body.split_whitespace().collect();
    if fields.len() != 6 {
        return Err(format!(
            "cron({body}) has {} fields; AWS cron has 6: Minutes Hours Day-of-month Month Day-of-week Year, for example cron(0 3 * * ? *)",
            fields.len()
        ));
    }
    let names = [
        "Minutes",
        "Hours",
        "Day-of-month",
        "Month",
        "Day-of-week",
        "Year",
    ];
    let ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (1, 7), (1970, 2199)];
    for (i, field) in fields.iter().enumerate() {
        check_field(field, i, ranges[i])
            .map_err(|why| format!("cron({body}): {} field {field:?} {why}", names[i]))?;
    }
    let (dom, dow) = (fields[2], fields[4]);
    if (dom == "?") == (dow == "?") {
        return Err(format!(
            "cron({body}): exactly one of Day-of-month and Day-of-week must be \"?\" (AWS cron), for example cron(0 3 * * ? *)"
        ));
    }
    Ok(())
}

fn check_field(field: &str, index: usize, (lo, hi): (u32, u32)) -> Result<(), String> {
    if field == "?" {
        return if index == 2 || index == 4 {
            Ok(())
        } else {
            Err("cannot be \"?\"".into())
        };
    }
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        if let Some(step) = step {
            let n: u32 = step
                .parse()
                .map_err(|_| format!("has a bad step {step:?}"))?;
            if n == 0 || n > hi {
                return Err(format!("has a step {n} outside 1-{hi}"));
            }
        }
        if range == "*" {
            continue;
        }
        // Day-of-month `L`, `W` and day-of-week `L`, `#` forms.
        if index == 2 && (range == "L" || range.ends_with('W')) {
            let d = range.trim_end_matches('W');
            if range == "L" || value(d, index).is_some_and(|v| (1..=31).contains(&v)) {
                continue;
            }
        }
        if index == 4 {
            if let Some((d, nth)) = range.split_once('#') {
                if value(d, index).is_some_and(|v| (1..=7).contains(&v))
                    && matches!(nth, "1" | "2" | "3" | "4" | "5")
                {
                    continue;
                }
                return Err("has a bad day#week form (use e.g. 2#1 or MON#1)".into());
            }
            if let Some(d) = range.strip_suffix('L') {
                if d.is_empty() || value(d, index).is_some() {
                    continue;
                }
            }
        }
        let (a, b) = match range.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (range, None),
        };
        for v in std::iter::once(a).chain(b) {
            match value(v, index) {
                Some(n) if (lo..=hi).contains(&n) => {}
                _ => return Err(format!("has {v:?}, outside {lo}-{hi}")),
            }
        }
    }
    Ok(())
}

/// A number, or a month/day name where the field takes names.
fn value(v: &str, index: usize) -> Option<u32> {
    if let Ok(n) = v.parse() {
        return Some(n);
    }
    let up = v.to_ascii_uppercase();
    match index {
        3 => MONTHS.iter().position(|m| *m == up).map(|i| i as u32 + 1),
        4 => DAYS.iter().position(|d| *d == up).map(|i| i as u32 + 1),
        _ => None,
    }
}

fn rate_to_cron(body: &str) -> Result<String, String> {
    let bad = || {
        format!("rate({body}) is not a rate: use rate(N minutes|hours|days), e.g. rate(6 hours)")
    };
    let mut it = body.split_whitespace();
    let (n, unit) = match (it.next(), it.next(), it.next()) {
        (Some(n), Some(unit), None) => (n, unit),
        _ => return Err(bad()),
    };
    let n: u32 = n.parse().map_err(|_| bad())?;
    if n == 0 {
        return Err(bad());
    }
    let singular = unit.trim_end_matches('s');
    if (n == 1) != (unit == singular) {
        return Err(format!(
            "rate({body}): use the singular unit for 1 and the plural otherwise (rate(1 hour), rate(2 hours))"
        ));
    }
    let no_cron = |period: &str| {
        format!("rate({body}) has no exact Glue cron equivalent: Glue schedules are cron expressions, so the {period} must divide evenly (write cron(...) instead)")
    };
    let minutes = match singular {
        "minute" => n,
        "hour" => n.saturating_mul(60),
        "day" => n.saturating_mul(24 * 60),
        _ => return Err(bad()),
    };
    // Render by the period, not the unit written: a step must stay below its field's range
    // (`0/60` minutes and `0/24` hours are not valid cron), so rate(60 minutes) is hourly.
    match minutes {
        1 => Ok("cron(* * * * ? *)".into()),
        m if m < 60 && 60 % m == 0 => Ok(format!("cron(0/{m} * * * ? *)")),
        60 => Ok("cron(0 * * * ? *)".into()),
        m if m < 24 * 60 && m % 60 == 0 && 24 % (m / 60) == 0 => {
            Ok(format!("cron(0 0/{} * * ? *)", m / 60))
        }
        1440 => Ok("cron(0 0 * * ? *)".into()),
        _ => Err(no_cron(match singular {
            "minute" => "minutes",
            "hour" => "hours",
            _ => "days (only rate(1 day))",
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_schedules() {
        for (expr, cron) in [
            ("cron(0 3 * * ? *)", "cron(0 3 * * ? *)"),
            ("cron( 0  3 * * ? * )", "cron(0 3 * * ? *)"),
            ("cron(15 12 ? * MON-FRI *)", "cron(15 12 ? * MON-FRI *)"),
            ("cron(0/15 * * * ? *)", "cron(0/15 * * * ? *)"),
            ("cron(0 8 L * ? *)", "cron(0 8 L * ? *)"),
            ("cron(0 8 ? * 6L 2026)", "cron(0 8 ? * 6L 2026)"),
            ("cron(0 8 ? * MON#1 *)", "cron(0 8 ? * MON#1 *)"),
            ("cron(0 8 15W JAN,JUL ? *)", "cron(0 8 15W JAN,JUL ? *)"),
            ("rate(1 hour)", "cron(0 * * * ? *)"),
            ("rate(6 hours)", "cron(0 0/6 * * ? *)"),
            ("rate(15 minutes)", "cron(0/15 * * * ? *)"),
            ("rate(1 day)", "cron(0 0 * * ? *)"),
            // Found by fuzz::parsed_schedules_are_stable: these rendered `0/60` and `0/24`.
            ("rate(60 minutes)", "cron(0 * * * ? *)"),
            ("rate(24 hours)", "cron(0 0 * * ? *)"),
            ("rate(120 minutes)", "cron(0 0/2 * * ? *)"),
        ] {
            assert_eq!(
                parse(expr).map(|s| s.glue_cron),
                Ok(cron.to_string()),
                "{expr}"
            );
        }
    }

    #[test]
    fn invalid_schedules_say_why() {
        for (expr, needle) in [
            ("0 3 * * *", "not a schedule"),
            ("cron(0 3 * * *)", "5 fields"),
            ("cron(0 3 * * * *)", "exactly one"),
            ("cron(0 3 ? * ? *)", "exactly one"),
            ("cron(60 3 * * ? *)", "Minutes"),
            ("cron(0 24 * * ? *)", "Hours"),
            ("cron(0 3 * 13 ? *)", "Month"),
            ("cron(0 3 ? * FUNDAY *)", "Day-of-week"),
            ("cron(0/0 3 * * ? *)", "step"),
            ("cron(? 3 * * ? *)", "cannot be"),
            ("rate(1 hours)", "singular"),
            ("rate(2 hour)", "singular"),
            ("rate(7 minutes)", "no exact"),
            ("rate(2 days)", "no exact"),
            ("rate(90 minutes)", "no exact"),
            ("rate(48 hours)", "no exact"),
            ("rate(0 minutes)", "not a rate"),
            ("rate(5 weeks)", "not a rate"),
        ] {
            let err = parse(expr).unwrap_err();
            assert!(err.contains(needle), "{expr}: {err}");
        }
    }

    #[test]
    fn runs_per_day() {
        for (expr, runs) in [
            ("cron(0 3 * * ? *)", 1),
            ("cron(15 12 ? * MON-FRI *)", 1),
            ("cron(0/15 * * * ? *)", 96),
            ("cron(0,30 8-17 * * ? *)", 20),
            ("cron(5/20 0/6 * * ? *)", 12),
            ("cron(* * * * ? *)", 1440),
            ("cron(0 8 L * ? *)", 1),
            ("cron(0 8 ? * MON#1 *)", 1),
            ("cron(0 0,12,12 * * ? *)", 2),
            ("rate(1 hour)", 24),
            ("rate(6 hours)", 4),
            ("rate(15 minutes)", 96),
            ("rate(1 day)", 1),
        ] {
            assert_eq!(max_runs_per_day(expr), Some(runs), "{expr}");
        }
        assert_eq!(max_runs_per_day("cron(0 3 * * *)"), None);
        assert_eq!(max_runs_per_day("weekly"), None);
    }

    #[test]
    fn equivalence() {
        assert!(equivalent("rate(1 hour)", "cron(0 * * * ? *)"));
        assert!(equivalent("cron(0 3 * * ? *)", "cron(0  3 * * ? *)"));
        assert!(!equivalent("cron(0 3 * * ? *)", "cron(0 4 * * ? *)"));
    }
}
