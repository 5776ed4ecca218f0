//! A throwaway PostgreSQL cluster for one test: `initdb` in a temporary directory, `pg_ctl start`
//! on 127.0.0.1 and a free port (waiting until it accepts connections, not for a fixed time), and
//! `pg_ctl stop` plus removal when dropped, whether the test passed or panicked. PostgreSQL
//! refuses to run as root, so as root the cluster runs as `nobody`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A running cluster.
pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    /// Port on 127.0.0.1.
    pub port: u16,
}

/// Where Debian (or PATH) keeps initdb and pg_ctl: the newest /usr/lib/postgresql/N/bin.
fn bin_dir() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).filter(|p| p.join("initdb").is_file()).collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs.pop().expect("PostgreSQL's initdb (Debian postgresql; scripts/install-tools.sh installs it)")
}

fn is_root() -> bool {
    // The owner of /proc/self is the effective user.
    std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap_or(false)
}

/// Runs a PostgreSQL program, as `nobody` when we are root.
fn pg(bin: &Path, program: &str, args: &[&str]) -> std::process::Output {
    let exe = bin.join(program);
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "nobody", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    cmd.args(args).output().unwrap_or_else(|e| panic!("{}: {e}", exe.display()))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Cluster {
    /// Creates and starts a cluster (about a second or two).
    pub fn start(tag: &str) -> Cluster {
        let bin = bin_dir();
        let dir = std::env::temp_dir().join(format!("wasmtune-pg-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            let status = Command::new("chown").args(["nobody", dir.to_str().unwrap()]).status().unwrap();
            assert!(status.success(), "chown nobody {}", dir.display());
        }
        let data = dir.join("data");
        let out = pg(&bin, "initdb", &["-D", data.to_str().unwrap(), "-U", "postgres", "-A", "trust", "--no-sync"]);
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let port = free_port();
        let cluster = Cluster { dir, bin, port };
        let opts = format!(
            "-k {} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off -c max_connections=200",
            cluster.dir.display()
        );
        let log = cluster.dir.join("log");
        // -w: returns once the server accepts connections (or fails), -t: at most 60 s.
        let out = pg(
            &cluster.bin,
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-o", &opts, "-l", log.to_str().unwrap(), "-w", "-t", "60", "start"],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        cluster
    }

    /// `postgresql://postgres@127.0.0.1:PORT/postgres`, with `scheme` (e.g. `postgresql+psycopg2`).
    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = pg(&self.bin, "pg_ctl", &["-D", data.to_str().unwrap(), "-m", "immediate", "-w", "-t", "30", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
