//! Crossover operators for the genetic samplers, as Optuna's `optuna.samplers.nsgaii` names them.
//! Each combines parents given as points of the encoded numerical box (log parameters in log
//! space, ints and steps widened by half a step) into one child point; decoding clips it back.
//!
//! - `UniformCrossover`: each coordinate from either parent (Syswerda 1989).
//! - `BLXAlphaCrossover`: uniform in the parents' box widened by `alpha` (Eshelman & Schaffer 1993).
//! - `SBXCrossover`: simulated binary crossover with bounds (Deb & Agrawal 1995; Deb & Goyal 1996).
//! - `VSBXCrossover`: the modified SBX of Pan et al. 2021.
//! - `UNDXCrossover`: unimodal normal distribution crossover, three parents (Ono et al. 2003).
//! - `SPXCrossover`: simplex crossover, three parents (Tsutsui et al. 1999).
//!
//! Each follows Optuna 5.0.0's variant, including its quirks: UNDX draws with standard deviations
//! `sigma_xi²` and `sigma_eta²` (Optuna passes the variances as scales), and SBX and VSBX pick one
//! of two children per coordinate with `uniform_crossover_prob` and keep a parent's gene with
//! probability `1 − use_child_gene_prob`.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::portable::PortableMath;
use crate::rng::Rng;

/// A crossover operator with its options.
#[derive(Debug, Clone, PartialEq)]
pub enum Crossover {
    /// Each coordinate from the second parent with probability `swapping_prob`.
    Uniform {
        /// Probability of taking the second parent's gene.
        swapping_prob: f64,
    },
    /// Uniform in the parents' bounding box widened by `alpha` times its width on each side.
    BlxAlpha {
        /// Widening factor (0.5).
        alpha: f64,
    },
    /// Simulated binary crossover.
    Sbx(SbxOptions),
    /// Modified simulated binary crossover.
    Vsbx(SbxOptions),
    /// Unimodal normal distribution crossover.
    Undx {
        /// Spread along the line through the first two parents (0.5).
        sigma_xi: f64,
        /// Spread orthogonal to it (`0.35 / √n` when absent).
        sigma_eta: Option<f64>,
    },
    /// Simplex crossover.
    Spx {
        /// Expansion rate (`√(n + 2)` when absent).
        epsilon: Option<f64>,
    },
}

/// Options shared by SBX and VSBX.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SbxOptions {
    /// Distribution index (20 for several objectives, 2 for one, when absent).
    pub eta: Option<f64>,
    /// Probability of swapping the two children's genes (0.5).
    pub uniform_crossover_prob: f64,
    /// Probability of taking a child's gene rather than a parent's (0.5).
    pub use_child_gene_prob: f64,
}

impl Default for SbxOptions {
    fn default() -> Self {
        SbxOptions { eta: None, uniform_crossover_prob: 0.5, use_child_gene_prob: 0.5 }
    }
}

