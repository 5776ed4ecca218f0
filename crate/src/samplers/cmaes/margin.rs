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
use crate::portable::{ndtr, ndtri};
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

#[cfg(test)]
mod tests {
    use super::super::cma::CmaConfig;
    use super::*;

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
