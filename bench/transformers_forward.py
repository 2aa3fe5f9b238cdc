"""Reference: inference speed of transformers on the same checkpoint as bench/forward.sh.

Usage: python3 bench/transformers_forward.py CHECKPOINT_DIR [BATCH] [TOKENS] [SECONDS]
Prints texts/s at BATCH x TOKENS (synthetic full-length ids, no padding, no grad) and the
batch-1 latency of a 32-token text, in fp32 with TF32 off, fp32 with TF32 on, and bf16 autocast.
"""
import sys
import time

import torch
from transformers import AutoModelForSequenceClassification

path = sys.argv[1]
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 32
tokens = int(sys.argv[3]) if len(sys.argv) > 3 else 128
seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 10
device = "cuda" if torch.cuda.is_available() else "cpu"
model = AutoModelForSequenceClassification.from_pretrained(path, torch_dtype=torch.float32).to(device).eval()


def sync():
    if device == "cuda":
        torch.cuda.synchronize()


def run(b, t):
    ids = torch.full((b, t), 1000, dtype=torch.long, device=device)
    mask = torch.ones_like(ids)
    with torch.no_grad():
        return model(input_ids=ids, attention_mask=mask).logits.float().cpu()


def measure(label, autocast):
    ctx = torch.autocast(device, dtype=torch.bfloat16) if autocast else torch.autocast(device, enabled=False)
    with ctx:
        for _ in range(5):
            run(batch, tokens)
        sync()
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            run(batch, tokens)
            n += 1
        sync()
        throughput = n * batch / (time.perf_counter() - start)
        for _ in range(10):
            run(1, 32)
        times = []
        for _ in range(200):
            s = time.perf_counter()
            run(1, 32)
            times.append((time.perf_counter() - s) * 1000)
        times.sort()
    print(f"| transformers {torch.__version__} {device} {label} | {batch} x {tokens} | {throughput:.1f} | "
          f"{times[len(times) // 2]:.2f} | {times[int(len(times) * 0.99) - 1]:.2f} |")


print("| engine | B x T | texts/s | batch-1 T=32 p50 ms | p99 ms |")
print("|---|---|---|---|---|")
torch.backends.cuda.matmul.allow_tf32 = False
measure("fp32", False)
if device == "cuda":
    torch.backends.cuda.matmul.allow_tf32 = True
    measure("tf32", False)
    measure("bf16 autocast", True)
