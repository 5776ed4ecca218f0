//! Parameter distributions: what a parameter may take, validated with Optuna's rules and written
//! in Optuna's JSON (`distribution_to_json` / `json_to_distribution`).
//!
//! Every parameter has an *external* value (what the objective sees: a float, an int, a JSON scalar)
//! and an *internal* `f64` representation that samplers and storage work with: the value itself for
//! floats, the integer as `f64` for ints, and the index of the choice for categoricals — exactly
//! Optuna's `to_internal_repr`.
//!
//! Differences from Optuna, on purpose:
//! - non-finite bounds and duplicate categorical choices are refused (Optuna accepts both, and both
//!   break samplers later in confusing ways);
//! - `Int(1)` and `Float(1.0)` and `Bool(true)` are different choices (Python compares them equal).
//! - attributes are written in the order `low, high, log, step` (Optuna's order varies by class);
//!   JSON readers, Optuna's included, do not care about key order.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, Result};

/// A categorical choice or any parameter's external value: a JSON scalar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// JSON `null` (Python `None`).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
}

impl ParamValue {
    /// The value as an `f64` when it is numeric (ints convert exactly up to 2^53).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            ParamValue::Int(i) => Some(i as f64),
            ParamValue::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The value as an `i64` when it is an integer, or a float with no fractional part.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            ParamValue::Int(i) => Some(i),
            ParamValue::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    /// Reads a JSON scalar; arrays and objects are refused.
    pub fn from_json(v: &Value) -> Result<Self> {
        match v {
            Value::Array(_) | Value::Object(_) => Err(Error::InvalidArgument(format!(
                "a parameter value must be a JSON scalar (null, bool, number, string), got {v}"
            ))),
            _ => Ok(serde_json::from_value(v.clone())?),
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", serde_json::to_string(self).map_err(|_| fmt::Error)?)
    }
}

impl From<f64> for ParamValue {
    fn from(v: f64) -> Self {
        ParamValue::Float(v)
    }
}
impl From<i64> for ParamValue {
    fn from(v: i64) -> Self {
        ParamValue::Int(v)
    }
}
impl From<bool> for ParamValue {
    fn from(v: bool) -> Self {
        ParamValue::Bool(v)
    }
}
impl From<&str> for ParamValue {
    fn from(v: &str) -> Self {
        ParamValue::Str(v.to_owned())
    }
}
impl From<String> for ParamValue {
    fn from(v: String) -> Self {
        ParamValue::Str(v)
    }
}

/// A continuous range, optionally on a log scale or a step grid (Optuna's `FloatDistribution`).
#[derive(Debug, Clone, PartialEq)]
pub struct FloatDistribution {
    low: f64,
    high: f64,
    log: bool,
    step: Option<f64>,
}

/// An integer range, optionally on a log scale or with a step (Optuna's `IntDistribution`).
#[derive(Debug, Clone, PartialEq)]
pub struct IntDistribution {
    low: i64,
    high: i64,
    log: bool,
    step: i64,
}

/// A finite set of JSON scalar choices (Optuna's `CategoricalDistribution`).
#[derive(Debug, Clone, PartialEq)]
pub struct CategoricalDistribution {
    choices: Vec<ParamValue>,
}

fn invalid<T>(msg: String) -> Result<T> {
    Err(Error::InvalidDistribution(msg))
}

impl FloatDistribution {
    /// Validates as Optuna does; with a step, `high` is lowered onto the grid `low + k·step`.
    pub fn new(low: f64, high: f64, log: bool, step: Option<f64>) -> Result<Self> {
        if !low.is_finite() || !high.is_finite() {
            return invalid(format!("bounds must be finite numbers, but got (low={low}, high={high})"));
        }
        if log && step.is_some() {
            return invalid("the parameter `step` is not supported when `log` is true".into());
        }
        if low > high {
            return invalid(format!("`low <= high` must hold, but got (low={low}, high={high})"));
        }
        if log && low <= 0.0 {
            return invalid(format!("`low > 0` must hold for `log=True`, but got (low={low}, high={high})"));
        }
        // Samplers draw `low + u·(high − low)`: an infinite width gave infinite or NaN values
        // (found by fuzzing; NumPy's uniform refuses such a range too).
        if !(high - low).is_finite() {
            return invalid(format!(
                "the width `high - low` must be a finite number, but got (low={low}, high={high})"
            ));
        }
        let mut high = high;
        if let Some(step) = step {
            if step.is_nan() || step <= 0.0 || !step.is_finite() {
                return invalid(format!("`step > 0` must hold, but got step={step}"));
            }
            // More steps than f64 can count put `high` at infinity (found by fuzzing).
            if !((high - low) / step).is_finite() {
                return invalid(format!(
                    "the range holds too many steps: (high - low) / step must be finite, but got (low={low}, high={high}, step={step})"
                ));
            }
            high = adjust_float_high(low, high, step);
        }
        Ok(FloatDistribution { low, high, log, step })
    }

