//! The search-space transform every model-based sampler shares (Optuna's `_SearchSpaceTransform`).
//!
//! It maps a set of distributions to a bounded continuous box and back:
//! - floats: `[low, high]`, or `[ln low, ln high]` on a log scale; with a step, the box is widened
//!   by half a step on each side so every grid point owns an equal-width cell;
//! - ints: like stepped floats (`[low − step/2, high + step/2]`), or `[ln(low − ½), ln(high + ½)]`
//!   on a log scale;
//! - categoricals: one column per choice in `[0, 1]` (one-hot); decoding takes the largest column.
//!
//! Decoding rounds onto the step grid and clips into `[low, high]`, so any point of the box decodes
//! to a legal value. With `zero_one`, every column is further scaled to `[0, 1]`.

use std::ops::Range;

use crate::distributions::Distribution;
use crate::samplers::{InternalParams, SearchSpace};

/// Which parts of the transform to apply (Optuna's `transform_log`, `transform_step`, `transform_0_1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransformOptions {
    /// Work in log space for log distributions.
    pub log: bool,
    /// Widen stepped and int ranges by half a step so that rounding is fair to the end points.
    pub step: bool,
    /// Scale every column to `[0, 1]`.
    pub zero_one: bool,
}

impl Default for TransformOptions {
    fn default() -> Self {
        TransformOptions { log: true, step: true, zero_one: false }
    }
}

/// A fixed search space encoded as a box of continuous columns.
#[derive(Debug, Clone)]
pub struct SearchSpaceTransform {
    names: Vec<String>,
    distributions: Vec<Distribution>,
    /// Which columns each parameter occupies (one, or one per choice for categoricals).
    columns: Vec<Range<usize>>,
    /// The box before the optional `[0, 1]` scaling.
    raw_bounds: Vec<[f64; 2]>,
    options: TransformOptions,
}

impl SearchSpaceTransform {
    /// Encodes `space` (parameters in name order, as [`SearchSpace`] keeps them).
    pub fn new(space: &SearchSpace, options: TransformOptions) -> Self {
        let mut t = SearchSpaceTransform {
            names: Vec::with_capacity(space.len()),
            distributions: Vec::with_capacity(space.len()),
            columns: Vec::with_capacity(space.len()),
            raw_bounds: Vec::new(),
            options,
        };
        for (name, d) in space {
            let start = t.raw_bounds.len();
            match d {
                Distribution::Categorical(c) => t.raw_bounds.extend(std::iter::repeat_n([0.0, 1.0], c.choices().len())),
                _ => t.raw_bounds.push(numeric_bounds(d, options)),
            }
            t.names.push(name.clone());
            t.distributions.push(d.clone());
            t.columns.push(start..t.raw_bounds.len());
        }
        t
    }

    /// How many continuous columns the box has.
    pub fn n_columns(&self) -> usize {
        self.raw_bounds.len()
    }

    /// The box, one `[low, high]` per column (`[0, 1]` everywhere with `zero_one`).
    pub fn bounds(&self) -> Vec<[f64; 2]> {
        if self.options.zero_one { vec![[0.0, 1.0]; self.raw_bounds.len()] } else { self.raw_bounds.clone() }
    }

    /// Parameter names in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The columns parameter `i` occupies.
    pub fn columns_of(&self, i: usize) -> Range<usize> {
        self.columns[i].clone()
    }

    /// The internal value at box coordinate `u` of numeric column `column`, neither rounded to a
    /// step nor clipped: for drawing a continuous distribution over the box in the parameter's
    /// units (exponentiated for log columns).
    pub fn continuous(&self, column: usize, u: f64) -> f64 {
        let [lo, hi] = self.raw_bounds[column];
        let raw = if self.options.zero_one { lo + u * (hi - lo) } else { u };
        let i = self.columns.iter().position(|r| r.contains(&column)).expect("a column of the box");
        let log = match &self.distributions[i] {
            Distribution::Float(f) => f.log(),
            Distribution::Int(d) => d.log(),
            Distribution::Categorical(_) => false,
        };
        if log && self.options.log { libm::exp(raw) } else { raw }
    }

    /// Encodes internal values into a point of the box. Every parameter of the space must be given.
    pub fn transform(&self, params: &InternalParams) -> Vec<f64> {
        let mut out = vec![0.0; self.raw_bounds.len()];
        for (i, (name, d)) in self.names.iter().zip(&self.distributions).enumerate() {
            let v = params[name];
            let cols = self.columns[i].clone();
            match d {
                Distribution::Categorical(_) => out[cols.start + v as usize] = 1.0,
                _ => out[cols.start] = encode_numeric(d, v, self.options),
            }
        }
        if self.options.zero_one {
            for (x, [lo, hi]) in out.iter_mut().zip(&self.raw_bounds) {
                *x = if hi > lo { (*x - lo) / (hi - lo) } else { 0.5 };
            }
        }
        out
    }

