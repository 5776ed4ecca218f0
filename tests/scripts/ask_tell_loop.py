"""A script written for `optuna ask` / `optuna tell`, parameterized only by the command name.

  python tests/scripts/ask_tell_loop.py "optuna" FILE N
  python tests/scripts/ask_tell_loop.py "target/debug/wasmtune" FILE N
Creates (or reuses) study "cli-study" in the journal FILE and runs N ask/tell rounds on a 2-D
quadratic, passing Optuna's flags unchanged.
"""
import json
import shlex
import subprocess
import sys

cmd, path, n = shlex.split(sys.argv[1]), sys.argv[2], int(sys.argv[3])
common = ["--storage", path, "--storage-class", "JournalFileBackend", "--study-name", "cli-study"]
space = {
    "x": {"name": "FloatDistribution", "attributes": {"low": -5.0, "high": 5.0, "log": False, "step": None}},
    "k": {"name": "IntDistribution", "attributes": {"low": 0, "high": 4, "log": False, "step": 1}},
}
subprocess.run(cmd + ["create-study", *common, "--direction", "minimize", "--skip-if-exists"], check=True, capture_output=True)
for _ in range(n):
    out = subprocess.run(cmd + ["ask", *common, "--sampler", "RandomSampler", "--search-space", json.dumps(space)],
                         check=True, capture_output=True, text=True).stdout
    trial = json.loads(out.strip().splitlines()[-1])
    value = (trial["params"]["x"] - 1) ** 2 + trial["params"]["k"]
    subprocess.run(cmd + ["tell", *common, "--trial-number", str(trial["number"]), "--values", str(value)],
                   check=True, capture_output=True)
print("ok")
