"""transformers' side of bench/gpu.sh: the Trainer anchor and a text-classification pipeline.

Usage:
  python3 bench/gpu_transformers.py trainer MODEL TRAIN_CSV EVAL_CSV [key=value ...]
      keys: task, rows (first N rows of TRAIN_CSV, 0 = all), eval_rows (first N of EVAL_CSV), max_length (512), batch (32), lr (5e-5), epochs (1),
      seed (42), save (a directory: the trained classifier is saved there, for the pipeline)
  python3 bench/gpu_transformers.py pipeline MODEL TEXTS_CSV [key=value ...]
      keys: task, batches (64,128), seconds (10 per figure), singles (300), max_length (128), warmup (3 batches)

Each prints `RESULT ...` lines in the format of dev.attune.bench.GpuBenchmark, so bench/gpu.sh lays both side by
side. The Trainer runs as attune's job does (shared/bench/ANCHORS.md's recipe): AdamW, weight decay 0.01, linear
schedule with 6% warm-up, gradient clipping 1.0, random batches with dynamic padding, bf16 autocast on a GPU.
"""
import csv
import gzip
import math
import sys
import time

import torch
from transformers import (AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer,
                          TrainingArguments, pipeline)


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return [(row["text"], row["label"]) for row in csv.DictReader(f)]


def arguments(args):
    return dict(arg.split("=", 1) for arg in args)


class Rows(torch.utils.data.Dataset):
    def __init__(self, encodings, labels):
        self.encodings, self.labels = encodings, labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.encodings.items()}
        item["labels"] = self.labels[i]
        return item


def device_name():
    return "gpu(0)" if torch.cuda.is_available() else "cpu()"


def trainer(model_dir, train_csv, eval_csv, a):
    task = a.get("task", "sst2")
    rows = read(train_csv)
    limit = int(a.get("rows", "0"))
    if 0 < limit < len(rows):
        rows = rows[:limit]
    evals = read(eval_csv)
    if int(a.get("eval_rows", "0")) > 0:
        evals = evals[:int(a["eval_rows"])]
    names = sorted({label for _, label in rows})
    index = {name: i for i, name in enumerate(names)}
    max_length, batch, epochs = int(a.get("max_length", "512")), int(a.get("batch", "32")), int(a.get("epochs", "1"))
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(
        model_dir, num_labels=len(names), id2label=dict(enumerate(names)), label2id=index, dtype=torch.float32)
    encode = lambda texts: tokenizer(texts, truncation=True, max_length=max_length)
    train = Rows(encode([t for t, _ in rows]), [index[l] for _, l in rows])
    test = Rows(encode([t for t, _ in evals]), [index.get(l, -100) for _, l in evals])
    steps = math.ceil(len(train) / batch) * epochs
    gpu = torch.cuda.is_available()
    bf16 = gpu and torch.cuda.is_bf16_supported()
    args = TrainingArguments(
        output_dir=a.get("workdir", "/tmp/gpu-trainer"), per_device_train_batch_size=batch,
        per_device_eval_batch_size=128, num_train_epochs=epochs, learning_rate=float(a.get("lr", "5e-5")),
        weight_decay=0.01, lr_scheduler_type="linear", warmup_steps=math.ceil(0.06 * steps), max_grad_norm=1.0,
        seed=int(a.get("seed", "42")), bf16=bf16, eval_strategy="no", save_strategy="no", logging_strategy="no",
        report_to="none", dataloader_num_workers=2 if gpu else 0, use_cpu=not gpu)
    run = Trainer(model=model, args=args, train_dataset=train, processing_class=tokenizer,
                  data_collator=DataCollatorWithPadding(tokenizer))
    metrics = run.train().metrics
    predictions = run.predict(test)
    right = (predictions.predictions.argmax(-1) == predictions.label_ids).sum()
    print(f"RESULT train task={task} device={device_name()} precision={'bf16' if bf16 else 'fp32'} "
          f"attention={getattr(model.config, '_attn_implementation', '?')} rows={len(train)} steps={run.state.global_step} "
          f"batch={batch} maxLength={max_length} samples_per_s={metrics['train_samples_per_second']:.1f} "
          f"train_s={metrics['train_runtime']:.1f} accuracy={100 * right / len(test):.2f} eval_rows={len(test)}",
          flush=True)
    if a.get("save"):
        run.save_model(a["save"])
        tokenizer.save_pretrained(a["save"])


def serve(model_dir, texts_csv, a):
    task = a.get("task", "sst2")
    texts = [t for t, _ in read(texts_csv)]
    gpu = torch.cuda.is_available()
    dtype = torch.bfloat16 if gpu and torch.cuda.is_bf16_supported() else torch.float32
    classify = pipeline("text-classification", model=model_dir, device=0 if gpu else -1, dtype=dtype)
    max_length, seconds, warmup = int(a.get("max_length", "128")), float(a.get("seconds", "10")), int(a.get("warmup", "3"))
    sync = torch.cuda.synchronize if gpu else (lambda: None)
    precision = "bf16" if dtype == torch.bfloat16 else "fp32"
    for b in a.get("batches", "64,128").split(","):
        b = int(b)
        chunk = lambda i: [texts[(i + j) % len(texts)] for j in range(b)]
        for w in range(warmup):
            classify(chunk(w * b), batch_size=b, truncation=True, max_length=max_length)
        done, start, i = 0, time.perf_counter(), 0
        while time.perf_counter() - start < seconds:
            classify(chunk(i), batch_size=b, truncation=True, max_length=max_length)
            done, i = done + b, i + b
        sync()
        print(f"RESULT score task={task} device={device_name()} precision={precision} batch={b} "
              f"texts_per_s={done / (time.perf_counter() - start):.1f}", flush=True)
    singles = int(a.get("singles", "300"))
    for i in range(5 * warmup):
        classify(texts[i % len(texts)], truncation=True, max_length=max_length)
    ms = []
    for i in range(singles):
        start = time.perf_counter()
        classify(texts[i % len(texts)], truncation=True, max_length=max_length)
        ms.append((time.perf_counter() - start) * 1000)
    ms.sort()
    print(f"RESULT latency task={task} device={device_name()} precision={precision} p50_ms={ms[singles // 2]:.2f} "
          f"p99_ms={ms[min(singles - 1, math.ceil(singles * 0.99) - 1)]:.2f} calls={singles}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "trainer":
        trainer(sys.argv[2], sys.argv[3], sys.argv[4], arguments(sys.argv[5:]))
    elif sys.argv[1] == "pipeline":
        serve(sys.argv[2], sys.argv[3], arguments(sys.argv[4:]))
    else:
        sys.exit("usage: gpu_transformers.py trainer|pipeline ...")
