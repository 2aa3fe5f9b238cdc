"""Checks that transformers loads checkpoints exported by attune and reproduces golden.json.

Usage: python3 bench/check_export.py EXPORTED_DIR GOLDEN_JSON [EXPORTED_DIR GOLDEN_JSON ...]
Each EXPORTED_DIR is an unzipped GET /api/v1/models/{id}/download; GOLDEN_JSON is the
golden.json of the checkpoint it was imported from (shared/golden/tiny-*-sst2).
"""
import json
import sys

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

ok = True
for directory, golden_path in zip(sys.argv[1::2], sys.argv[2::2]):
    golden = json.load(open(golden_path))
    model = AutoModelForSequenceClassification.from_pretrained(directory).eval()
    tokenizer = AutoTokenizer.from_pretrained(directory)
    batch = tokenizer(golden["texts"], padding=True, truncation=True, max_length=golden["max_length"],
                      return_tensors="pt")
    with torch.no_grad():
        probs = model(**batch).logits.softmax(-1)
    diff = (probs - torch.tensor(golden["probabilities"])).abs().max().item()
    labels = [model.config.id2label[i] for i in probs.argmax(-1).tolist()]
    good = diff < 1e-4 and labels == golden["labels"]
    ok &= good
    print(f"| {directory} | {type(model).__name__} | max |p - golden| = {diff:.2e} | labels match: "
          f"{labels == golden['labels']} | {'OK' if good else 'FAIL'} |")
sys.exit(0 if ok else 1)
