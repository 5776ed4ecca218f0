//! Every distribution rule with its message, and Optuna's JSON both ways.

use serde_json::json;
use wasmtune::distributions::search_space_from_json;
use wasmtune::{CategoricalDistribution, Distribution, Error, FloatDistribution, IntDistribution, ParamValue};

fn msg<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Err(Error::InvalidDistribution(m)) => m,
        other => panic!("expected InvalidDistribution, got {other:?}"),
    }
}

#[test]
fn float_rules_and_messages() {
    assert_eq!(msg(FloatDistribution::new(1.0, 0.0, false, None)), "`low <= high` must hold, but got (low=1, high=0)");
    assert_eq!(
        msg(FloatDistribution::new(0.0, 1.0, true, None)),
        "`low > 0` must hold for `log=True`, but got (low=0, high=1)"
    );
    assert_eq!(
        msg(FloatDistribution::new(-1.0, 1.0, true, None)),
        "`low > 0` must hold for `log=True`, but got (low=-1, high=1)"
    );
    assert_eq!(
        msg(FloatDistribution::new(0.1, 1.0, true, Some(0.1))),
        "the parameter `step` is not supported when `log` is true"
    );
    assert_eq!(msg(FloatDistribution::new(0.0, 1.0, false, Some(0.0))), "`step > 0` must hold, but got step=0");
    assert_eq!(msg(FloatDistribution::new(0.0, 1.0, false, Some(-1.0))), "`step > 0` must hold, but got step=-1");
    assert!(msg(FloatDistribution::new(0.0, f64::INFINITY, false, None)).contains("finite"));
    assert!(msg(FloatDistribution::new(f64::NAN, 1.0, false, None)).contains("finite"));
    assert!(FloatDistribution::new(0.5, 0.5, false, None).is_ok(), "low == high is allowed");
    // Found by fuzzing: a width past f64's range made samplers return ±inf or NaN.
    let m = msg(FloatDistribution::new(-1.7e308, 1.7e308, false, None));
    assert!(m.starts_with("the width `high - low` must be a finite number, but got (low=-17"), "{m}");
    // Found by fuzzing: 8e307 / 1e-12 steps overflowed, putting `high` at infinity.
    let m = msg(FloatDistribution::new(0.0, 8e307, false, Some(1e-12)));
    assert!(m.starts_with("the range holds too many steps"), "{m}");
}

#[test]
fn a_fine_grid_contains_the_floats_nearest_its_points() {
    // Found by fuzzing: TPE's 0.546885274489 on a 1e-12 grid is the float nearest a grid point,
    // which a tolerance of 1e-8 of a step refused.
    let d: Distribution = FloatDistribution::new(0.0, 1.0, false, Some(1e-12)).unwrap().into();
    assert!(d.contains(0.546885274489));
    assert!(!d.contains(0.5468852744895), "half a step off is still off the grid");
    let coarse: Distribution = FloatDistribution::new(0.0, 1.0, false, Some(0.25)).unwrap().into();
    assert!(coarse.contains(0.75) && !coarse.contains(0.75 + 1e-6));
}

#[test]
fn float_step_lowers_high_onto_the_grid_as_optuna() {
    assert_eq!(FloatDistribution::new(0.0, 1.0, false, Some(0.3)).unwrap().high(), 0.9);
    assert_eq!(FloatDistribution::new(0.1, 1.0, false, Some(0.2)).unwrap().high(), 0.9);
    assert_eq!(FloatDistribution::new(-1.0, 1.0, false, Some(0.3)).unwrap().high(), 0.8);
    // Float noise in the input keeps its grid point, and snapping is idempotent (found by proptest).
    let d = FloatDistribution::new(46.17801161982647, 64.17801161982646, false, Some(2.0)).unwrap();
    assert_eq!(d.high(), 64.17801161982647);
    assert_eq!(FloatDistribution::new(d.low(), d.high(), false, Some(2.0)).unwrap().high(), d.high());
    assert_eq!(FloatDistribution::new(0.0, 1.0, false, Some(0.1)).unwrap().high(), 1.0);
    assert_eq!(FloatDistribution::new(0.0, 1.0, false, Some(0.25)).unwrap().high(), 1.0);
}

