//! A limited-memory quasi-Newton minimizer with box bounds, for the GP's two inner problems:
//! the kernel hyperparameters (unbounded, in log space) and the acquisition's local search (inside
//! the unit box, scaled by the length scales).
//!
//! It is L-BFGS-B in the projected form (Bertsekas 1982; Kim, Sra & Dhillon 2010) rather than
//! Byrd, Lu, Nocedal & Zhu's (1995) generalized-Cauchy-point algorithm that SciPy wraps: each step
//! fixes the variables held at a bound by their gradient, takes the two-loop L-BFGS direction over
//! the others, projects the trial point back into the box and backtracks until the Armijo
//! condition holds along the projected path. With no bounds it is plain L-BFGS. Stopping rules are
//! SciPy's: the projected gradient's largest component below `pgtol`, or a relative decrease of the
//! value below `ftol`. No crate offers a pure-Rust bounded L-BFGS that builds for wasm32, so it is
//! written here once and tested against known minima.

/// Stopping rules and memory.
#[derive(Debug, Clone, Copy)]
pub struct LbfgsOptions {
    /// Pairs of (step, gradient change) remembered (SciPy's default: 10).
    pub memory: usize,
    /// Stop when every projected gradient component is at most this.
    pub pgtol: f64,
    /// Stop when `(f_k − f_{k+1}) ≤ ftol · max(|f_k|, |f_{k+1}|, 1)` (SciPy: `factr · eps`).
    pub ftol: f64,
    /// Iteration cap.
    pub max_iters: usize,
}

impl Default for LbfgsOptions {
    fn default() -> Self {
        LbfgsOptions { memory: 10, pgtol: 1e-5, ftol: 1e7 * f64::EPSILON, max_iters: 200 }
    }
}

/// Curvature pairs (step, gradient change) remembered between calls: a problem that changes
/// little from one call to the next (the GP's likelihood after one more observation) starts with
/// the last call's curvature instead of a steepest-descent step.
#[derive(Debug, Clone, Default)]
pub struct LbfgsMemory {
    pairs: Vec<(Vec<f64>, Vec<f64>)>,
}

/// Where the search ended.
#[derive(Debug, Clone)]
pub struct LbfgsResult {
    /// The best point found.
    pub x: Vec<f64>,
    /// Its value.
    pub f: f64,
    /// Iterations taken (0 when the start already met a stopping rule).
    pub iters: usize,
    /// Evaluations of `f`.
    pub evals: usize,
}

/// Minimizes `fg` (value and gradient, written into its second argument) from `x0` inside
/// `bounds` (`[low, high]` per variable; infinite ends allowed). A non-finite value counts as a
/// failed trial step and is backtracked from; `x0` itself must give a finite value, or it is
/// returned unchanged.
pub fn minimize(
    fg: impl FnMut(&[f64], &mut [f64]) -> f64,
    x0: &[f64],
    bounds: &[[f64; 2]],
    opts: &LbfgsOptions,
) -> LbfgsResult {
    minimize_with_memory(fg, x0, bounds, opts, &mut LbfgsMemory::default())
}

