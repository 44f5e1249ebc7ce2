//! The effort model: what each effort class costs, in person-hours.

use crate::diagnostic::{DataFile, PackError};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A three-point estimate in person-hours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    /// Optimistic.
    pub low: f64,
    /// Most likely.
    pub likely: f64,
    /// Pessimistic.
    pub high: f64,
}

impl Hours {
    /// The PERT mean, `(low + 4·likely + high) / 6`.
    pub fn expected(self) -> f64 {
        (self.low + 4.0 * self.likely + self.high) / 6.0
    }

    /// This estimate times `n`.
    pub fn times(self, n: f64) -> Hours {
        Hours {
            low: self.low * n,
            likely: self.likely * n,
            high: self.high * n,
        }
    }
}

impl std::ops::Add for Hours {
    type Output = Hours;
    fn add(self, o: Hours) -> Hours {
        Hours {
            low: self.low + o.low,
            likely: self.likely + o.likely,
            high: self.high + o.high,
        }
    }
}

impl std::ops::AddAssign for Hours {
    fn add_assign(&mut self, o: Hours) {
        *self = *self + o;
    }
}

/// What one effort class costs.
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct EffortClass {
    /// What kind of change the class stands for.
    pub description: String,
    /// One-off cost per distinct API: learning it and porting it once.
    pub per_api: Hours,
    /// Cost per site: editing and testing each place.
    pub per_site: Hours,
    /// Cost per line of a sized construct (a kernel's body), on top.
    #[serde(default)]
    pub per_line: Hours,
    /// `per_api` is paid once per rule, not per distinct API: the rule
    /// stands for one library swapped as a whole (its build for the
    /// target keeps the API), however many of its names the code uses.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub once_per_rule: bool,
}

impl EffortClass {
    /// What breaks `0 <= low <= likely <= high` in the class called `name`,
    /// one message per range (`per_api`, `per_site`, `per_line`).
    pub fn range_problems<'a>(&'a self, name: &'a str) -> impl Iterator<Item = String> + 'a {
        [
            ("per_api", self.per_api),
            ("per_site", self.per_site),
            ("per_line", self.per_line),
        ]
        .into_iter()
        .filter(|(_, h)| !(0.0 <= h.low && h.low <= h.likely && h.likely <= h.high))
        .map(move |(what, _)| {
            format!("effort class `{name}`: {what} must have 0 <= low <= likely <= high")
        })
    }
}

/// Every effort class, by name, and the most each kind of change costs.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct EffortModel {
    /// Classes by name, sorted.
    pub classes: BTreeMap<String, EffortClass>,
    /// The dearest class a change of each kind is priced with, by kind
    /// ([`CHANGE_KINDS`]): a rule's class above it is lowered to it.
    pub ceilings: BTreeMap<String, String>,
}