    /// Decodes a point of the box into legal internal values (rounded to steps, clipped to bounds).
    pub fn untransform(&self, x: &[f64]) -> InternalParams {
        assert_eq!(x.len(), self.raw_bounds.len(), "point has the wrong number of columns");
        let raw = |j: usize| {
            if self.options.zero_one {
                let [lo, hi] = self.raw_bounds[j];
                lo + x[j] * (hi - lo)
            } else {
                x[j]
            }
        };
        let mut out = InternalParams::new();
        for (i, (name, d)) in self.names.iter().zip(&self.distributions).enumerate() {
            let cols = self.columns[i].clone();
            let v = match d {
                Distribution::Categorical(_) => {
                    // First maximum wins, so ties decode deterministically.
                    let mut best = cols.start;
                    for j in cols.clone() {
                        if raw(j) > raw(best) {
                            best = j;
                        }
                    }
                    (best - cols.start) as f64
                }
                _ => decode_numeric(d, raw(cols.start), self.options),
            };
            out.insert(name.clone(), v);
        }
        out
    }
}

fn numeric_bounds(d: &Distribution, o: TransformOptions) -> [f64; 2] {
    match d {
        Distribution::Float(f) => {
            if f.log() && o.log {
                [libm::log(f.low()), libm::log(f.high())]
            } else if let (Some(step), true) = (f.step(), o.step) {
                [f.low() - step / 2.0, f.high() + step / 2.0]
            } else {
                [f.low(), f.high()]
            }
        }
        Distribution::Int(i) => {
            let half = if o.step { 0.5 * i.step() as f64 } else { 0.0 };
            let (lo, hi) = (i.low() as f64 - half, i.high() as f64 + half);
            if i.log() && o.log { [libm::log(lo), libm::log(hi)] } else { [lo, hi] }
        }
        Distribution::Categorical(_) => unreachable!("categoricals are one-hot"),
    }
}

fn encode_numeric(d: &Distribution, v: f64, o: TransformOptions) -> f64 {
    let log = match d {
        Distribution::Float(f) => f.log(),
        Distribution::Int(i) => i.log(),
        Distribution::Categorical(_) => false,
    };
    if log && o.log { libm::log(v) } else { v }
}