impl Crossover {
    /// Parses Optuna's class name with its keyword arguments.
    pub fn from_name(name: &str, kwargs: &Value) -> Result<Crossover> {
        let get = |key: &str, default: f64| -> Result<f64> {
            match kwargs.get(key) {
                None | Some(Value::Null) => Ok(default),
                Some(v) => {
                    v.as_f64().ok_or_else(|| Error::InvalidArgument(format!("{name}: `{key}` must be a number")))
                }
            }
        };
        let get_opt = |key: &str| -> Result<Option<f64>> {
            match kwargs.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_f64()
                    .map(Some)
                    .ok_or_else(|| Error::InvalidArgument(format!("{name}: `{key}` must be a number"))),
            }
        };
        let known: &[&str] = match name {
            "UniformCrossover" => &["swapping_prob"],
            "BLXAlphaCrossover" => &["alpha"],
            "SBXCrossover" | "VSBXCrossover" => &["eta", "uniform_crossover_prob", "use_child_gene_prob"],
            "UNDXCrossover" => &["sigma_xi", "sigma_eta"],
            "SPXCrossover" => &["epsilon"],
            _ => {
                return Err(Error::UnknownName {
                    kind: "crossover",
                    name: name.to_owned(),
                    known: CROSSOVER_NAMES.join(", "),
                });
            }
        };
        if let Some(map) = kwargs.as_object() {
            if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
                return Err(Error::InvalidArgument(format!(
                    "{name}: unknown option `{k}` (expected one of {})",
                    known.join(", ")
                )));
            }
        }
        let unit = |v: f64, what: &str, lo_open: bool| -> Result<f64> {
            let ok = if lo_open { v > 0.0 && v <= 1.0 } else { (0.0..=1.0).contains(&v) };
            if ok {
                Ok(v)
            } else {
                let range = if lo_open { "(0.0, 1.0]" } else { "[0.0, 1.0]" };
                Err(Error::InvalidArgument(format!("{name}: The value of `{what}` must be in the range {range}.")))
            }
        };
        Ok(match name {
            "UniformCrossover" => {
                Crossover::Uniform { swapping_prob: unit(get("swapping_prob", 0.5)?, "swapping_prob", false)? }
            }
            "BLXAlphaCrossover" => Crossover::BlxAlpha { alpha: get("alpha", 0.5)? },
            "SBXCrossover" | "VSBXCrossover" => {
                let eta = get_opt("eta")?;
                if eta.is_some_and(|e| e < 0.0) {
                    return Err(Error::InvalidArgument(format!(
                        "{name}: The value of `eta` must be greater than or equal to 0.0."
                    )));
                }
                let o = SbxOptions {
                    eta,
                    uniform_crossover_prob: unit(get("uniform_crossover_prob", 0.5)?, "uniform_crossover_prob", false)?,
                    use_child_gene_prob: unit(get("use_child_gene_prob", 0.5)?, "use_child_gene_prob", true)?,
                };
                if name == "SBXCrossover" { Crossover::Sbx(o) } else { Crossover::Vsbx(o) }
            }
            "UNDXCrossover" => Crossover::Undx { sigma_xi: get("sigma_xi", 0.5)?, sigma_eta: get_opt("sigma_eta")? },
            _ => Crossover::Spx { epsilon: get_opt("epsilon")? },
        })
    }

    /// How many parents it combines.
    pub fn n_parents(&self) -> usize {
        match self {
            Crossover::Undx { .. } | Crossover::Spx { .. } => 3,
            _ => 2,
        }
    }

    /// One child from `parents` (points of the box `bounds`); `multi_objective` picks SBX's
    /// default `eta`. The child may leave the box; the caller decodes with clipping.
    pub fn apply(&self, parents: &[Vec<f64>], bounds: &[[f64; 2]], multi_objective: bool, rng: &mut Rng) -> Vec<f64> {
        let n = bounds.len();
        match *self {
            Crossover::Uniform { swapping_prob } => {
                (0..n).map(|i| if rng.uniform() >= swapping_prob { parents[1][i] } else { parents[0][i] }).collect()
            }
            Crossover::BlxAlpha { alpha } => (0..n)
                .map(|i| {
                    let (lo, hi) = (parents[0][i].min(parents[1][i]), parents[0][i].max(parents[1][i]));
                    let d = alpha * (hi - lo);
                    let r = rng.uniform();
                    (hi + d - (lo - d)) * r + lo - d
                })
                .collect(),
            Crossover::Sbx(o) => {
                let eta = o.eta.unwrap_or(if multi_objective { 20.0 } else { 2.0 });
                let us: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
                let mut c1 = vec![0.0; n];
                let mut c2 = vec![0.0; n];
                for i in 0..n {
                    let (lo, hi) = (parents[0][i].min(parents[1][i]), parents[0][i].max(parents[1][i]));
                    let diff = (hi - lo).max(1e-10);
                    let [xl, xu] = bounds[i];
                    let beta_q = |beta: f64| {
                        let alpha = 2.0 - beta.powf_p(-(eta + 1.0));
                        let u = us[i];
                        if u > 1.0 / alpha {
                            (1.0 / (2.0 - u * alpha)).powf_p(1.0 / (eta + 1.0))
                        } else {
                            (u * alpha).powf_p(1.0 / (eta + 1.0))
                        }
                    };
                    c1[i] = 0.5 * ((lo + hi) - beta_q(1.0 + 2.0 * (lo - xl) / diff) * diff);
                    c2[i] = 0.5 * ((lo + hi) + beta_q(1.0 + 2.0 * (xu - hi) / diff) * diff);
                }
                mix_children(&c1, &c2, parents, o, rng)
            }
            Crossover::Vsbx(o) => {
                let eta = o.eta.unwrap_or(if multi_objective { 20.0 } else { 2.0 });
                let us: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
                let b1: Vec<f64> = us.iter().map(|u| (1.0 / (2.0 * u).max(1e-10)).powf_p(1.0 / (eta + 1.0))).collect();
                let b2: Vec<f64> =
                    us.iter().map(|u| (1.0 / (2.0 * (1.0 - u)).max(1e-10)).powf_p(1.0 / (eta + 1.0))).collect();
                let (p0, p1) = (&parents[0], &parents[1]);
                let c1: Vec<f64> = if rng.uniform() <= 0.5 {
                    (0..n).map(|i| 0.5 * ((1.0 + b1[i]) * p0[i] + (1.0 - b2[i]) * p1[i])).collect()
                } else {
                    (0..n).map(|i| 0.5 * ((1.0 - b1[i]) * p0[i] + (1.0 + b2[i]) * p1[i])).collect()
                };
                let c2: Vec<f64> = if rng.uniform() <= 0.5 {
                    (0..n).map(|i| 0.5 * ((3.0 - b1[i]) * p0[i] - (1.0 - b2[i]) * p1[i])).collect()
                } else {
                    (0..n).map(|i| 0.5 * (-(1.0 - b1[i]) * p0[i] + (3.0 - b2[i]) * p1[i])).collect()
                };
                mix_children(&c1, &c2, parents, o, rng)
            }
            Crossover::Undx { sigma_xi, sigma_eta } => undx(parents, n, sigma_xi, sigma_eta, rng),
            Crossover::Spx { epsilon } => {
                let k = parents.len();
                let g: Vec<f64> = (0..n).map(|i| parents.iter().map(|p| p[i]).sum::<f64>() / k as f64).collect();
                let rs: Vec<f64> = (0..k - 1).map(|j| rng.uniform().powf_p(1.0 / (j as f64 + 1.0))).collect();
                let eps = epsilon.unwrap_or(((n + 2) as f64).sqrt());
                let xs: Vec<Vec<f64>> =
                    parents.iter().map(|p| (0..n).map(|i| g[i] + eps * (p[i] - g[i])).collect()).collect();
                let mut c = vec![0.0; n];
                for j in 1..k {
                    for i in 0..n {
                        c[i] = rs[j - 1] * (xs[j - 1][i] - xs[j][i] + c[i]);
                    }
                }
                (0..n).map(|i| xs[k - 1][i] + c[i]).collect()
            }
        }
    }
}

