"""PyTorch CPU reference for benches/TRAINER.md: samples per second of forward + backward + Adam
update for 784-w-10 ReLU MLPs, batch 64, on random inputs: the measurement of
wasmtune::trainer::throughput. Run: benches/.venv/bin/python benches/trainer_torch.py [threads]"""
import json
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads()
torch.set_num_threads(threads)
torch.manual_seed(0)
for width, steps in [(128, 375), (512, 125), (1024, 60)]:
    model = torch.nn.Sequential(torch.nn.Linear(784, width), torch.nn.ReLU(), torch.nn.Linear(width, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [(torch.rand(64, 784), torch.randint(0, 10, (64,))) for _ in range(4)]

    def step(i):
        x, y = batches[i % 4]
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    for i in range(20):
        step(i)
    t0 = time.perf_counter()
    for i in range(steps):
        step(i)
    sps = steps * 64 / (time.perf_counter() - t0)
    print("TRAINER_TORCH", json.dumps({"width": width, "threads": threads, "torch": torch.__version__,
                                       "samples_per_second": round(sps), "epoch_8000_seconds": round(8000 / sps, 3)}))