fn decode_numeric(d: &Distribution, x: f64, o: TransformOptions) -> f64 {
    match d {
        Distribution::Float(f) => {
            let v = if f.log() && o.log { libm::exp(x) } else { x };
            let v = match f.step() {
                Some(step) => f.low() + ((v - f.low()) / step).round() * step,
                None => v,
            };
            v.clamp(f.low(), f.high())
        }
        Distribution::Int(i) => {
            let v = if i.log() && o.log { libm::exp(x) } else { x };
            let (low, step) = (i.low() as f64, i.step() as f64);
            (low + ((v - low) / step).round() * step).clamp(low, i.high() as f64)
        }
        Distribution::Categorical(_) => unreachable!("categoricals are one-hot"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::{CategoricalDistribution, FloatDistribution, IntDistribution, ParamValue};
    use crate::rng::Rng;

    fn space() -> SearchSpace {
        let mut s = SearchSpace::new();
        s.insert("a_float".into(), FloatDistribution::new(-2.0, 3.0, false, None).unwrap().into());
        s.insert("b_log".into(), FloatDistribution::new(1e-4, 1.0, true, None).unwrap().into());
        s.insert("c_step".into(), FloatDistribution::new(0.0, 1.0, false, Some(0.25)).unwrap().into());
        s.insert("d_int".into(), IntDistribution::new(-3, 7, false, 1).unwrap().into());
        s.insert("e_int_step".into(), IntDistribution::new(0, 10, false, 5).unwrap().into());
        s.insert("f_int_log".into(), IntDistribution::new(1, 1000, true, 1).unwrap().into());
        let choices = vec![ParamValue::Null, ParamValue::Bool(true), ParamValue::Str("x".into())];
        s.insert("g_cat".into(), CategoricalDistribution::new(choices).unwrap().into());
        s
    }

    fn all_options() -> Vec<TransformOptions> {
        let mut v = Vec::new();
        for log in [false, true] {
            for step in [false, true] {
                for zero_one in [false, true] {
                    v.push(TransformOptions { log, step, zero_one });
                }
            }
        }
        v
    }

    #[test]
    fn columns_and_bounds() {
        let t = SearchSpaceTransform::new(&space(), TransformOptions::default());
        assert_eq!(t.n_columns(), 6 + 3);
        let b = t.bounds();
        assert_eq!(b[0], [-2.0, 3.0]);
        assert!((b[1][0] - 1e-4f64.ln()).abs() < 1e-12 && b[1][1] == 0.0);
        assert_eq!(b[2], [-0.125, 1.125]);
        assert_eq!(b[3], [-3.5, 7.5]);
        assert_eq!(b[4], [-2.5, 12.5]);
        assert!((b[5][0] - 0.5f64.ln()).abs() < 1e-12 && (b[5][1] - 1000.5f64.ln()).abs() < 1e-12);
        assert_eq!(&b[6..], &[[0.0, 1.0]; 3]);
        assert_eq!(t.columns_of(6), 6..9);
    }

    #[test]
    fn round_trip_of_legal_values_under_every_option() {
        let s = space();
        let mut rng = Rng::seed_from_u64(5);
        for o in all_options() {
            let t = SearchSpaceTransform::new(&s, o);
            for _ in 0..200 {
                // Legal values: decode a random point, then encode and decode again.
                let x: Vec<f64> = t.bounds().iter().map(|[lo, hi]| rng.uniform_range(*lo, *hi)).collect();
                let p = t.untransform(&x);
                for (name, d) in &s {
                    assert!(d.contains(p[name]), "{o:?}: {name}={} not in {d}", p[name]);
                }
                let back = t.untransform(&t.transform(&p));
                for (name, v) in &p {
                    assert!((back[name] - v).abs() <= 1e-9 * v.abs().max(1.0), "{o:?}: {name}: {v} -> {}", back[name]);
                }
            }
        }
    }

    #[test]
    fn out_of_box_points_clip_to_bounds() {
        let s = space();
        let t = SearchSpaceTransform::new(&s, TransformOptions::default());
        let lows: Vec<f64> = t.bounds().iter().map(|[lo, _]| lo - 100.0).collect();
        let highs: Vec<f64> = t.bounds().iter().map(|[_, hi]| hi + 100.0).collect();
        let p = t.untransform(&lows);
        assert_eq!(p["a_float"], -2.0);
        assert_eq!(p["d_int"], -3.0);
        assert_eq!(p["f_int_log"], 1.0);
        let q = t.untransform(&highs);
        assert_eq!(q["a_float"], 3.0);
        assert_eq!(q["c_step"], 1.0);
        assert_eq!(q["e_int_step"], 10.0);
        assert_eq!(q["f_int_log"], 1000.0);
    }

    #[test]
    fn uniform_box_points_give_every_grid_value_fair_odds() {
        let mut s = SearchSpace::new();
        s.insert("i".into(), IntDistribution::new(0, 3, false, 1).unwrap().into());
        s.insert("c".into(), CategoricalDistribution::new(vec![1.into(), 2.into(), 3.into()]).unwrap().into());
        let t = SearchSpaceTransform::new(&s, TransformOptions::default());
        let mut rng = Rng::seed_from_u64(11);
        let (mut ints, mut cats) = ([0u32; 4], [0u32; 3]);
        for _ in 0..12_000 {
            let x: Vec<f64> = t.bounds().iter().map(|[lo, hi]| rng.uniform_range(*lo, *hi)).collect();
            let p = t.untransform(&x);
            ints[p["i"] as usize] += 1;
            cats[p["c"] as usize] += 1;
        }
        assert!(ints.iter().all(|&c| (2_700..3_300).contains(&c)), "{ints:?}");
        assert!(cats.iter().all(|&c| (3_700..4_300).contains(&c)), "{cats:?}");
    }

    #[test]
    fn zero_one_scales_into_unit_box() {
        let s = space();
        let t = SearchSpaceTransform::new(&s, TransformOptions { zero_one: true, ..Default::default() });
        let mut p = InternalParams::new();
        for (name, d) in &s {
            p.insert(name.clone(), if let Distribution::Categorical(_) = d { 2.0 } else { d_low(d) });
        }
        let x = t.transform(&p);
        assert!(x.iter().all(|v| (0.0..=1.0).contains(v)), "{x:?}");
        assert_eq!(t.bounds(), vec![[0.0, 1.0]; 9]);
    }

    fn d_low(d: &Distribution) -> f64 {
        match d {
            Distribution::Float(f) => f.low(),
            Distribution::Int(i) => i.low() as f64,
            Distribution::Categorical(_) => 0.0,
        }
    }
}