/// The kinds of change a ceiling can name, as [`crate::Matcher::change_kind`]
/// tells them apart.
pub const CHANGE_KINDS: &[&str] = &[
    "env",
    "setting",
    "command",
    "image",
    "resource",
    "intrinsic",
    "constant",
    "api",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEffort {
    class: BTreeMap<String, Spanned<EffortClass>>,
    #[serde(default)]
    ceiling: BTreeMap<Spanned<String>, Spanned<String>>,
}

impl EffortModel {
    /// Parses and checks `effort.toml`: every figure non-negative and
    /// `low <= likely <= high`.
    pub fn parse(file: &DataFile) -> Result<Self, Vec<PackError>> {
        let raw: RawEffort =
            toml::from_str(&file.text).map_err(|e| vec![PackError::from_toml(file, &e)])?;
        let mut errors = Vec::new();
        let mut classes = BTreeMap::new();
        for (name, class) in raw.class {
            let span = class.span();
            let class = class.into_inner();
            for problem in class.range_problems(&name) {
                errors.push(PackError::new(file, span.clone(), problem).label("in this class"));
            }
            classes.insert(name, class);
        }
        let mut ceilings = BTreeMap::new();
        for (kind, class) in raw.ceiling {
            if !CHANGE_KINDS.contains(&kind.get_ref().as_str()) {
                errors.push(
                    PackError::new(
                        file,
                        kind.span(),
                        format!("unknown kind of change `{}`", kind.get_ref()),
                    )
                    .help(format!("kinds: {}", CHANGE_KINDS.join(", "))),
                );
            } else if !classes.contains_key(class.get_ref()) {
                errors.push(PackError::new(
                    file,
                    class.span(),
                    format!(
                        "ceiling of `{}`: unknown effort class `{}`",
                        kind.get_ref(),
                        class.get_ref()
                    ),
                ));
            } else {
                ceilings.insert(kind.into_inner(), class.into_inner());
            }
        }
        if errors.is_empty() {
            Ok(Self { classes, ceilings })
        } else {
            Err(errors)
        }
    }

    /// The class called `name`.
    pub fn class(&self, name: &str) -> Option<&EffortClass> {
        self.classes.get(name)
    }

    /// The class a change of `kind` that its rule puts in `class` is
    /// priced with: `class`, or the kind's ceiling when that is cheaper
    /// (an environment variable with no equivalent is dropped or replaced,
    /// never ported like a library).
    pub fn capped<'a>(&'a self, kind: &str, class: &'a str) -> &'a str {
        match self.ceilings.get(kind) {
            Some(ceiling) => self.capped_by(ceiling, class),
            None => class,
        }
    }

    /// The cheaper of `class` and `ceiling` (by one API, one site and one
    /// line); `class` when `ceiling` is no class of this model.
    pub fn capped_by<'a>(&'a self, ceiling: &'a str, class: &'a str) -> &'a str {
        let cost = |name: &str| {
            self.class(name)
                .map(|c| c.per_api.expected() + c.per_site.expected() + c.per_line.expected())
        };
        match (cost(ceiling), cost(class)) {
            (Some(ceiling_cost), Some(class_cost)) if ceiling_cost < class_cost => ceiling,
            _ => class,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pert_mean_weights_the_likely_value() {
        let h = Hours {
            low: 1.0,
            likely: 2.0,
            high: 9.0,
        };
        assert_eq!(h.expected(), 3.0);
        assert_eq!(
            h.times(2.0) + h,
            Hours {
                low: 3.0,
                likely: 6.0,
                high: 27.0
            }
        );
    }

    #[test]
    fn disordered_estimates_are_rejected_at_their_class() {
        let text = "[class.trivial]\ndescription = \"x\"\nper_api = { low = 2, likely = 1, high = 3 }\nper_site = { low = 0, likely = 0, high = 0 }\n";
        let file = DataFile {
            name: "effort.toml".into(),
            text: text.into(),
        };
        let errors = EffortModel::parse(&file).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message().contains("per_api"));
    }

    const TWO_CLASSES: &str = "[class.small]\ndescription = \"s\"\nper_api = { low = 0.5, likely = 1, high = 2 }\nper_site = { low = 0.1, likely = 0.25, high = 0.5 }\n[class.large]\ndescription = \"l\"\nper_api = { low = 8, likely = 16, high = 40 }\nper_site = { low = 0.5, likely = 1, high = 3 }\n";

    fn model(ceiling: &str) -> Result<EffortModel, Vec<PackError>> {
        EffortModel::parse(&DataFile {
            name: "effort.toml".into(),
            text: format!("{TWO_CLASSES}[ceiling]\n{ceiling}").into(),
        })
    }

    #[test]
    fn a_kind_of_change_caps_the_class_of_its_rules() {
        let model = model("env = \"small\"\n").unwrap();
        assert_eq!(model.capped("env", "large"), "small");
        // A cheaper class stays; kinds without a ceiling keep theirs.
        assert_eq!(model.capped("env", "small"), "small");
        assert_eq!(model.capped("api", "large"), "large");
    }

    #[test]
    fn ceilings_name_known_kinds_and_classes() {
        let errors = model("envvar = \"small\"\nimage = \"huge\"\n").unwrap_err();
        let messages: Vec<String> = errors.iter().map(|e| e.message().to_string()).collect();
        assert_eq!(
            messages,
            [
                "unknown kind of change `envvar`",
                "ceiling of `image`: unknown effort class `huge`"
            ]
        );
    }
}
