//! The GP's view of a search space: one column per parameter in `[0, 1]`, as Optuna's
//! `_gp.search_space`. Numeric parameters go through the shared [`SearchSpaceTransform`] (log
//! scale, half-step widening, scaled to the unit interval); a categorical parameter is one column
//! holding its choice index, which the kernel compares by equality (not one-hot as TPE's
//! multivariate path).

use crate::distributions::Distribution;
use crate::samplers::{InternalParams, SearchSpace};
use crate::transform::{SearchSpaceTransform, TransformOptions};

/// Grids at most this long are searched exhaustively, one column at a time (Optuna's
/// `MAX_INT_EXHAUSTIVE_SEARCH_PARAMS`); longer ones by strides along their index.
pub const MAX_EXHAUSTIVE: usize = 16;

/// How the local search treats a column.
#[derive(Debug, Clone)]
pub enum Column {
    /// Moved by the gradient.
    Continuous,
    /// A numeric grid short enough to try every point (normalized values).
    Grid(Vec<f64>),
    /// A numeric grid of this many points, too long to try every one: searched along its index
    /// (points from [`GpSpace::grid_point`]), never moved by the gradient, so that a search
    /// never ends between two grid points.
    LongGrid(usize),
    /// A categorical with this many choices.
    Categorical(usize),
}

/// The normalized space.
#[derive(Debug, Clone)]
pub struct GpSpace {
    names: Vec<String>,
    /// One single-parameter transform per numeric parameter (None for categoricals).
    transforms: Vec<Option<SearchSpaceTransform>>,
    columns: Vec<Column>,
    /// `(low, step)` in internal units of each numeric column that lies on a grid (ints, stepped
    /// floats).
    steps: Vec<Option<(f64, f64)>>,
}

impl GpSpace {
    /// The space's parameters in name order.
    pub fn new(space: &SearchSpace) -> Self {
        let opts = TransformOptions { log: true, step: true, zero_one: true };
        let mut s = GpSpace { names: Vec::new(), transforms: Vec::new(), columns: Vec::new(), steps: Vec::new() };
        for (name, d) in space {
            s.names.push(name.clone());
            if let Distribution::Categorical(c) = d {
                s.transforms.push(None);
                s.columns.push(Column::Categorical(c.choices().len()));
                s.steps.push(None);
                continue;
            }
            let mut one = SearchSpace::new();
            one.insert(name.clone(), d.clone());
            let t = SearchSpaceTransform::new(&one, opts);
            // (low, step, points) of a grid.
            let grid = match d {
                Distribution::Int(i) => Some((i.low() as f64, i.step() as f64, i.len() as usize)),
                Distribution::Float(f) => {
                    f.step().map(|step| (f.low(), step, ((f.high() - f.low()) / step).round() as usize + 1))
                }
                _ => None,
            };
            let column = match grid {
                Some((low, step, n)) if n <= MAX_EXHAUSTIVE => {
                    Column::Grid((0..n).map(|k| encode_one(&t, name, low + k as f64 * step)).collect())
                }
                Some((_, _, n)) => Column::LongGrid(n),
                None => Column::Continuous,
            };
            s.steps.push(grid.map(|(low, step, _)| (low, step)));
            s.transforms.push(Some(t));
            s.columns.push(column);
        }
        s
    }

    /// Number of columns (= parameters).
    pub fn dim(&self) -> usize {
        self.names.len()
    }

    /// Parameter names, in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// How each column is searched.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Which columns are categorical.
    pub fn is_cat(&self) -> Vec<bool> {
        self.columns.iter().map(|c| matches!(c, Column::Categorical(_))).collect()
    }

    /// Normalized point of internal values (every parameter of the space must be present).
    pub fn encode(&self, params: &InternalParams) -> Vec<f64> {
        self.names
            .iter()
            .zip(&self.transforms)
            .map(|(name, t)| match t {
                Some(t) => encode_one(t, name, params[name]),
                None => params[name],
            })
            .collect()
    }

    /// Legal internal values of a normalized point (rounded to grids, clipped to bounds).
    pub fn decode(&self, x: &[f64]) -> InternalParams {
        let mut out = InternalParams::new();
        for (j, (name, t)) in self.names.iter().zip(&self.transforms).enumerate() {
            let v = match (t, &self.columns[j]) {
                (Some(t), _) => t.untransform(&[x[j]])[name],
                (None, Column::Categorical(k)) => x[j].round().clamp(0.0, (*k - 1) as f64),
                (None, _) => unreachable!("only categoricals lack a transform"),
            };
            out.insert(name.clone(), v);
        }
        out
    }