/// The names [`Crossover::from_name`] knows.
pub const CROSSOVER_NAMES: &[&str] =
    &["UniformCrossover", "BLXAlphaCrossover", "SBXCrossover", "VSBXCrossover", "UNDXCrossover", "SPXCrossover"];

/// SBX/VSBX: per coordinate, a child's or a parent's gene (possibly swapped); then one of the two
/// resulting children.
fn mix_children(c1: &[f64], c2: &[f64], parents: &[Vec<f64>], o: SbxOptions, rng: &mut Rng) -> Vec<f64> {
    let n = c1.len();
    let (mut a, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let (x, y) =
            if rng.uniform() < o.use_child_gene_prob { (c1[i], c2[i]) } else { (parents[0][i], parents[1][i]) };
        if rng.uniform() >= o.uniform_crossover_prob {
            a.push(x);
            b.push(y);
        } else {
            a.push(y);
            b.push(x);
        }
    }
    if rng.uniform() < 0.5 { a } else { b }
}

fn undx(parents: &[Vec<f64>], n: usize, sigma_xi: f64, sigma_eta: Option<f64>, rng: &mut Rng) -> Vec<f64> {
    let (p0, p1, p2) = (&parents[0], &parents[1], &parents[2]);
    let mid: Vec<f64> = (0..n).map(|i| (p0[i] + p1[i]) / 2.0).collect();
    let d: Vec<f64> = (0..n).map(|i| p0[i] - p1[i]).collect();
    let sigma_eta = sigma_eta.unwrap_or(0.35 / (n as f64).sqrt());
    let etas: Vec<f64> = (0..n).map(|_| rng.normal() * sigma_eta * sigma_eta).collect();
    let xi = rng.normal() * sigma_xi * sigma_xi;
    let mut child: Vec<f64> = (0..n).map(|i| mid[i] + xi * d[i]).collect();
    if n > 1 {
        // Unit vector from the first parent to the second, and an orthonormal basis of its
        // complement (Gram–Schmidt over the coordinate axes).
        let v12: Vec<f64> = (0..n).map(|i| p1[i] - p0[i]).collect();
        let norm = v12.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-10);
        let e12: Vec<f64> = v12.iter().map(|v| v / norm).collect();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        // Distance from the third parent to the line through the first two.
        let v13: Vec<f64> = (0..n).map(|i| p2[i] - p0[i]).collect();
        let along = dot(&v13, &e12);
        let dist = (0..n).map(|i| v13[i] - along * e12[i]).map(|v| v * v).sum::<f64>().sqrt();
        let mut basis: Vec<Vec<f64>> = if e12.iter().any(|v| *v != 0.0) { vec![e12] } else { Vec::new() };
        for axis in 0..n {
            if basis.len() == n {
                break;
            }
            let mut v: Vec<f64> = (0..n).map(|i| if i == axis { 1.0 } else { 0.0 }).collect();
            for b in &basis {
                let p = dot(&v, b);
                v.iter_mut().zip(b).for_each(|(x, y)| *x -= p * y);
            }
            let len = dot(&v, &v).sqrt();
            if len > 1e-9 {
                basis.push(v.into_iter().map(|x| x / len).collect());
            }
        }
        for (k, e) in basis.iter().skip(1).take(n - 1).enumerate() {
            for i in 0..n {
                child[i] += dist * etas[k] * e[i];
            }
        }
    }
    child
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parents(k: usize) -> Vec<Vec<f64>> {
        (0..k).map(|j| vec![0.2 + 0.3 * j as f64, 0.8 - 0.3 * j as f64, 0.5]).collect()
    }

    #[test]
    fn every_operator_gives_finite_children_of_the_right_size() {
        let mut rng = Rng::seed_from_u64(1);
        for name in CROSSOVER_NAMES {
            let c = Crossover::from_name(name, &Value::Null).unwrap();
            let p = parents(c.n_parents());
            for _ in 0..200 {
                let child = c.apply(&p, &[[0.0, 1.0]; 3], true, &mut rng);
                assert_eq!(child.len(), 3);
                assert!(child.iter().all(|v| v.is_finite()), "{name}: {child:?}");
            }
        }
    }

    #[test]
    fn uniform_takes_genes_from_parents_and_blx_stays_in_the_widened_box() {
        let mut rng = Rng::seed_from_u64(2);
        let p = parents(2);
        let u = Crossover::Uniform { swapping_prob: 0.5 };
        for _ in 0..100 {
            let c = u.apply(&p, &[[0.0, 1.0]; 3], false, &mut rng);
            assert!((0..3).all(|i| c[i] == p[0][i] || c[i] == p[1][i]));
            let b = Crossover::BlxAlpha { alpha: 0.5 }.apply(&p, &[[0.0, 1.0]; 3], false, &mut rng);
            // x0 parents 0.2 and 0.5: width 0.3, widened to [0.05, 0.65].
            assert!((0.05 - 1e-12..=0.65 + 1e-12).contains(&b[0]), "{b:?}");
        }
    }

    #[test]
    fn sbx_children_centre_on_the_parents() {
        let mut rng = Rng::seed_from_u64(3);
        let p = vec![vec![0.3], vec![0.7]];
        let c = Crossover::from_name("SBXCrossover", &json!({"eta": 20})).unwrap();
        let xs: Vec<f64> = (0..4000).map(|_| c.apply(&p, &[[0.0, 1.0]], true, &mut rng)[0]).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        // With eta 20 children stay close to a parent.
        let near = xs.iter().filter(|x| (*x - 0.3).abs() < 0.1 || (*x - 0.7).abs() < 0.1).count();
        assert!(near as f64 > 0.95 * xs.len() as f64, "{near}");
    }

    #[test]
    fn options_are_checked() {
        for (name, kwargs, needle) in [
            ("SBXCrossover", json!({"eta": -1}), "eta"),
            ("UniformCrossover", json!({"swapping_prob": 2}), "swapping_prob"),
            ("VSBXCrossover", json!({"use_child_gene_prob": 0}), "use_child_gene_prob"),
            ("SPXCrossover", json!({"bogus": 1}), "bogus"),
            ("OnePointCrossover", json!({}), "crossover"),
        ] {
            let e = Crossover::from_name(name, &kwargs).unwrap_err().to_string();
            assert!(e.contains(needle), "{name}: {e}");
        }
    }
}