#[test]
fn int_rules_and_messages() {
    assert_eq!(msg(IntDistribution::new(1, 0, false, 1)), "`low <= high` must hold, but got (low=1, high=0)");
    assert_eq!(
        msg(IntDistribution::new(0, 10, true, 1)),
        "`low >= 1` must hold for `log=True`, but got (low=0, high=10)"
    );
    assert_eq!(
        msg(IntDistribution::new(1, 10, true, 2)),
        "only step 1 is supported when `log` is true, but got step=2"
    );
    assert_eq!(msg(IntDistribution::new(0, 10, false, 0)), "`step > 0` must hold, but got step=0");
    assert_eq!(msg(IntDistribution::new(0, 10, false, -2)), "`step > 0` must hold, but got step=-2");
    assert_eq!(IntDistribution::new(0, 10, false, 3).unwrap().high(), 9);
    assert_eq!(IntDistribution::new(0, 10, false, 3).unwrap().len(), 4);
    // Found by fuzzing: i64's extremes overflowed `high - low` (a panic, or a wrong range), and on
    // ranges wider than 2^53 sampled values left the step grid.
    let m = msg(IntDistribution::new(i64::MIN, i64::MAX, false, 1));
    assert!(m.starts_with("integer bounds must lie within ±2^53 (9007199254740992) and at most 2^53 apart"), "{m}");
    assert!(IntDistribution::new(-(1 << 53), (1 << 53) - 1, false, 3).is_err(), "2^54 wide");
    let widest: Distribution = IntDistribution::new(-(1 << 52), 1 << 52, false, 3).unwrap().into();
    let mut study = wasmtune::Study::builder().build().unwrap();
    for _ in 0..200 {
        let n = study.ask().unwrap();
        let v = study.suggest(n, "k", widest.clone()).unwrap().as_i64().unwrap();
        assert_eq!((v + (1 << 52)) % 3, 0, "{v} on the grid");
        study.tell(n, wasmtune::TrialOutcome::Complete(vec![0.0])).unwrap();
    }
}

#[test]
fn categorical_rules_and_messages() {
    assert_eq!(msg(CategoricalDistribution::new(vec![])), "the `choices` must contain one or more elements");
    assert_eq!(
        msg(CategoricalDistribution::new(vec!["a".into(), "a".into()])),
        "the `choices` must be distinct, but \"a\" appears twice"
    );
    assert!(msg(CategoricalDistribution::new(vec![1i64.into(), 1i64.into()])).contains("appears twice"));
    assert!(msg(CategoricalDistribution::new(vec![f64::NAN.into()])).contains("not a finite number"));
    // 1, 1.0 and true are different JSON values, so different choices.
    assert!(CategoricalDistribution::new(vec![1i64.into(), 1.0.into(), true.into()]).is_ok());
}

/// Strings exactly as Optuna 5.0.0's `distribution_to_json` writes them (key order included).
const OPTUNA_WRITES: &[&str] = &[
    r#"{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0, "high": 1.0, "log": false}}"#,
    r#"{"name": "FloatDistribution", "attributes": {"step": 0.3, "low": 0.0, "high": 0.9, "log": false}}"#,
    r#"{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 1.0, "log": true}}"#,
    r#"{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 0, "high": 10}}"#,
    r#"{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 1, "high": 10}}"#,
    r#"{"name": "IntDistribution", "attributes": {"log": false, "step": 3, "low": 0, "high": 9}}"#,
    r#"{"name": "CategoricalDistribution", "attributes": {"choices": [null, true, 1, 1.5, "a"]}}"#,
];

