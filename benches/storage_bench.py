"""Trials per second against a shared PostgreSQL study, wasmtune's workers vs Optuna's, and the
per-trial cost of each storage against memory. Writes the tables of benches/STORAGE.md to stdout.

  benches/.venv/bin/python benches/storage_bench.py [--binary target/release/wasmtune] [--trials 200]

Starts its own throwaway PostgreSQL cluster (as `nobody` when run as root; stopped at the end,
also on failure) and SQLite files in a temporary directory. Same run for both: RandomSampler
(seeded per worker; the objective is instant, so what is measured is the sampler's call and the
storage), three parameters (two floats, one int), N trials split evenly over W workers.
Timing: wasmtune from spawning the workers to the last one's {"best"} line (process start, the
database connection and loading the study included); Optuna from the moment each worker has
imported Optuna and loaded the study to its optimize() returning (Python's import excluded).
"""
import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)

SPACE = {
    "x": {"name": "FloatDistribution", "attributes": {"low": -1.0, "high": 1.0, "log": False, "step": None}},
    "y": {"name": "FloatDistribution", "attributes": {"low": -1.0, "high": 1.0, "log": False, "step": None}},
    "k": {"name": "IntDistribution", "attributes": {"low": 0, "high": 4, "log": False, "step": 1}},
}

OPTUNA_WORKER = r"""
import json, sys, time, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
url, name, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
storage = None if url == "memory" else url
if storage is None:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
else:
    study = optuna.load_study(study_name=name, storage=storage, sampler=optuna.samplers.RandomSampler(seed=seed))
def objective(t):
    x = t.suggest_float("x", -1, 1); y = t.suggest_float("y", -1, 1); k = t.suggest_int("k", 0, 4)
    return (x - 0.3) ** 2 + (y + 0.1) ** 2 + 0.01 * k
print("ready", flush=True)
sys.stdin.readline()
t0 = time.time()
study.optimize(objective, n_trials=n)
print(json.dumps({"start": t0, "end": time.time()}), flush=True)
"""


def objective(p):
    return (p["x"] - 0.3) ** 2 + (p["y"] + 0.1) ** 2 + 0.01 * p["k"]


class Cluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (as nobody when root)."""

    def __init__(self):
        bins = sorted(d for d in os.listdir("/usr/lib/postgresql"))
        self.bin = f"/usr/lib/postgresql/{bins[-1]}/bin"
        self.dir = tempfile.mkdtemp(prefix="wasmtune-pg-bench-")
        self.prefix = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody")
        data = f"{self.dir}/data"
        subprocess.run(self.prefix + [f"{self.bin}/initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"],
                       check=True, capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        opts = f"-k {self.dir} -c listen_addresses=127.0.0.1 -p {self.port} -c max_connections=200"
        subprocess.run(self.prefix + [f"{self.bin}/pg_ctl", "-D", data, "-o", opts, "-l", f"{self.dir}/log", "-w",
                                      "-t", "60", "start"], check=True, capture_output=True)

    def url(self, scheme="postgresql"):
        return f"{scheme}://postgres@127.0.0.1:{self.port}/postgres"

    def new_db(self, name):
        subprocess.run(self.prefix + [f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                                      "postgres", name], check=True)
        return (f"postgresql://postgres@127.0.0.1:{self.port}/{name}",
                f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{name}")

    def stop(self):
        subprocess.run(self.prefix + [f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def wasmtune_run(binary, url, n, workers):
    """Seconds for `workers` stream workers to run n trials in total (url None: in memory)."""
    per = n // workers
    if url is not None:
        subprocess.run([binary, "create-study", "--storage", url, "--study-name", "bench"], check=True,
                       capture_output=True)
    procs = []
    t0 = time.time()
    for w in range(workers):
        cmd = [binary, "stream", "--sampler", "RandomSampler", "--sampler-kwargs", json.dumps({"seed": w}),
               "--search-space", json.dumps(SPACE), "--n-trials", str(per)]
        if url is not None:
            cmd += ["--storage", url, "--study-name", "bench"]
        procs.append(subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1))

    def drive(p):
        for line in p.stdout:
            msg = json.loads(line)
            if "best" in msg:
                break
            p.stdin.write(json.dumps({"number": msg["number"], "value": objective(msg["params"])}) + "\n")
            p.stdin.flush()
        p.stdin.close()
        assert p.wait() == 0

    threads = [threading.Thread(target=drive, args=(p,)) for p in procs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.time() - t0


def optuna_run(url, n, workers):
    per = n // workers
    if url != "memory":
        optuna.create_study(study_name="bench", storage=url)
    procs = [subprocess.Popen([sys.executable, "-c", OPTUNA_WORKER, url, "bench", str(per), str(w)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for w in range(workers)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for p in procs:  # all start together, after their imports
        p.stdin.write("go\n")
        p.stdin.flush()
    spans = [json.loads(p.stdout.readline()) for p in procs]
    for p in procs:
        assert p.wait() == 0
    return max(s["end"] for s in spans) - min(s["start"] for s in spans)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/wasmtune")
    ap.add_argument("--trials", type=int, default=200)
    args = ap.parse_args()
    n = args.trials
    cluster = Cluster()
    tmp = tempfile.mkdtemp(prefix="wasmtune-bench-")
    db = [0]

    def fresh():
        db[0] += 1
        return cluster.new_db(f"b{db[0]}")

    try:
        print(f"Recorded {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}; {n} trials per run; "
              f"{os.cpu_count()} cores; load average before {os.getloadavg()}")
        print()
        print("| workers | wasmtune trials/s | Optuna trials/s | wasmtune / Optuna |")
        print("|---|---|---|---|")
        for w in [1, 2, 4, 8]:
            ours_url, _ = fresh()
            ours = n / wasmtune_run(args.binary, ours_url, n, w)
            _, py_url = fresh()
            theirs = n / optuna_run(py_url, n, w)
            print(f"| {w} | {ours:.0f} | {theirs:.0f} | {ours / theirs:.1f}x |", flush=True)
        print()
        print("| storage (1 worker) | wasmtune ms/trial | Optuna ms/trial |")
        print("|---|---|---|")
        rows = []
        mem_ours = wasmtune_run(args.binary, None, n, 1) / n * 1000
        mem_theirs = optuna_run("memory", n, 1) / n * 1000
        rows.append(("memory", mem_ours, mem_theirs))
        sq = f"sqlite:///{tmp}/ours.db", f"sqlite:///{tmp}/theirs.db"
        rows.append(("SQLite", wasmtune_run(args.binary, sq[0], n, 1) / n * 1000, optuna_run(sq[1], n, 1) / n * 1000))
        # The same, with each file switched to WAL by its owner (a setting stored in the file).
        wal = f"sqlite:///{tmp}/ours-wal.db", f"sqlite:///{tmp}/theirs-wal.db"
        for u in wal:
            optuna.create_study(study_name="schema", storage=u)
            c = sqlite3.connect(u[len("sqlite:///"):])
            c.execute("PRAGMA journal_mode=WAL")
            c.close()
        rows.append(("SQLite, WAL", wasmtune_run(args.binary, wal[0], n, 1) / n * 1000,
                     optuna_run(wal[1], n, 1) / n * 1000))
        ours_url, _ = fresh()
        _, py_url = fresh()
        rows.append(("PostgreSQL", wasmtune_run(args.binary, ours_url, n, 1) / n * 1000,
                     optuna_run(py_url, n, 1) / n * 1000))
        for name, o, t in rows:
            extra = "" if name == "memory" else f" (+{o - mem_ours:.2f} / +{t - mem_theirs:.2f} over memory)"
            print(f"| {name}{extra} | {o:.2f} | {t:.2f} |")
        print()
        print(f"load average after {os.getloadavg()}")
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
