//! How much memory the forest evaluators hold at once. In the page a study worker's wasm memory
//! only grows, so whatever an importance computation holds at its peak stays with the page for
//! good: fANOVA on a 10,000-trial study once kept all 64 trees and their cells alive together and
//! grew the worker by ~90 MB (issue #19). The forest is now consumed tree by tree; these tests pin
//! that down with an allocator that records the peak of live bytes (its own test binary, so that no
//! other test's allocations are counted). Byte counts are deterministic: no timing is involved.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;
use wasmtune::importance::get_param_importances;
use wasmtune::trial::Param;
use wasmtune::{ComponentSpec, Distribution, FrozenTrial, StudyDirection, TrialState};

struct PeakAlloc;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for PeakAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(live, Ordering::SeqCst);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

/// `n` complete trials of one float parameter on a smooth objective (every value distinct, so
/// every tree grows a leaf per distinct bootstrap row: the largest trees one parameter gives).
fn trials(n: usize) -> Vec<FrozenTrial> {
    let d = Distribution::from_json(
        &json!({"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 250.0, "log": false, "step": null}}),
    )
    .unwrap();
    (0..n)
        .map(|i| {
            let x = 250.0 * ((i as f64 * 0.618_033_988_75) % 1.0);
            let mut t = FrozenTrial::new(i as u64, i as u64, TrialState::Complete);
            t.values = Some(vec![x * (500.0 - 2.0 * x)]);
            t.params.insert("x".into(), Param { distribution: d.clone(), internal: x });
            t
        })
        .collect()
}

/// The peak of live bytes above those live before, while `f` runs. The tests of this binary run
/// one at a time (`PEAK` is global): see `one_at_a_time`.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let out = f();
    (out, PEAK.load(Ordering::SeqCst) - base)
}

fn importances(trials: &[FrozenTrial], evaluator: &str) -> f64 {
    let spec = ComponentSpec { name: evaluator.into(), kwargs: json!({"seed": 1}) };
    let raw = get_param_importances(trials, &[StudyDirection::Maximize], Some(&spec), None, None, false).unwrap();
    raw["x"]
}

#[test]
fn one_at_a_time() {
    let trials = trials(10_000);
    let trial_bytes = peak_during(|| trials.clone()).1;
    for evaluator in ["FanovaImportanceEvaluator", "MeanDecreaseImpurityImportanceEvaluator"] {
        let (x, peak) = peak_during(|| importances(&trials, evaluator));
        assert!(x > 0.0, "{evaluator}: x must matter, got {x}");
        // One tree of 10,000 bootstrap rows (~6,300 distinct: ~12,600 nodes of 56 bytes) and its
        // cells is about 1.5 MB; the whole forest of 64 was ~90 MB. 8 MB leaves room for the
        // encoded trials and the sorting scratch, and none for a second forest's worth of trees.
        assert!(peak < 8 << 20, "{evaluator}: held {:.1} MB at its peak over 10,000 trials", peak as f64 / 1048576.0);
        eprintln!(
            "{evaluator}: peak {:.2} MB (the trials themselves: {:.2} MB)",
            peak as f64 / 1048576.0,
            trial_bytes as f64 / 1048576.0
        );
    }
}
