"""Drives `wasmtune stream` as an outside program would: the garden problem.

Maximize A(x) = 500x - 2x^2 for x in [0, 250] (optimum x = 125, A = 31,250).
Usage: garden_stream.py WASMTUNE_BINARY [extra stream flags...]
Prints the final {"best": ...} line and exits non-zero if the protocol misbehaves.
"""
import json
import subprocess
import sys

SPACE = {"x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 250.0, "log": False, "step": None}}}


def main() -> int:
    binary, extra = sys.argv[1], sys.argv[2:]
    cmd = [binary, "stream", "--search-space", json.dumps(SPACE), "--direction", "maximize", *extra]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    asked = 0
    for line in proc.stdout:
        msg = json.loads(line)
        if "best" in msg:
            print(json.dumps(msg))
            break
        x = msg["params"]["x"]
        asked += 1
        # Report once along the way, as a trainer would; the CLI must answer it.
        proc.stdin.write(json.dumps({"number": msg["number"], "report": x, "step": 0}) + "\n")
        proc.stdin.flush()
        answer = json.loads(proc.stdout.readline())
        assert answer == {"number": msg["number"], "should_prune": False}, answer
        proc.stdin.write(json.dumps({"number": msg["number"], "value": 500 * x - 2 * x * x}) + "\n")
        proc.stdin.flush()
    proc.stdin.close()
    code = proc.wait()
    print(json.dumps({"asked": asked}))
    return code


if __name__ == "__main__":
    sys.exit(main())