    /// Moves a point onto the space's grids (categorical indices, numeric steps); continuous
    /// columns stay.
    pub fn snap(&self, x: &mut [f64]) {
        for (j, v) in x.iter_mut().enumerate() {
            match (&self.transforms[j], &self.columns[j]) {
                (None, Column::Categorical(k)) => *v = v.round().clamp(0.0, (*k - 1) as f64),
                (Some(t), _) if self.steps[j].is_some() => {
                    let name = &self.names[j];
                    *v = encode_one(t, name, t.untransform(&[*v])[name]);
                }
                _ => {}
            }
        }
    }

    /// The normalized value of point `k` of grid column `j`.
    pub fn grid_point(&self, j: usize, k: usize) -> f64 {
        let ((low, step), Some(t)) = (self.steps[j].expect("a grid column"), &self.transforms[j]) else {
            unreachable!("grid columns are numeric")
        };
        encode_one(t, &self.names[j], low + k as f64 * step)
    }

    /// The index of the grid point of column `j` nearest to the normalized value `v`.
    pub fn grid_index(&self, j: usize, v: f64) -> usize {
        let ((low, step), Some(t)) = (self.steps[j].expect("a grid column"), &self.transforms[j]) else {
            unreachable!("grid columns are numeric")
        };
        let internal = t.untransform(&[v])[&self.names[j]];
        ((internal - low) / step).round().max(0.0) as usize
    }

    /// Maps a point of the unit cube into the space (categoricals take `floor(u·k)`), on grids.
    pub fn from_unit(&self, u: &[f64]) -> Vec<f64> {
        let mut x: Vec<f64> = u
            .iter()
            .zip(&self.columns)
            .map(|(&v, c)| match c {
                Column::Categorical(k) => (v * *k as f64).floor().min((*k - 1) as f64),
                _ => v,
            })
            .collect();
        self.snap(&mut x);
        x
    }
}

fn encode_one(t: &SearchSpaceTransform, name: &str, v: f64) -> f64 {
    let mut p = InternalParams::new();
    p.insert(name.to_owned(), v);
    t.transform(&p)[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::{CategoricalDistribution, FloatDistribution, IntDistribution};

    #[test]
    fn columns_round_trip_and_snap_to_grids() {
        let mut s = SearchSpace::new();
        s.insert("a".into(), FloatDistribution::new(1e-3, 1.0, true, None).unwrap().into());
        s.insert("b".into(), IntDistribution::new(0, 10, false, 2).unwrap().into());
        s.insert("c".into(), CategoricalDistribution::new(vec![1.into(), 2.into(), 3.into()]).unwrap().into());
        s.insert("d".into(), IntDistribution::new(1, 1000, true, 1).unwrap().into());
        let g = GpSpace::new(&s);
        assert!(matches!(g.columns()[1], Column::Grid(ref v) if v.len() == 6));
        assert!(matches!(g.columns()[3], Column::LongGrid(1000)));
        // Long grids: index and point agree with the encoding, in log scale too.
        for k in [0, 1, 36, 500, 999] {
            let v = g.grid_point(3, k);
            assert_eq!(g.grid_index(3, v), k);
            assert_eq!(g.decode(&[0.5, 0.5, 0.0, v])["d"], (k + 1) as f64);
        }
        assert_eq!(g.grid_index(3, 0.0), 0);
        assert_eq!(g.grid_index(3, 1.0), 999);
        assert_eq!(g.is_cat(), vec![false, false, true, false]);
        let p: InternalParams = [("a", 0.01), ("b", 4.0), ("c", 2.0), ("d", 37.0)].map(|(k, v)| (k.into(), v)).into();
        let x = g.encode(&p);
        assert!(x.iter().all(|v| (0.0..=2.0).contains(v)));
        let back = g.decode(&x);
        for (k, v) in &p {
            assert!((back[k] - v).abs() < 1e-9 * v.abs().max(1.0), "{k}");
        }
        // Half-step widening: b = 4 sits at 5/12 of [−1, 11].
        assert!((x[1] - 5.0 / 12.0).abs() < 1e-12);
        let mut y = vec![0.5, 0.55, 1.6, 0.5];
        g.snap(&mut y);
        assert_eq!(g.decode(&y)["b"], 6.0);
        assert_eq!(y[2], 2.0);
        assert_eq!(g.decode(&y)["d"].fract(), 0.0);
    }
}
