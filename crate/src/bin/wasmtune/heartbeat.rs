//! A worker's heartbeat thread (Optuna's `heartbeat_interval`): while `stream` waits for the
//! objective's answers, this thread stamps the worker's running trials in `trial_heartbeats` every
//! interval, on its own database connection. A worker that dies stops stamping, and another
//! worker's next `ask` fails its trials once the grace period has passed.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtune::storage::rdb::HeartbeatWriter;

#[derive(Default)]
struct Shared {
    /// Storage ids of the trials this worker is running.
    ids: Vec<u64>,
    /// The set changed since the last stamp: stamp now, not at the end of the interval.
    changed: bool,
    stop: bool,
}

/// The running thread; stopped (and joined) when dropped.
pub struct Heartbeat {
    shared: Arc<(Mutex<Shared>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Heartbeat {
    /// Starts stamping every `interval` with `writer`.
    pub fn start(mut writer: HeartbeatWriter, interval: Duration) -> Heartbeat {
        let shared = Arc::new((Mutex::new(Shared::default()), Condvar::new()));
        let theirs = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            let (lock, cv) = &*theirs;
            let mut state = lock.lock().expect("heartbeat state");
            loop {
                let ids = state.ids.clone();
                drop(state);
                for id in ids {
                    if let Err(e) = writer.beat(id) {
                        eprintln!("wasmtune: warning: heartbeat for trial id {id}: {e}");
                    }
                }
                state = lock.lock().expect("heartbeat state");
                if !state.stop && !state.changed {
                    state =
                        cv.wait_timeout_while(state, interval, |s| !s.stop && !s.changed).expect("heartbeat state").0;
                }
                if state.stop {
                    return;
                }
                state.changed = false;
            }
        });
        Heartbeat { shared, thread: Some(thread) }
    }

    /// The trials (storage ids) this worker now runs; new ones are stamped at once.
    pub fn set_running(&self, ids: Vec<u64>) {
        let (lock, cv) = &*self.shared;
        let mut s = lock.lock().expect("heartbeat state");
        if s.ids != ids {
            s.ids = ids;
            s.changed = true;
            cv.notify_one();
        }
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        let (lock, cv) = &*self.shared;
        if let Ok(mut s) = lock.lock() {
            s.stop = true;
            cv.notify_one();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