    /// The lower bound (inclusive).
    pub fn low(&self) -> f64 {
        self.low
    }
    /// The upper bound (inclusive; on the step grid when there is a step).
    pub fn high(&self) -> f64 {
        self.high
    }
    /// Whether values are sampled on a log scale.
    pub fn log(&self) -> bool {
        self.log
    }
    /// The grid spacing, if any.
    pub fn step(&self) -> Option<f64> {
        self.step
    }
}

/// Snaps `high` down onto `low + k·step` in decimal arithmetic, as Optuna does with `Decimal`, so
/// that `(0, 1, step 0.3)` gives 0.9 rather than 0.8999999999999999. A `high` within float noise
/// of a grid point keeps that point, and the result is a fixed point (snapping it again changes
/// nothing), so a distribution survives a JSON round trip bit for bit.
fn adjust_float_high(low: f64, high: f64, step: f64) -> f64 {
    let decimal = adjust_decimal(low, high, step);
    if let Some(a) = decimal {
        if adjust_decimal(low, a, step) == Some(a) {
            return a;
        }
    }
    // Plain floating point with the same tolerance: low + k·step is its own fixed point.
    let k = ((high - low) / step + 1e-9).floor();
    low + k * step
}

/// The decimal snap, when every number has few enough digits for exact scaled integers.
fn adjust_decimal(low: f64, high: f64, step: f64) -> Option<f64> {
    let decimals = decimal_places(low).max(decimal_places(step)).max(decimal_places(high));
    let scale = 10f64.powi(decimals as i32);
    let (lo, hi, st) = ((low * scale).round(), (high * scale).round(), (step * scale).round());
    if decimals > 15 || st <= 0.0 || hi.abs() >= 9.0e15 || lo.abs() >= 9.0e15 {
        return None;
    }
    // Exact integer arithmetic on the scaled values; the tolerance absorbs a last-digit error in
    // the input (say 64.17801161982646 for 46.17801161982647 + 18).
    let k = ((hi - lo) / st + 1e-9).floor();
    Some((lo + k * st) / scale)
}

/// Digits after the point in the shortest decimal form of `x` (Rust never prints an exponent).
fn decimal_places(x: f64) -> usize {
    let s = x.abs().to_string();
    s.split_once('.').map_or(0, |(_, frac)| frac.len())
}

/// The largest integer bound: every integer up to 2^53 is exact as an f64.
pub const MAX_EXACT_INT: u64 = 1 << 53;

impl IntDistribution {
    /// Validates as Optuna does; with a step, `high` is lowered onto the grid `low + k·step`.
    pub fn new(low: i64, high: i64, log: bool, step: i64) -> Result<Self> {
        if log && step != 1 {
            return invalid(format!("only step 1 is supported when `log` is true, but got step={step}"));
        }
        if low > high {
            return invalid(format!("`low <= high` must hold, but got (low={low}, high={high})"));
        }
        if log && low < 1 {
            return invalid(format!("`low >= 1` must hold for `log=True`, but got (low={low}, high={high})"));
        }
        if step <= 0 {
            return invalid(format!("`step > 0` must hold, but got step={step}"));
        }
        // Internal values are f64 (as Optuna's): beyond 2^53 integers are no longer exact, so
        // samplers left the step grid on wider ranges, and `high - low` could overflow (both
        // found by fuzzing).
        if low.unsigned_abs() > MAX_EXACT_INT
            || high.unsigned_abs() > MAX_EXACT_INT
            || high.abs_diff(low) > MAX_EXACT_INT
        {
            return invalid(format!(
                "integer bounds must lie within ±2^53 ({MAX_EXACT_INT}) and at most 2^53 apart to be exact as floats, but got (low={low}, high={high})"
            ));
        }
        let high = (high - low) / step * step + low;
        Ok(IntDistribution { low, high, log, step })
    }

