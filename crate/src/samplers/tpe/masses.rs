//! Kernels' truncation terms kept from one fit to the next.
//!
//! A kernel's normalizer over the box (the mass of its truncated normal inside the bounds, per
//! numeric dimension) depends only on its centre and bandwidth. From one TPE trial to the next most
//! observations keep both: one new observation only changes the bandwidths of its sorted
//! neighbours. So each fit looks its kernels up here by a stable slot (from the trial number) and
//! recomputes only those whose centre or bandwidth bits changed. Reused values are the very values
//! a fresh computation gives, so the estimator's output does not depend on the cache.

/// Cached truncation terms by kernel slot, for one box (the numeric dimensions' bounds).
#[derive(Debug, Default, Clone)]
pub struct MassCache {
    /// `(low, high)` bits per numeric dimension: every entry is for this box only.
    bounds: Vec<(u64, u64)>,
    /// Per numeric dimension, per slot: `(centre, bandwidth)` bits.
    keys: Vec<Vec<(u64, u64)>>,
    /// Per grid dimension, per slot: `ln Z`.
    log_z: Vec<Vec<f64>>,
    /// Per slot: `ln Π (σ / range)·Z` over the continuous dimensions; NaN where the slot is empty
    /// or its value cannot be reused (see [`MassCache::store`]).
    log_product: Vec<f64>,
}

impl MassCache {
    /// Prepares the cache for a fit on a box with room for slots below `slots`: `bounds` are the
    /// numeric dimensions' `(low, high)` and `n_grid` how many of them are grids. A different box
    /// empties the cache.
    pub fn begin(&mut self, bounds: &[(f64, f64)], n_grid: usize, slots: usize) {
        let bits: Vec<(u64, u64)> = bounds.iter().map(|(l, h)| (l.to_bits(), h.to_bits())).collect();
        if bits != self.bounds || n_grid != self.log_z.len() {
            *self = MassCache {
                keys: vec![Vec::new(); bits.len()],
                log_z: vec![Vec::new(); n_grid],
                bounds: bits,
                log_product: Vec::new(),
            };
        }
        if self.log_product.len() < slots {
            let slots = slots.max(2 * self.log_product.len());
            self.log_product.resize(slots, f64::NAN);
            self.keys.iter_mut().for_each(|k| k.resize(slots, (0, 0)));
            self.log_z.iter_mut().for_each(|z| z.resize(slots, 0.0));
        }
    }

    /// Marks the kernels (by slot) whose entry is missing or was stored for other centres or
    /// bandwidths: `stale[k]` is set for each kernel `k` that must be recomputed. `mus[i]` and
    /// `sigmas[i]` hold the kernels' values in numeric dimension `i`.
    pub fn mark_stale(&self, slots: &[usize], mus: &[&[f64]], sigmas: &[&[f64]], stale: &mut [bool]) {
        for (st, slot) in stale.iter_mut().zip(slots) {
            *st = self.log_product[*slot].is_nan();
        }
        for ((keys, mus), sigmas) in self.keys.iter().zip(mus).zip(sigmas) {
            for (((st, slot), m), s) in stale.iter_mut().zip(slots).zip(*mus).zip(*sigmas) {
                *st |= keys[*slot] != (m.to_bits(), s.to_bits());
            }
        }
    }

    /// A stored kernel's `ln Π (σ / range)·Z` over the continuous dimensions.
    pub fn log_product(&self, slot: usize) -> f64 {
        self.log_product[slot]
    }

    /// A stored kernel's `ln Z` in grid dimension `g`.
    pub fn log_z(&self, g: usize, slot: usize) -> f64 {
        self.log_z[g][slot]
    }

    /// Stores a kernel's terms. `log_product` is NaN when the fit could not summarize the
    /// continuous dimensions in one number (a product that had to be flushed to avoid underflow):
    /// such kernels are recomputed every time.
    pub fn store(&mut self, slot: usize, mus: &[f64], sigmas: &[f64], log_z: &[f64], log_product: f64) {
        for ((keys, m), s) in self.keys.iter_mut().zip(mus).zip(sigmas) {
            keys[slot] = (m.to_bits(), s.to_bits());
        }
        for (z, v) in self.log_z.iter_mut().zip(log_z) {
            z[slot] = *v;
        }
        self.log_product[slot] = log_product;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stale(c: &MassCache, slot: usize, mus: [f64; 2], sigmas: [f64; 2]) -> bool {
        let mut st = [false];
        c.mark_stale(&[slot], &[&mus[..1], &mus[1..]], &[&sigmas[..1], &sigmas[1..]], &mut st);
        st[0]
    }

    #[test]
    fn entries_are_reused_only_for_the_same_centre_bandwidth_and_box() {
        let mut c = MassCache::default();
        let bounds = [(0.0, 1.0), (-0.5, 10.5)];
        c.begin(&bounds, 1, 8);
        assert!(stale(&c, 3, [0.2, 4.0], [0.1, 1.0]), "empty slot");
        c.store(3, &[0.2, 4.0], &[0.1, 1.0], &[-0.01], -2.5);
        assert!(!stale(&c, 3, [0.2, 4.0], [0.1, 1.0]));
        assert_eq!((c.log_product(3), c.log_z(0, 3)), (-2.5, -0.01));
        assert!(stale(&c, 3, [0.2, 4.0], [0.1, 1.5]), "another bandwidth");
        assert!(stale(&c, 3, [0.3, 4.0], [0.1, 1.0]), "another centre");
        assert!(stale(&c, 2, [0.2, 4.0], [0.1, 1.0]), "another slot");
        c.store(5, &[0.2, 4.0], &[0.1, 1.0], &[-0.01], f64::NAN);
        assert!(stale(&c, 5, [0.2, 4.0], [0.1, 1.0]), "a NaN summary is never reused");
        c.begin(&bounds, 1, 100);
        assert!(!stale(&c, 3, [0.2, 4.0], [0.1, 1.0]), "same box keeps entries, growing");
        c.begin(&[(0.0, 2.0), (-0.5, 10.5)], 1, 8);
        assert!(stale(&c, 3, [0.2, 4.0], [0.1, 1.0]), "another box empties the cache");
    }
}
