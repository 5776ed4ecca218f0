//! CMA-ES with margin (Hamano, Saito, Nomura & Shirakawa 2022, "CMA-ES with Margin:
//! Lower-Bounding Marginal Probability for Mixed-Integer Black-Box Optimization").
//!
//! Integer and stepped coordinates are evaluated at the grid point their sample falls on (after an
//! affine stretch `A`), and after each update the marginal probability that the sample leaves its
//! current grid cell is kept at least `margin` (by moving the mean or stretching `A`). Plain CMA-ES
//! on a grid stalls once σ shrinks below the cell width: every sample rounds to the same point.
//! The margin keeps proposing neighbouring points. Follows the `cmaes` package's `CMAwM`.

use serde::{Deserialize, Serialize};

use super::cma::Cma;
use crate::portable::PortableMath;
use crate::rng::Rng;

/// CMA-ES whose discrete coordinates keep a minimum probability of moving to a neighbour cell.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CmaWithMargin {
    cma: Cma,
    /// Coordinates on a grid, with their grid (first point, step, number of points).
    discrete: Vec<usize>,
    low: Vec<f64>,
    step: Vec<f64>,
    size: Vec<usize>,
    margin: f64,
    /// Per-coordinate stretch applied before rounding (1 for continuous ones).
    a: Vec<f64>,
}

impl CmaWithMargin {
    /// Wraps `cma`; `steps[i] > 0` marks coordinate `i` as a grid of that step starting at its
    /// lower bound (every such grid must have two points or more).
    pub fn new(cma: Cma, steps: &[f64], margin: Option<f64>) -> CmaWithMargin {
        let n = cma.dim();
        let mut w = CmaWithMargin {
            margin: margin.unwrap_or(1.0 / (n as f64 * cma.population_size() as f64)),
            discrete: Vec::new(),
            low: Vec::new(),
            step: Vec::new(),
            size: Vec::new(),
            a: vec![1.0; n],
            cma,
        };
        for (i, &s) in steps.iter().enumerate() {
            if s > 0.0 {
                let [lo, hi] = w.cma.bounds()[i];
                w.discrete.push(i);
                w.low.push(lo);
                w.step.push(s);
                w.size.push((((hi + s / 2.0 - lo) / s).ceil() as usize).max(2));
            }
        }
        w
    }

    /// The wrapped optimizer.
    pub fn cma(&self) -> &Cma {
        &self.cma
    }

    /// Mutable access to the wrapped optimizer (for stopping checks).
    pub fn cma_mut(&mut self) -> &mut Cma {
        &mut self.cma
    }

    fn value(&self, k: usize, index: usize) -> f64 {
        self.low[k] + index as f64 * self.step[k]
    }

    /// The threshold between grid points `index` and `index + 1`.
    fn limit(&self, k: usize, index: usize) -> f64 {
        (self.value(k, index) + self.value(k, index + 1)) / 2.0
    }

    fn index_of(&self, k: usize, v: f64) -> usize {
        let last = self.size[k] - 1;
        let mut idx = (((v - self.low[k]) / self.step[k]) + 0.5).floor().clamp(0.0, last as f64) as usize;
        // Floating error near a threshold: settle on the side the threshold says.
        if idx > 0 && v <= self.limit(k, idx - 1) {
            idx -= 1;
        }
        if idx < last && v > self.limit(k, idx.min(last - 1)) {
            idx += 1;
        }
        idx
    }

    /// A candidate: `(encoded, raw)`. `encoded` has discrete coordinates on their grid and is what
    /// gets evaluated; `raw` is the Gaussian sample the update must be told.
    pub fn ask(&mut self, rng: &mut Rng) -> (Vec<f64>, Vec<f64>) {
        let bounds = self.cma.bounds().to_vec();
        let continuous_ok = |x: &[f64], d: &[usize]| {
            x.iter().enumerate().all(|(i, v)| d.contains(&i) || (bounds[i][0] <= *v && *v <= bounds[i][1]))
        };
        let mut raw = self.cma.sample_unbounded(rng);
        let mut tries = 1;
        while !continuous_ok(&raw, &self.discrete) && tries <= self.cma_resampling() {
            raw = self.cma.sample_unbounded(rng);
            tries += 1;
        }
        for (i, v) in raw.iter_mut().enumerate() {
            if !self.discrete.contains(&i) {
                *v = v.clamp(bounds[i][0], bounds[i][1]);
            }
        }
        let mut encoded = raw.clone();
        let mean = self.cma.mean().to_vec();
        for (k, &i) in self.discrete.iter().enumerate() {
            let stretched = (raw[i] - mean[i]) * self.a[i] + mean[i];
            encoded[i] = self.value(k, self.index_of(k, stretched));
        }
        (encoded, raw)
    }

    fn cma_resampling(&self) -> usize {
        10 * self.cma.dim()
    }

