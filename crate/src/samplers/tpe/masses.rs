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
    /// Per numeric dimension, per slot: `(h, a)` for those (see [`Column::scale`]).
    scales: Vec<Vec<(f64, f64)>>,
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
                scales: vec![Vec::new(); bits.len()],
                log_z: vec![Vec::new(); n_grid],
                bounds: bits,
                log_product: Vec::new(),
            };
        }
        if self.log_product.len() < slots {
            let slots = slots.max(2 * self.log_product.len());
            self.log_product.resize(slots, f64::NAN);
            // NaN bits: no centre and bandwidth match them.
            self.keys.iter_mut().for_each(|k| k.resize(slots, (u64::MAX, u64::MAX)));
            self.scales.iter_mut().for_each(|k| k.resize(slots, (0.0, 0.0)));
            self.log_z.iter_mut().for_each(|z| z.resize(slots, 0.0));
        }
    }

    /// Whether `slot` holds a kernel's summary of its continuous dimensions (see [`Self::store`]).
    pub fn summarized(&self, slot: usize) -> bool {
        !self.log_product[slot].is_nan()
    }

    /// Numeric dimension `i`'s entries, for `Column::scale`.
    pub fn column(&mut self, i: usize) -> Column<'_> {
        Column { keys: &mut self.keys[i], scales: &mut self.scales[i] }
    }

    /// A stored kernel's `ln Π (σ / range)·Z` over the continuous dimensions.
    pub fn log_product(&self, slot: usize) -> f64 {
        self.log_product[slot]
    }

    /// A stored kernel's `ln Z` in grid dimension `g`.
    pub fn log_z(&self, g: usize, slot: usize) -> f64 {
        self.log_z[g][slot]
    }

    /// Stores a kernel's truncation terms, computed for the centres and bandwidths last passed to
    /// `Column::scale`. `log_product` is NaN when the fit could not summarize the continuous
    /// dimensions in one number (a product that had to be flushed to avoid underflow): such
    /// kernels are recomputed every time.
    pub fn store(&mut self, slot: usize, log_z: &[f64], log_product: f64) {
        for (z, v) in self.log_z.iter_mut().zip(log_z) {
            z[slot] = *v;
        }
        self.log_product[slot] = log_product;
    }
}

/// One numeric dimension's entries in a [`MassCache`].
pub struct Column<'c> {
    keys: &'c mut [(u64, u64)],
    scales: &'c mut [(f64, f64)],
}

impl Column<'_> {
    /// A kernel's scoring terms in this dimension, `h = 1/(σ√2)` and `a = μ·h`, and whether its
    /// centre or bandwidth here differ from those stored for `slot` (the kernel's stored
    /// truncation terms are then stale: see [`MassCache::store`]). Records the new centre and
    /// bandwidth.
    #[inline]
    pub fn scale(&mut self, slot: usize, mu: f64, sigma: f64) -> (f64, f64, bool) {
        let key = (mu.to_bits(), sigma.to_bits());
        if self.keys[slot] == key {
            let (h, a) = self.scales[slot];
            return (h, a, false);
        }
        let h = 1.0 / (sigma * std::f64::consts::SQRT_2);
        self.keys[slot] = key;
        self.scales[slot] = (h, mu * h);
        (h, mu * h, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether either dimension of the kernel at `slot` changed (recording it, as a fit does).
    fn changed(c: &mut MassCache, slot: usize, mus: [f64; 2], sigmas: [f64; 2]) -> bool {
        let a = c.column(0).scale(slot, mus[0], sigmas[0]).2;
        let b = c.column(1).scale(slot, mus[1], sigmas[1]).2;
        a | b
    }

    #[test]
    fn entries_are_reused_only_for_the_same_centre_bandwidth_and_box() {
        let mut c = MassCache::default();
        let bounds = [(0.0, 1.0), (-0.5, 10.5)];
        c.begin(&bounds, 1, 8);
        assert!(!c.summarized(3), "empty slot");
        assert!(changed(&mut c, 3, [0.2, 4.0], [0.1, 1.0]), "empty slot");
        c.store(3, &[-0.01], -2.5);
        assert!(c.summarized(3));
        assert!(!changed(&mut c, 3, [0.2, 4.0], [0.1, 1.0]));
        assert_eq!((c.log_product(3), c.log_z(0, 3)), (-2.5, -0.01));
        let (h, a, _) = c.column(0).scale(3, 0.2, 0.1);
        assert_eq!((h, a), (1.0 / (0.1 * std::f64::consts::SQRT_2), 0.2 / (0.1 * std::f64::consts::SQRT_2)));
        assert!(changed(&mut c, 3, [0.2, 4.0], [0.1, 1.5]), "another bandwidth");
        assert!(changed(&mut c, 3, [0.3, 4.0], [0.1, 1.5]), "another centre");
        assert!(!changed(&mut c, 3, [0.3, 4.0], [0.1, 1.5]), "the new values are recorded");
        assert!(changed(&mut c, 2, [0.2, 4.0], [0.1, 1.0]), "another slot");
        c.store(5, &[-0.01], f64::NAN);
        assert!(!c.summarized(5), "a NaN summary is never reused");
        c.begin(&bounds, 1, 100);
        assert!(c.summarized(3) && !changed(&mut c, 3, [0.3, 4.0], [0.1, 1.5]), "same box keeps entries, growing");
        c.begin(&[(0.0, 2.0), (-0.5, 10.5)], 1, 8);
        assert!(!c.summarized(3) && changed(&mut c, 3, [0.3, 4.0], [0.1, 1.5]), "another box empties the cache");
    }
}
