"""Checks that transformers loads attune's multi-label and regression exports as their kind and computes
attune's loss on the same batch (issue 11).

Usage: python3 bench/check_problem_types.py [DIR ...]   (default: target/export-check/*)
Each DIR is an unzipped export plus attune_batch.json (texts, labels, max_length, problem_type and the
mean loss attune computed), as ProblemTypesApiTest leaves them in target/export-check/. Run the test
here, copy target/export-check to a machine with transformers, run this there.
"""
import glob
import json
import sys

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

ok = True
for directory in sys.argv[1:] or sorted(glob.glob("target/export-check/*")):
    batch = json.load(open(f"{directory}/attune_batch.json"))
    model = AutoModelForSequenceClassification.from_pretrained(directory).eval()
    tokenizer = AutoTokenizer.from_pretrained(directory)
    inputs = tokenizer(batch["texts"], padding=True, truncation=True, max_length=batch["max_length"],
                       return_tensors="pt")
    with torch.no_grad():
        loss = model(**inputs, labels=torch.tensor(batch["labels"], dtype=torch.float32)).loss.item()
    same_kind = model.config.problem_type == batch["problem_type"]
    diff = abs(loss - batch["loss"])
    good = same_kind and diff < 1e-5 * max(1.0, abs(loss))
    ok &= good
    print(f"| {directory} | {model.config.problem_type} | transformers loss {loss:.6f} | attune {batch['loss']:.6f} "
          f"| {'OK' if good else 'FAIL'} |")
sys.exit(0 if ok else 1)
