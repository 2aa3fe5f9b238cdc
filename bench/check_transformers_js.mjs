// Checks that transformers.js loads an unzipped ONNX download of attune (GET /api/v1/models/{id}/download?format=onnx
// or onnx-int8) and classifies golden.json's texts as transformers did. A text longer than model_max_length is left
// out of the comparison: transformers.js (4.3.1) truncates after adding the special tokens, so it drops the final
// [SEP] / </s> that transformers keeps, and scores a different sequence (its count is printed).
// Usage: node bench/check_transformers_js.mjs EXPORTED_DIR GOLDEN_JSON fp32|q8   (with @huggingface/transformers
// resolvable: NODE_PATH=<dir>/node_modules, as bench/transformers-js.sh sets it).
import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const [directory, goldenPath, dtype] = process.argv.slice(2);
const require = createRequire(path.join(process.env.NODE_PATH ?? ".", "x.js"));
const { AutoTokenizer, env, pipeline } = await import(require.resolve("@huggingface/transformers"));
env.allowRemoteModels = false;
env.localModelPath = path.dirname(path.resolve(directory));
const golden = JSON.parse(readFileSync(goldenPath, "utf8"));
const classify = await pipeline("text-classification", path.basename(directory), { local_files_only: true, dtype });
const tokenizer = await AutoTokenizer.from_pretrained(path.basename(directory), { local_files_only: true });
let maxDiff = 0;
let labelsMatch = true;
let longer = 0;
for (let i = 0; i < golden.texts.length; i++) {
  if (tokenizer(golden.texts[i]).input_ids.dims[1] > tokenizer.model_max_length) {
    longer++;
    continue;
  }
  const scores = await classify(golden.texts[i], { top_k: null });
  const byLabel = Object.fromEntries(scores.map((s) => [s.label, s.score]));
  const expected = golden.probabilities[i];
  const labels = Object.values(JSON.parse(readFileSync(path.join(directory, "config.json"), "utf8")).id2label);
  labels.forEach((label, j) => { maxDiff = Math.max(maxDiff, Math.abs(byLabel[label] - expected[j])); });
  labelsMatch &&= scores[0].label === golden.labels[i];
}
const good = labelsMatch && maxDiff < (dtype === "fp32" ? 1e-4 : 0.05);
console.log(`| ${path.basename(directory)} | ${dtype} | max |p - golden| = ${maxDiff.toExponential(2)} | labels match: ${labelsMatch} | ${golden.texts.length - longer} of ${golden.texts.length} texts (${longer} over model_max_length) | ${good ? "OK" : "FAIL"} |`);
process.exit(good ? 0 : 1);
