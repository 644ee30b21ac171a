//! Validators as small values, in the manner of terraform-plugin-framework's: a resource's
//! validation reads as a list of `attribute: rule` lines. Each check skips a null or unknown
//! value (written once, here), and attaches the attribute path and the one error format
//! (`<path>: <what is wrong>`) every resource shares. Rules are plain functions from the
//! model (`&str -> Result<(), String>`), which name the problem; the path names the place.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use crate::values::attr_error;

/// A rule on one string.
pub type Rule<'r> = &'r dyn Fn(&str) -> Result<(), String>;

/// The checks of one configuration, reporting into `diags`.
pub struct Checks<'d> {
    diags: &'d mut Diagnostics,
}

impl<'d> Checks<'d> {
    pub fn new(diags: &'d mut Diagnostics) -> Self {
        Checks { diags }
    }

    /// `at` must satisfy `rule`, when it is set and known.
    pub fn string(&mut self, at: AttributePath, v: &Value<String>, summary: &str, rule: Rule<'_>) {
        if let Value::Value(s) = v {
            if let Err(e) = rule(s) {
                attr_error(self.diags, at, summary, e);
            }
        }
    }

    /// Every known element of the list or set at `at` must satisfy `rule`.
    pub fn each(
        &mut self,
        at: AttributePath,
        v: &Value<Vec<Value<String>>>,
        summary: &str,
        rule: Rule<'_>,
    ) {
        if let Value::Value(items) = v {
            for s in items.iter().filter_map(Value::as_ref_option) {
                if let Err(e) = rule(s) {
                    attr_error(self.diags, at.clone(), summary, e);
                }
            }
        }
    }

    /// A failure found by other means (a rule across attributes), in the same format.
    pub fn fail(&mut self, at: AttributePath, summary: &str, detail: impl Into<String>) {
        attr_error(self.diags, at, summary, detail);
    }

    /// Back to the diagnostics, for checks that do not fit a rule on one value.
    pub fn into_diags(self) -> &'d mut Diagnostics {
        self.diags
    }

    pub fn has_errors(&self) -> bool {
        !self.diags.errors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(s: &str) -> Result<(), String> {
        if s.len() <= 3 {
            Ok(())
        } else {
            Err(format!("{s:?} is longer than 3 characters"))
        }
    }

    #[test]
    fn null_and_unknown_are_skipped_and_paths_attached() {
        let mut diags = Diagnostics::default();
        let mut c = Checks::new(&mut diags);
        c.string(AttributePath::new("a"), &Value::Null, "Bad", &short);
        c.string(AttributePath::new("a"), &Value::Unknown, "Bad", &short);
        c.string(
            AttributePath::new("a"),
            &Value::Value("ok".into()),
            "Bad",
            &short,
        );
        assert!(!c.has_errors());
        c.string(
            AttributePath::new("a"),
            &Value::Value("long".into()),
            "Bad",
            &short,
        );
        c.each(
            AttributePath::new("list"),
            &Value::Value(vec![
                Value::Value("x".into()),
                Value::Unknown,
                Value::Null,
                Value::Value("toolong".into()),
            ]),
            "Bad element",
            &short,
        );
        assert_eq!(diags.errors.len(), 2);
        assert!(
            diags.errors[0].detail.starts_with("a: "),
            "{:?}",
            diags.errors[0].detail
        );
        assert!(diags.errors[1].detail.contains("\"toolong\""));
        assert_eq!(diags.errors[1].summary, "Bad element");
    }
}