    /// Updates from one population of `(raw, value)` (the raw samples [`Self::ask`] returned), then
    /// restores the margin on every discrete coordinate.
    pub fn tell(&mut self, solutions: Vec<(Vec<f64>, f64)>) {
        self.cma.tell(solutions);
        let sigma = self.cma.sigma();
        for (k, &i) in self.discrete.clone().iter().enumerate() {
            let m = self.cma.mean()[i];
            let pos = self.index_of(k, m);
            let lo_idx = pos.saturating_sub(1).min(self.size[k] - 2);
            let up_idx = pos.min(self.size[k] - 2);
            let (lim_lo, lim_up) = (self.limit(k, lo_idx), self.limit(k, up_idx));
            let sd_c = self.cma.cov_diag(i).sqrt();
            let scale = sigma * self.a[i] * sd_c;
            let low_p = ndtr((lim_lo - m) / scale);
            let up_p = 1.0 - ndtr((lim_up - m) / scale);
            let mid_p = 1.0 - low_p - up_p;
            let mut mean = m;
            if low_p.max(up_p) > 0.5 {
                // The mean sits in an edge cell: pull it back so the way out keeps `margin`.
                if low_p.min(up_p) < self.margin {
                    let sign = (m - lim_up).signum();
                    let dist = sigma * self.a[i] * ndtri(1.0 - self.margin) * sd_c;
                    mean = lim_up + sign * dist;
                }
            } else {
                // Inside: stretch A and place the mean so both neighbours keep `margin`.
                let (lp, upp) = (low_p.max(self.margin / 2.0), up_p.max(self.margin / 2.0));
                let denom = lp + mid_p + upp - 1.5 * self.margin;
                let excess = 1.0 - lp - upp - mid_p;
                let ml = (lp + excess * (lp - self.margin / 2.0) / denom).clamp(1e-10, 0.5 - 1e-10);
                let mu = (upp + excess * (upp - self.margin / 2.0) / denom).clamp(1e-10, 0.5 - 1e-10);
                let (ql, qu) = (ndtri(1.0 - ml), ndtri(1.0 - mu));
                self.a[i] = (lim_up - lim_lo) / ((ql + qu) * sigma * sd_c);
                mean = (lim_lo * qu + lim_up * ql) / (ql + qu);
            }
            self.cma.mean_mut()[i] = mean;
        }
    }
}

/// The standard normal CDF.
fn ndtr(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// The standard normal quantile: Acklam's rational approximation, polished by one Halley step
/// (absolute error below 1e-13 on (1e-300, 1 − 1e-16)).
pub(crate) fn ndtri(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] =
        [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < 0.02425 {
        tail((-2.0 * p.ln_p()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln_p()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // Halley's step on Φ(x) − p.
    let e = ndtr(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp_p();
    x - u / (1.0 + x * u / 2.0)
}

#[cfg(test)]
mod tests {
    use super::super::cma::CmaConfig;
    use super::*;

    #[test]
    fn ndtri_inverts_ndtr() {
        for p in [1e-12, 1e-6, 0.01, 0.1, 0.3, 0.5, 0.77, 0.975, 0.999_999] {
            let x = ndtri(p);
            assert!((ndtr(x) - p).abs() < 1e-12 * p.max(1e-3), "p {p}: x {x}");
        }
        assert!((ndtri(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
    }

    #[test]
    fn integer_coordinates_keep_moving() {
        // Two integer coordinates in [0, 10] encoded on [0, 1] with step 0.1, minimum at (3, 7):
        // once σ has collapsed, the margin must still produce samples off the incumbent.
        let cma = Cma::new(CmaConfig {
            mean: vec![0.5, 0.5],
            sigma: 1.0 / 6.0,
            cov: None,
            bounds: vec![[0.0, 1.0]; 2],
            popsize: None,
            n_max_resampling: 20,
            separable: false,
            lr_adapt: false,
        });
        let mut w = CmaWithMargin::new(cma, &[0.1, 0.1], None);
        let mut rng = Rng::seed_from_u64(11);
        let f = |x: &[f64]| (x[0] - 0.3).powi(2) + (x[1] - 0.7).powi(2);
        let mut late_distinct = std::collections::BTreeSet::new();
        for g in 0..300 {
            let pop: Vec<_> = (0..w.cma().population_size())
                .map(|_| {
                    let (enc, raw) = w.ask(&mut rng);
                    if g >= 250 {
                        late_distinct.insert(((enc[0] * 10.0).round() as i64, (enc[1] * 10.0).round() as i64));
                    }
                    (raw, f(&enc))
                })
                .collect();
            w.tell(pop);
        }
        assert!(late_distinct.contains(&(3, 7)), "{late_distinct:?}");
        assert!(late_distinct.len() >= 2, "stalled on {late_distinct:?}");
    }
}
