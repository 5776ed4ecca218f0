//! The same seed gives the same first 100 parameter sets, natively (here) and in headless
//! Chromium (`tests/wasm.rs` checks the same fixture). Regenerate the fixture after an intended
//! change of sampling with `WASMTUNE_UPDATE_FIXTURES=1 cargo test --test engine seed_parity::`.

use crate::common;

#[test]
fn first_100_parameter_sets_match_the_committed_fixture() {
    let lines = common::parity_lines(100);
    if std::env::var_os("WASMTUNE_UPDATE_FIXTURES").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seed_parity.jsonl");
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    }
    let expected: Vec<&str> = common::PARITY_FIXTURE.lines().collect();
    assert_eq!(expected.len(), lines.len(), "fixture has the wrong number of lines");
    for (i, (a, b)) in lines.iter().zip(&expected).enumerate() {
        assert_eq!(a, b, "line {i} differs");
    }
}

#[test]
fn a_different_seed_gives_different_parameters() {
    let space = wasmtune::distributions::search_space_from_json(&common::mixed_space()).unwrap();
    let run = |seed: u64| {
        let mut study = wasmtune::Study::builder()
            .sampler(Box::new(wasmtune::samplers::RandomSampler::seeded(seed)))
            .build()
            .unwrap();
        (0..5).map(|_| study.ask_with(&space).unwrap().param_values()).collect::<Vec<_>>()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}
