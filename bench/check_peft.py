"""Checks that PEFT loads attune's LoRA download over its base and answers as attune's merged download does.

Usage: python3 bench/check_peft.py BASE_DIR PEFT_DIR MERGED_DIR
BASE_DIR is the base checkpoint the adapter was trained over; PEFT_DIR an unzipped
GET /api/v1/models/{id}/download?format=peft; MERGED_DIR the unzipped plain download of the same model (the
adapter merged by attune). Needs transformers and peft (the GPU machine, or anywhere pip works).
"""
import json
import sys

import torch
from peft import PeftModel
from transformers import AutoModelForSequenceClassification, AutoTokenizer

base_dir, peft_dir, merged_dir = sys.argv[1:4]
config = json.load(open(f"{peft_dir}/config.json"))
labels = len(config["id2label"])
base = AutoModelForSequenceClassification.from_pretrained(base_dir, num_labels=labels)
adapted = PeftModel.from_pretrained(base, peft_dir).eval()  # fails on a tensor name PEFT does not know
merged = AutoModelForSequenceClassification.from_pretrained(merged_dir).eval()
tokenizer = AutoTokenizer.from_pretrained(peft_dir)
texts = ["a gripping, lovely film", "dull and far too long", "not bad at all", "the worst film of the year"]
batch = tokenizer(texts, padding=True, truncation=True, max_length=64, return_tensors="pt")
with torch.no_grad():
    via_peft = adapted(**batch).logits
    via_merge = merged(**batch).logits
    folded = adapted.merge_and_unload()(**batch).logits
diff = (via_peft - via_merge).abs().max().item()
fold = (folded - via_merge).abs().max().item()
print(f"| PeftModel over the base vs attune's merged checkpoint | max |logit difference| {diff:.2e} |")
print(f"| PEFT's merge_and_unload vs attune's merged checkpoint | max |logit difference| {fold:.2e} |")
sys.exit(0 if diff < 1e-4 and fold < 1e-4 else 1)