/// [`minimize`], starting from and leaving behind the curvature pairs in `memory` (pairs of
/// another length are dropped).
pub fn minimize_with_memory(
    mut fg: impl FnMut(&[f64], &mut [f64]) -> f64,
    x0: &[f64],
    bounds: &[[f64; 2]],
    opts: &LbfgsOptions,
    memory: &mut LbfgsMemory,
) -> LbfgsResult {
    let n = x0.len();
    let project = |x: &mut [f64]| {
        for (v, [lo, hi]) in x.iter_mut().zip(bounds) {
            *v = v.clamp(*lo, *hi);
        }
    };
    let mut x = x0.to_vec();
    project(&mut x);
    let mut g = vec![0.0; n];
    let mut f = fg(&x, &mut g);
    let mut evals = 1;
    if !f.is_finite() {
        return LbfgsResult { x, f, iters: 0, evals };
    }
    let (mut s_hist, mut y_hist, mut rho): (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<f64>) = (vec![], vec![], vec![]);
    for (s, y) in std::mem::take(&mut memory.pairs) {
        let sy: f64 = s.iter().zip(&y).map(|(a, b)| a * b).sum();
        if s.len() == n && sy > 0.0 {
            rho.push(1.0 / sy);
            s_hist.push(s);
            y_hist.push(y);
        }
    }
    let (mut x_new, mut g_new, mut d) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut free = vec![true; n];
    let mut iters = 0;
    while iters < opts.max_iters {
        // A variable at a bound whose gradient pushes outward stays fixed this step.
        let mut pg_max = 0.0f64;
        for i in 0..n {
            let [lo, hi] = bounds[i];
            let fixed = (x[i] <= lo && g[i] > 0.0) || (x[i] >= hi && g[i] < 0.0);
            free[i] = !fixed;
            let pg = (x[i] - g[i]).clamp(lo, hi) - x[i];
            pg_max = pg_max.max(pg.abs());
        }
        if pg_max <= opts.pgtol {
            break;
        }
        // Two-loop recursion over the free variables.
        for i in 0..n {
            d[i] = if free[i] { -g[i] } else { 0.0 };
        }
        let m = s_hist.len();
        let mut a = vec![0.0; m];
        for k in (0..m).rev() {
            a[k] = rho[k] * masked_dot(&s_hist[k], &d, &free);
            for i in 0..n {
                if free[i] {
                    d[i] -= a[k] * y_hist[k][i];
                }
            }
        }
        if m > 0 {
            let (s, y) = (&s_hist[m - 1], &y_hist[m - 1]);
            let (sy, yy) = (masked_dot(s, y, &free), masked_dot(y, y, &free));
            if sy > 0.0 && yy > 0.0 {
                let gamma = sy / yy;
                d.iter_mut().for_each(|v| *v *= gamma);
            }
        }
        for k in 0..m {
            let b = rho[k] * masked_dot(&y_hist[k], &d, &free);
            for i in 0..n {
                if free[i] {
                    d[i] += (a[k] - b) * s_hist[k][i];
                }
            }
        }
        let mut slope: f64 = d.iter().zip(&g).map(|(a, b)| a * b).sum();
        if slope.is_nan() || slope >= 0.0 {
            // The curvature memory no longer gives a descent direction: restart from steepest descent.
            s_hist.clear();
            y_hist.clear();
            rho.clear();
            for i in 0..n {
                d[i] = if free[i] { -g[i] } else { 0.0 };
            }
            slope = -d.iter().map(|v| v * v).sum::<f64>();
        }
        // The first step has no curvature information: keep it to unit length.
        let mut step = if s_hist.is_empty() { (1.0 / slope.abs().sqrt()).min(1.0) } else { 1.0 };
        let mut accepted = false;
        let mut f_new = f;
        let d_max = d.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for _ in 0..20 {
            // A step too short to move any variable measurably means no progress is possible here.
            if step * d_max <= 1e-10 * x.iter().fold(1.0f64, |m, v| m.max(v.abs())) {
                break;
            }
            for i in 0..n {
                x_new[i] = x[i] + step * d[i];
            }
            project(&mut x_new);
            f_new = fg(&x_new, &mut g_new);
            evals += 1;
            let decrease: f64 = x_new.iter().zip(&x).zip(&g).map(|((a, b), gi)| (a - b) * gi).sum();
            if f_new.is_finite() && f_new <= f + 1e-4 * decrease.min(0.0) {
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            break;
        }
        iters += 1;
        let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy: f64 = s.iter().zip(&y).map(|(a, b)| a * b).sum();
        if sy > 1e-10 * y.iter().map(|v| v * v).sum::<f64>().max(f64::MIN_POSITIVE) {
            if s_hist.len() == opts.memory {
                s_hist.remove(0);
                y_hist.remove(0);
                rho.remove(0);
            }
            s_hist.push(s);
            y_hist.push(y);
            rho.push(1.0 / sy);
        }
        let f_old = f;
        std::mem::swap(&mut x, &mut x_new);
        std::mem::swap(&mut g, &mut g_new);
        f = f_new;
        if f_old - f <= opts.ftol * f_old.abs().max(f.abs()).max(1.0) {
            break;
        }
    }
    memory.pairs = s_hist.into_iter().zip(y_hist).collect();
    LbfgsResult { x, f, iters, evals }
}

fn masked_dot(a: &[f64], b: &[f64], mask: &[bool]) -> f64 {
    a.iter().zip(b).zip(mask).filter(|(_, m)| **m).map(|((x, y), _)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64], g: &mut [f64]) -> f64 {
        let (a, b) = (x[0], x[1]);
        g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
        g[1] = 200.0 * (b - a * a);
        (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
    }

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let inf = f64::INFINITY;
        let r = minimize(rosenbrock, &[-1.2, 1.0], &[[-inf, inf]; 2], &LbfgsOptions::default());
        assert!((r.x[0] - 1.0).abs() < 1e-4 && (r.x[1] - 1.0).abs() < 1e-4, "{r:?}");
        assert!(r.f < 1e-8, "{r:?}");
    }

    #[test]
    fn stops_on_an_active_bound() {
        // With a ≤ 0.5 the minimum is (0.5, 0.25), value 0.25: the best b for each a is a².
        let r = minimize(rosenbrock, &[-1.2, 1.0], &[[-2.0, 0.5], [-2.0, 2.0]], &LbfgsOptions::default());
        assert!((r.x[0] - 0.5).abs() < 1e-9 && (r.x[1] - 0.25).abs() < 1e-4, "{r:?}");
        assert!((r.f - 0.25).abs() < 1e-7, "{r:?}");
    }

    #[test]
    fn separable_quadratic_with_bounds_on_both_sides() {
        // Σ (i+1)(x_i − c_i)²: the minimum clips each c_i into [0, 1].
        let c = [-0.5, 0.3, 1.7, 0.9, 2.0];
        let fg = |x: &[f64], g: &mut [f64]| {
            let mut f = 0.0;
            for i in 0..x.len() {
                let w = (i + 1) as f64;
                f += w * (x[i] - c[i]).powi(2);
                g[i] = 2.0 * w * (x[i] - c[i]);
            }
            f
        };
        let r = minimize(fg, &[0.5; 5], &[[0.0, 1.0]; 5], &LbfgsOptions::default());
        for (x, c) in r.x.iter().zip(c) {
            assert!((x - c.clamp(0.0, 1.0)).abs() < 1e-6, "{r:?}");
        }
    }

    #[test]
    fn ill_conditioned_quadratic_in_ten_dimensions() {
        let fg = |x: &[f64], g: &mut [f64]| {
            let mut f = 0.0;
            for i in 0..x.len() {
                let w = 10f64.powi(i as i32 / 2);
                f += 0.5 * w * (x[i] - 1.0).powi(2);
                g[i] = w * (x[i] - 1.0);
            }
            f
        };
        let inf = f64::INFINITY;
        let opts = LbfgsOptions { pgtol: 1e-8, ftol: 0.0, ..Default::default() };
        let r = minimize(fg, &[0.0; 10], &[[-inf, inf]; 10], &opts);
        assert!(r.x.iter().all(|v| (v - 1.0).abs() < 1e-6), "{r:?}");
    }

    #[test]
    fn remembered_curvature_shortens_a_nearby_problem() {
        let inf = f64::INFINITY;
        let quad = |c: f64| {
            move |x: &[f64], g: &mut [f64]| {
                let mut f = 0.0;
                for i in 0..x.len() {
                    let w = 1.0 + 30.0 * i as f64;
                    f += 0.5 * w * (x[i] - c).powi(2);
                    g[i] = w * (x[i] - c);
                }
                f
            }
        };
        let opts = LbfgsOptions { pgtol: 1e-6, ftol: 0.0, ..Default::default() };
        let mut memory = LbfgsMemory::default();
        let first = minimize_with_memory(quad(1.0), &[0.0; 6], &[[-inf, inf]; 6], &opts, &mut memory);
        let cold = minimize(quad(1.1), &first.x, &[[-inf, inf]; 6], &opts);
        let warm = minimize_with_memory(quad(1.1), &first.x, &[[-inf, inf]; 6], &opts, &mut memory);
        assert!(warm.x.iter().all(|v| (v - 1.1).abs() < 1e-6), "{warm:?}");
        assert!(warm.evals < cold.evals, "warm {} vs cold {}", warm.evals, cold.evals);
    }

    #[test]
    fn a_start_without_a_finite_value_is_returned_as_is() {
        let r = minimize(|_, _| f64::NAN, &[3.0], &[[0.0, 1.0]], &LbfgsOptions::default());
        assert_eq!((r.x, r.iters), (vec![1.0], 0));
    }
}