#[test]
fn reads_what_optuna_writes_and_writes_the_same_json_back() {
    for s in OPTUNA_WRITES {
        let d = Distribution::from_json_str(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let ours: serde_json::Value = serde_json::from_str(&d.to_json_string()).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(s).unwrap();
        assert_eq!(ours, theirs, "{s}");
        assert_eq!(Distribution::from_json_str(&d.to_json_string()).unwrap(), d);
    }
}

#[test]
fn writes_the_documented_form() {
    let d: Distribution = FloatDistribution::new(0.0, 1.0, false, None).unwrap().into();
    assert_eq!(
        d.to_json_string(),
        r#"{"name":"FloatDistribution","attributes":{"low":0.0,"high":1.0,"log":false,"step":null}}"#
    );
    let d: Distribution = IntDistribution::new(0, 10, false, 1).unwrap().into();
    assert_eq!(
        d.to_json_string(),
        r#"{"name":"IntDistribution","attributes":{"low":0,"high":10,"log":false,"step":1}}"#
    );
    let d: Distribution = CategoricalDistribution::new(vec![ParamValue::Null, "x".into()]).unwrap().into();
    assert_eq!(d.to_json_string(), r#"{"name":"CategoricalDistribution","attributes":{"choices":[null,"x"]}}"#);
}

#[test]
fn reads_optunas_legacy_distribution_classes() {
    let cases = [
        (
            r#"{"name": "UniformDistribution", "attributes": {"low": 0.0, "high": 1.0}}"#,
            FloatDistribution::new(0.0, 1.0, false, None).unwrap().into(),
        ),
        (
            r#"{"name": "LogUniformDistribution", "attributes": {"low": 0.1, "high": 1.0}}"#,
            FloatDistribution::new(0.1, 1.0, true, None).unwrap().into(),
        ),
        (
            r#"{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}"#,
            FloatDistribution::new(0.0, 1.0, false, Some(0.25)).unwrap().into(),
        ),
        (
            r#"{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 9, "step": 3}}"#,
            IntDistribution::new(0, 9, false, 3).unwrap().into(),
        ),
        (
            r#"{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 8, "step": 1}}"#,
            IntDistribution::new(1, 8, true, 1).unwrap().into(),
        ),
    ];
    for (s, expected) in cases {
        let expected: Distribution = expected;
        assert_eq!(Distribution::from_json_str(s).unwrap(), expected, "{s}");
    }
}

#[test]
fn bad_json_gets_a_clear_error() {
    let bad = [
        (r#"{"name": "NormalDistribution", "attributes": {}}"#, "unknown distribution name 'NormalDistribution'"),
        (r#"{"name": "FloatDistribution"}"#, "missing \"attributes\""),
        (r#"{"name": "FloatDistribution", "attributes": {"low": "0", "high": 1}}"#, "'low' must be a number"),
        (r#"{"name": "IntDistribution", "attributes": {"low": 0.5, "high": 1}}"#, "'low' must be an integer"),
        (r#"{"name": "FloatDistribution", "attributes": {"low": 0, "high": 1, "lg": true}}"#, "unknown attribute 'lg'"),
        (r#"{"name": "CategoricalDistribution", "attributes": {"choices": [[1]]}}"#, "JSON scalar"),
        (r#"{"name": "FloatDistribution", "attributes": {"low": 2, "high": 1}}"#, "`low <= high`"),
        (r#"[1, 2]"#, "expected {\"name\""),
    ];
    for (s, needle) in bad {
        let e = Distribution::from_json_str(s).unwrap_err().to_string();
        assert!(e.contains(needle), "{s}: {e}");
    }
    let e = search_space_from_json(
        &json!({"lr": {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1, "log": true}}}),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("parameter 'lr'") && e.contains("`low > 0`"), "{e}");
}

#[test]
fn internal_and_external_representations() {
    let c: Distribution =
        CategoricalDistribution::new(vec![ParamValue::Null, true.into(), 1i64.into(), 2.5.into(), "a".into()])
            .unwrap()
            .into();
    for (i, v) in [ParamValue::Null, true.into(), 1i64.into(), 2.5.into(), "a".into()].iter().enumerate() {
        assert_eq!(c.to_internal("c", v).unwrap(), i as f64);
        assert_eq!(&c.to_external(i as f64), v);
    }
    assert!(c.to_internal("c", &"b".into()).unwrap_err().to_string().contains("is not in"));
    let i: Distribution = IntDistribution::new(0, 10, false, 2).unwrap().into();
    assert!(i.contains(4.0) && !i.contains(5.0) && !i.contains(12.0));
    assert_eq!(i.to_external(4.0), ParamValue::Int(4));
    let f: Distribution = FloatDistribution::new(0.0, 1.0, false, Some(0.25)).unwrap().into();
    assert!(f.contains(0.75) && !f.contains(0.8));
    assert!(!f.single() && Distribution::from(IntDistribution::new(3, 3, false, 1).unwrap()).single());
}