    /// The lower bound (inclusive).
    pub fn low(&self) -> i64 {
        self.low
    }
    /// The upper bound (inclusive; on the step grid).
    pub fn high(&self) -> i64 {
        self.high
    }
    /// Whether values are sampled on a log scale.
    pub fn log(&self) -> bool {
        self.log
    }
    /// The grid spacing (1 for plain integers).
    pub fn step(&self) -> i64 {
        self.step
    }
    /// How many values the range holds.
    pub fn len(&self) -> u64 {
        ((self.high - self.low) / self.step) as u64 + 1
    }
    /// Never true: a valid range holds at least `low`.
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl CategoricalDistribution {
    /// Refuses an empty list, duplicates, and non-finite floats.
    pub fn new(choices: Vec<ParamValue>) -> Result<Self> {
        if choices.is_empty() {
            return invalid("the `choices` must contain one or more elements".into());
        }
        for (i, c) in choices.iter().enumerate() {
            if let ParamValue::Float(f) = c {
                if !f.is_finite() {
                    return invalid(format!("choice {i} is not a finite number"));
                }
            }
            if choices[..i].contains(c) {
                return invalid(format!("the `choices` must be distinct, but {c} appears twice"));
            }
        }
        Ok(CategoricalDistribution { choices })
    }

    /// The choices, in their declared order (the internal value is the index).
    pub fn choices(&self) -> &[ParamValue] {
        &self.choices
    }
}

/// Any of the three distribution kinds.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// A float range.
    Float(FloatDistribution),
    /// An integer range.
    Int(IntDistribution),
    /// A set of choices.
    Categorical(CategoricalDistribution),
}

impl From<FloatDistribution> for Distribution {
    fn from(d: FloatDistribution) -> Self {
        Distribution::Float(d)
    }
}
impl From<IntDistribution> for Distribution {
    fn from(d: IntDistribution) -> Self {
        Distribution::Int(d)
    }
}
impl From<CategoricalDistribution> for Distribution {
    fn from(d: CategoricalDistribution) -> Self {
        Distribution::Categorical(d)
    }
}

impl Distribution {
    /// Optuna's class name for this kind.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Distribution::Float(_) => "FloatDistribution",
            Distribution::Int(_) => "IntDistribution",
            Distribution::Categorical(_) => "CategoricalDistribution",
        }
    }

    /// Whether the distribution holds a single value (Optuna's `single()`); samplers skip those.
    pub fn single(&self) -> bool {
        match self {
            Distribution::Float(d) => match d.step {
                Some(step) => d.high - d.low < step,
                None => d.low == d.high,
            },
            Distribution::Int(d) => d.len() == 1,
            Distribution::Categorical(d) => d.choices.len() == 1,
        }
    }

    /// Whether an internal value is a legal point of this distribution (Optuna's `_contains`).
    pub fn contains(&self, internal: f64) -> bool {
        match self {
            Distribution::Float(d) => {
                if !(d.low <= internal && internal <= d.high) {
                    return false;
                }
                match d.step {
                    None => true,
                    Some(step) => {
                        let k = (internal - d.low) / step;
                        // Optuna's 1e-8 of a step, widened to a few rounding errors of
                        // `low + k·step` on grids so fine (over ~1e7 points) that the float
                        // nearest a grid point is further than that (found by fuzzing).
                        let rounding = 4.0 * f64::EPSILON * internal.abs().max(d.low.abs()) / step;
                        (k - k.round()).abs() < rounding.max(1e-8)
                    }
                }
            }
            Distribution::Int(d) => {
                internal.fract() == 0.0
                    && (d.low as f64) <= internal
                    && internal <= d.high as f64
                    && (internal as i64 - d.low) % d.step == 0
            }
            Distribution::Categorical(d) => {
                internal.fract() == 0.0 && internal >= 0.0 && (internal as usize) < d.choices.len()
            }
        }
    }

    /// The external value of an internal representation (Optuna's `to_external_repr`).
    ///
    /// Out-of-range categorical indices are clamped: internal values come from our own samplers
    /// or from storage we validated, so this only guards against float noise.
    pub fn to_external(&self, internal: f64) -> ParamValue {
        match self {
            Distribution::Float(_) => ParamValue::Float(internal),
            Distribution::Int(_) => ParamValue::Int(internal.round() as i64),
            Distribution::Categorical(d) => {
                let i = (internal.round().max(0.0) as usize).min(d.choices.len() - 1);
                d.choices[i].clone()
            }
        }
    }

    /// The internal representation of an external value, refusing values of the wrong type.
    /// Range is not checked here (enqueued and fixed values may lie outside, as Optuna allows).
    pub fn to_internal(&self, name: &str, value: &ParamValue) -> Result<f64> {
        let bad = || Error::ValueOutOfDistribution {
            name: name.to_owned(),
            value: value.to_string(),
            distribution: self.to_json_string(),
        };
        match self {
            Distribution::Float(_) => value.as_f64().filter(|v| v.is_finite()).ok_or_else(bad),
            Distribution::Int(_) => value.as_i64().map(|v| v as f64).ok_or_else(bad),
            Distribution::Categorical(d) => {
                // A JSON reader may give 1.0 for a choice declared as 1: match numerically as a fallback.
                let exact = d.choices.iter().position(|c| c == value);
                let numeric = || {
                    let v = value.as_f64()?;
                    d.choices.iter().position(|c| c.as_f64() == Some(v))
                };
                exact.or_else(numeric).map(|i| i as f64).ok_or_else(bad)
            }
        }
    }

    /// Optuna's `check_distribution_compatibility`: may a parameter first asked with `self` be asked
    /// again with `other`? Ranges may differ (the first value is kept); kinds, log and choices may not.
    pub fn check_compatible(&self, name: &str, other: &Distribution) -> Result<()> {
        let err =
            |reason: &str| Err(Error::IncompatibleDistribution { name: name.to_owned(), reason: reason.to_owned() });
        match (self, other) {
            (Distribution::Float(a), Distribution::Float(b)) if a.log != b.log => {
                err("cannot set a different log configuration to the same parameter name")
            }
            (Distribution::Int(a), Distribution::Int(b)) if a.log != b.log => {
                err("cannot set a different log configuration to the same parameter name")
            }
            (Distribution::Categorical(a), Distribution::Categorical(b)) if a != b => {
                err("a categorical distribution does not support a dynamic value space")
            }
            (Distribution::Float(_), Distribution::Float(_))
            | (Distribution::Int(_), Distribution::Int(_))
            | (Distribution::Categorical(_), Distribution::Categorical(_)) => Ok(()),
            _ => err(&format!(
                "cannot set a different distribution kind to the same parameter name ({} then {})",
                self.kind_name(),
                other.kind_name()
            )),
        }
    }

    /// Optuna's `distribution_to_json` as a JSON value.
    pub fn to_json(&self) -> Value {
        let attributes = match self {
            Distribution::Float(d) => json!({"low": d.low, "high": d.high, "log": d.log, "step": d.step}),
            Distribution::Int(d) => json!({"low": d.low, "high": d.high, "log": d.log, "step": d.step}),
            Distribution::Categorical(d) => json!({"choices": d.choices}),
        };
        json!({"name": self.kind_name(), "attributes": attributes})
    }

    /// Optuna's `distribution_to_json`: a compact JSON string.
    pub fn to_json_string(&self) -> String {
        self.to_json().to_string()
    }

    /// Optuna's `json_to_distribution`, including the pre-3.0 classes Optuna still reads
    /// (`UniformDistribution`, `LogUniformDistribution`, `DiscreteUniformDistribution`,
    /// `IntUniformDistribution`, `IntLogUniformDistribution`).
    pub fn from_json(v: &Value) -> Result<Self> {
        let name = v.get("name").and_then(Value::as_str).ok_or_else(|| {
            Error::InvalidDistribution(format!("expected {{\"name\": ..., \"attributes\": {{...}}}}, got {v}"))
        })?;
        let attrs = v
            .get("attributes")
            .and_then(Value::as_object)
            .ok_or_else(|| Error::InvalidDistribution(format!("{name}: missing \"attributes\" object")))?;
        let known: &[&str] = match name {
            "FloatDistribution" | "IntDistribution" => &["low", "high", "log", "step"],
            "CategoricalDistribution" => &["choices"],
            "UniformDistribution" | "LogUniformDistribution" => &["low", "high"],
            "DiscreteUniformDistribution" => &["low", "high", "q"],
            "IntUniformDistribution" | "IntLogUniformDistribution" => &["low", "high", "step"],
            _ => return invalid(format!("unknown distribution name '{name}'")),
        };
        if let Some(extra) = attrs.keys().find(|k| !known.contains(&k.as_str())) {
            return invalid(format!("{name}: unknown attribute '{extra}'"));
        }
        let float = |key: &str| -> Result<f64> {
            attrs
                .get(key)
                .and_then(Value::as_f64)
                .ok_or_else(|| Error::InvalidDistribution(format!("{name}: attribute '{key}' must be a number")))
        };
        let int = |key: &str| -> Result<i64> {
            match attrs.get(key) {
                Some(x) => ParamValue::from_json(x)
                    .ok()
                    .and_then(|p| p.as_i64())
                    .ok_or_else(|| Error::InvalidDistribution(format!("{name}: attribute '{key}' must be an integer"))),
                None => invalid(format!("{name}: attribute '{key}' is missing")),
            }
        };
        let flag = |key: &str| -> Result<bool> {
            match attrs.get(key) {
                None => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => invalid(format!("{name}: attribute '{key}' must be true or false")),
            }
        };
        let int_step = || match attrs.get("step") {
            None | Some(Value::Null) => Ok(1),
            Some(_) => int("step"),
        };
        Ok(match name {
            "FloatDistribution" => {
                let step = match attrs.get("step") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(float("step")?),
                };
                FloatDistribution::new(float("low")?, float("high")?, flag("log")?, step)?.into()
            }
            "IntDistribution" => IntDistribution::new(int("low")?, int("high")?, flag("log")?, int_step()?)?.into(),
            "CategoricalDistribution" => {
                let choices = attrs
                    .get("choices")
                    .and_then(Value::as_array)
                    .ok_or_else(|| Error::InvalidDistribution(format!("{name}: 'choices' must be an array")))?;
                let choices = choices.iter().map(ParamValue::from_json).collect::<Result<Vec<_>>>()?;
                CategoricalDistribution::new(choices)?.into()
            }
            "UniformDistribution" => FloatDistribution::new(float("low")?, float("high")?, false, None)?.into(),
            "LogUniformDistribution" => FloatDistribution::new(float("low")?, float("high")?, true, None)?.into(),
            "DiscreteUniformDistribution" => {
                FloatDistribution::new(float("low")?, float("high")?, false, Some(float("q")?))?.into()
            }
            "IntUniformDistribution" => IntDistribution::new(int("low")?, int("high")?, false, int_step()?)?.into(),
            _ /* IntLogUniformDistribution */ => IntDistribution::new(int("low")?, int("high")?, true, 1)?.into(),
        })
    }

    /// Parses Optuna's JSON from a string.
    pub fn from_json_str(s: &str) -> Result<Self> {
        Distribution::from_json(&serde_json::from_str(s)?)
    }
}

impl fmt::Display for Distribution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json_string())
    }
}

impl Serialize for Distribution {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Distribution {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Distribution::from_json(&v).map_err(serde::de::Error::custom)
    }
}

/// Parses Optuna's search-space JSON: an object from parameter name to distribution JSON.
/// Order is kept, because it is the order in which a define-and-run trial suggests parameters.
pub fn search_space_from_json(v: &Value) -> Result<indexmap::IndexMap<String, Distribution>> {
    let obj = v.as_object().ok_or_else(|| {
        Error::InvalidArgument(format!("a search space must be a JSON object (name -> distribution), got {v}"))
    })?;
    obj.iter()
        .map(|(name, d)| {
            let dist = Distribution::from_json(d).map_err(|e| match e {
                Error::InvalidDistribution(m) => Error::InvalidDistribution(format!("parameter '{name}': {m}")),
                other => other,
            })?;
            Ok((name.clone(), dist))
        })
        .collect()
}
