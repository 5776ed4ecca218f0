//! The engine's and the CLI's integration tests, one module per concern, in one test binary.
//!
//! One binary, not one per file: each test crate links the whole engine (and with `cli` SQLite and
//! the PostgreSQL client), so twenty of them cost the test command more to build than to run.
//! Run one concern with a filter: `cargo test --features cli --test engine tpe::`.
//!
//! `tests/importance_memory.rs` stays a binary of its own: it counts allocations with a global
//! allocator, which other tests running beside it in one process would disturb.

#[path = "../common/mod.rs"]
mod common;
#[cfg(feature = "cli")]
#[path = "../common/optuna_view.rs"]
mod optuna_view;
#[cfg(feature = "cli")]
#[path = "../common/postgres.rs"]
mod postgres_cluster;
#[path = "../common/reference_study.rs"]
mod reference_study;

#[cfg(feature = "cli")]
mod ask_tell;
mod auto_sampler;
#[cfg(feature = "cli")]
mod cli;
mod cmaes;
mod cmaes_explain;
mod distributions;
mod gp;
mod importance;
mod journal;
mod nsga;
mod properties;
mod pruners;
#[cfg(feature = "cli")]
mod rdb;
#[cfg(feature = "cli")]
mod rdb_postgres;
mod samplers;
mod seed_parity;
mod smac;
mod study;
mod terminator;
mod tpe;
mod tpe_explain;
