//! `QMCSampler`: low-discrepancy sequences (Optuna's `QMCSampler`, which wraps SciPy's engines).
//!
//! - Sobol: Joe & Kuo's `new-joe-kuo-6` direction numbers (up to 1,000 columns, data from the
//!   `sobol` crate), points in Gray-code order as SciPy draws them, so the unscrambled sequence
//!   equals `scipy.stats.qmc.Sobol(d, scramble=False)`. Scrambling is a random linear matrix
//!   scramble plus a digital shift (Matoušek 1998; Owen 2003), the same kind SciPy applies,
//!   though not bit-for-bit SciPy's, since the random numbers differ.
//! - Halton: radical inverses in the first `d` primes, as `scipy.stats.qmc.Halton(d,
//!   scramble=False)`; scrambling permutes the digits of each base at random.
//!
//! As Optuna: the joint space is the one of the first complete trial (trials before that, and
//! parameters outside it, use `RandomSampler`); trial k of this sampler takes point k of the
//! sequence, counted through the `qmc:sample_id` system attribute so that a restored study carries
//! on where it stopped. Points are mapped to the space through the shared transform.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use super::{InternalParams, RandomSampler, RandomSamplerOptions, Sampler, SearchSpace, StudyView, SystemAttrs};
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::transform::{SearchSpaceTransform, TransformOptions};
use crate::trial::{FrozenTrial, TrialState};

const SAMPLE_ID_KEY: &str = "qmc:sample_id";
const BITS: usize = 32;

/// Which sequence to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QmcType {
    /// Sobol with Joe–Kuo direction numbers (Optuna's default).
    #[default]
    Sobol,
    /// Halton in prime bases.
    Halton,
}

/// Options, with Optuna's keyword names.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QmcSamplerOptions {
    /// `"sobol"` or `"halton"`.
    #[serde(default)]
    pub qmc_type: QmcType,
    /// Randomize the sequence (Optuna's default is false).
    #[serde(default)]
    pub scramble: bool,
    /// Seed for scrambling and the independent sampler.
    pub seed: Option<u64>,
    /// Accepted for Optuna compatibility; warnings are not emitted by the engine.
    pub warn_independent_sampling: Option<bool>,
    /// Accepted for Optuna compatibility; warnings are not emitted by the engine.
    pub warn_asynchronous_seeding: Option<bool>,
}

/// Quasi-random sampling.
pub struct QmcSampler {
    qmc_type: QmcType,
    scramble: bool,
    /// Seed the scrambling derives from (fixed per sampler, so the sequence is one sequence).
    scramble_seed: u64,
    independent: RandomSampler,
    initial_space: Option<SearchSpace>,
}

impl QmcSampler {
    /// A sampler with `options`.
    pub fn new(options: QmcSamplerOptions) -> Result<Self> {
        let scramble_seed = options.seed.unwrap_or_else(|| Rng::from_entropy().next_u64());
        Ok(QmcSampler {
            qmc_type: options.qmc_type,
            scramble: options.scramble,
            scramble_seed,
            independent: RandomSampler::new(RandomSamplerOptions { seed: options.seed }),
            initial_space: None,
        })
    }

    fn sequence_key(&self) -> Value {
        Value::String(format!(
            "{}:{}:{}",
            match self.qmc_type {
                QmcType::Sobol => "sobol",
                QmcType::Halton => "halton",
            },
            self.scramble,
            self.scramble_seed
        ))
    }

    /// Point `index` of this sampler's `dim`-dimensional sequence, in `[0, 1)^dim`.
    pub fn point(&self, index: u64, dim: usize) -> Result<Vec<f64>> {
        match self.qmc_type {
            QmcType::Sobol => sobol_point(index, dim, self.scramble.then_some(self.scramble_seed)),
            QmcType::Halton => Ok(halton_point(index, dim, self.scramble.then_some(self.scramble_seed))),
        }
    }
}

impl Sampler for QmcSampler {
    fn before_trial(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<SystemAttrs> {
        if self.infer_relative_search_space(study, trial)?.is_empty() {
            return Ok(Vec::new());
        }
        let key = self.sequence_key();
        let id = study
            .trials
            .iter()
            .filter(|t| t.system_attrs.get(SAMPLE_ID_KEY).and_then(|v| v.get("sequence")) == Some(&key))
            .count();
        Ok(vec![(SAMPLE_ID_KEY.into(), serde_json::json!({"sequence": key, "id": id}))])
    }

    fn infer_relative_search_space(&mut self, study: &StudyView, _trial: &FrozenTrial) -> Result<SearchSpace> {
        if self.initial_space.is_none() {
            if let Some(first) = study.trials.iter().find(|t| t.state == TrialState::Complete) {
                let space = first
                    .params
                    .iter()
                    .filter(|(_, p)| !p.distribution.single())
                    .map(|(k, p)| (k.clone(), p.distribution.clone()))
                    .collect();
                self.initial_space = Some(space);
            }
        }
        Ok(self.initial_space.clone().unwrap_or_default())
    }

    fn sample_relative(&mut self, _: &StudyView, trial: &FrozenTrial, space: &SearchSpace) -> Result<InternalParams> {
        let Some(id) = trial.system_attrs.get(SAMPLE_ID_KEY).and_then(|v| v.get("id")).and_then(Value::as_u64) else {
            return Ok(InternalParams::new());
        };
        let t = SearchSpaceTransform::new(space, TransformOptions::default());
        let u = self.point(id, t.n_columns())?;
        let x: Vec<f64> = t.bounds().iter().zip(&u).map(|([lo, hi], u)| lo + u * (hi - lo)).collect();
        Ok(t.untransform(&x))
    }

    fn sample_independent(&mut self, s: &StudyView, t: &FrozenTrial, name: &str, d: &Distribution) -> Result<f64> {
        self.independent.sample_independent(s, t, name, d)
    }
}

/// Direction numbers `v[dim][bit]` (bit 0 is the most significant), dimension 0 being van der Corput.
fn direction_numbers() -> &'static Vec<[u32; BITS]> {
    static TABLE: OnceLock<Vec<[u32; BITS]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let params = sobol::params::JoeKuoD6::standard();
        let mut table = Vec::with_capacity(params.dim_params.len() + 1);
        let mut first = [0u32; BITS];
        for (k, v) in first.iter_mut().enumerate() {
            *v = 1 << (BITS - 1 - k);
        }
        table.push(first);
        for p in &params.dim_params {
            let s = p.m.len();
            let mut m = [0u32; BITS];
            m[..s.min(BITS)].copy_from_slice(&p.m[..s.min(BITS)]);
            // Bratley & Fox's recurrence on the m_k, driven by the primitive polynomial's coefficients a.
            for k in s..BITS {
                let mut mk = m[k - s] ^ (m[k - s] << s);
                for j in 1..s {
                    if (p.a >> (s - 1 - j)) & 1 == 1 {
                        mk ^= m[k - j] << j;
                    }
                }
                m[k] = mk;
            }
            let mut v = [0u32; BITS];
            for k in 0..BITS {
                v[k] = m[k] << (BITS - 1 - k);
            }
            table.push(v);
        }
        table
    })
}

/// The `index`-th Sobol point (Gray-code order), optionally scrambled from `seed`.
pub fn sobol_point(index: u64, dim: usize, scramble_seed: Option<u64>) -> Result<Vec<f64>> {
    let table = direction_numbers();
    if dim > table.len() {
        return Err(Error::InvalidArgument(format!(
            "QMCSampler: Sobol supports at most {} dimensions, the space has {dim}",
            table.len()
        )));
    }
    if index >= 1u64 << BITS {
        return Err(Error::InvalidArgument("QMCSampler: the Sobol sequence is exhausted (2^32 points)".into()));
    }
    let gray = index ^ (index >> 1);
    let mut rng = scramble_seed.map(Rng::seed_from_u64);
    Ok((0..dim)
        .map(|d| {
            let mut v = table[d];
            let mut shift = 0u32;
            if let Some(rng) = rng.as_mut() {
                // Linear matrix scramble: a random lower-triangular bit matrix with unit diagonal
                // applied to each direction number (bit i, counted from the most significant, becomes
                // the parity of bits 0..=i selected by row i), then a random digital shift.
                let rows: Vec<u32> = (0..BITS)
                    .map(|i| {
                        let above = if i == 0 { 0 } else { !(u32::MAX >> i) };
                        (1u32 << (BITS - 1 - i)) | (rng.next_u64() as u32 & above)
                    })
                    .collect();
                for vk in v.iter_mut() {
                    let mut out = 0u32;
                    for (i, row) in rows.iter().enumerate() {
                        if (*vk & row).count_ones() % 2 == 1 {
                            out |= 1 << (BITS - 1 - i);
                        }
                    }
                    *vk = out;
                }
                shift = rng.next_u64() as u32;
            }
            let mut x = shift;
            for (k, vk) in v.iter().enumerate() {
                if (gray >> k) & 1 == 1 {
                    x ^= vk;
                }
            }
            x as f64 / (1u64 << BITS) as f64
        })
        .collect())
}

const PRIMES: [u64; 32] = [
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109,
    113, 127, 131,
];

fn nth_prime(n: usize) -> u64 {
    if n < PRIMES.len() {
        return PRIMES[n];
    }
    let mut count = PRIMES.len() - 1;
    let mut p = PRIMES[count];
    while count < n {
        p += 2;
        if (3..).step_by(2).take_while(|d| d * d <= p).all(|d| p % d != 0) {
            count += 1;
        }
    }
    p
}

/// The `index`-th Halton point, optionally with digits permuted at random from `seed`.
pub fn halton_point(index: u64, dim: usize, scramble_seed: Option<u64>) -> Vec<f64> {
    let mut rng = scramble_seed.map(Rng::seed_from_u64);
    (0..dim)
        .map(|d| {
            let base = nth_prime(d);
            let perm: Option<Vec<u64>> = rng.as_mut().map(|r| {
                let mut p: Vec<u64> = (0..base).collect();
                r.shuffle(&mut p);
                p
            });
            // With permuted digits, leading zeros matter too: use as many digits as f64 resolves.
            let n_digits = ((53.0 * std::f64::consts::LN_2) / (base as f64).ln()).ceil() as usize;
            let (mut i, mut x, mut scale) = (index, 0.0, 1.0 / base as f64);
            for _ in 0..n_digits {
                let digit = i % base;
                let digit = perm.as_ref().map_or(digit, |p| p[digit as usize]);
                x += digit as f64 * scale;
                i /= base;
                scale /= base as f64;
                if i == 0 && perm.is_none() {
                    break;
                }
            }
            x.min(1.0 - f64::EPSILON)
        })
        .collect()
}
