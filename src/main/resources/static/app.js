// attune dashboard: plain JavaScript over the public REST API (no build step, no CDN).
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => (k === "class" ? (node.className = v) : node.setAttribute(k, v)));
  children.flat().forEach(c => node.append(c instanceof Node ? c : String(c ?? "")));
  return node;
};
const pct = x => (x == null ? "–" : (100 * x).toFixed(1) + "%");
const num = x => (x == null ? "–" : x.toFixed(3));
const MULTI = "multi_label_classification";
const REGRESSION = "regression";
/** A short headline figure for an evaluation of any problem type. */
function headline(m) {
  if (!m) return "–";
  if (m.problemType === REGRESSION) return "RMSE " + num(m.rmse);
  if (m.problemType === MULTI) return "F1 " + pct(m.f1Macro);
  return "acc " + pct(m.accuracy);
}
const FINAL = ["SUCCEEDED", "FAILED", "CANCELLED", "STOPPED"];

// ---- API access, with the API key asked once and kept for the tab ----
async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  const key = sessionStorage.getItem("attune-api-key");
  if (key) headers["X-API-Key"] = key;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    await askForKey("This attune needs an API key.");
    return api(path, options);
  }
  if (response.status === 403 && !options.scopeAsked) {
    // a key without the scope this needs (a predict-only key, say): ask once for one that has it
    const problem = await response.clone().json().catch(() => null);
    if (problem?.title === "Missing scope") {
      await askForKey(`${problem.detail} Enter a key with the scope '${problem.scope}'.`);
      return api(path, Object.assign({}, options, { scopeAsked: true }));
    }
  }
  return response;
}

async function json(path, options) {
  const response = await api(path, options);
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw Object.assign(new Error(body.detail || body.title || response.statusText), { body });
  return body;
}

function askForKey(reason) {
  const dialog = $("#key-dialog");
  $("#key-reason").textContent = reason;
  return new Promise(resolve => {
    dialog.addEventListener("close", () => {
      sessionStorage.setItem("attune-api-key", dialog.querySelector("input").value);
      resolve();
    }, { once: true });
    if (!dialog.open) dialog.showModal();
  });
}

// ---- Server-Sent Events over fetch (EventSource cannot send the API key header) ----
function subscribe(path, onEvent) {
  const controller = new AbortController();
  (async () => {
    try {
      const response = await api(path, { signal: controller.signal, headers: { Accept: "text/event-stream" } });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = "message", data = "";
          block.split("\n").forEach(line => {
            if (line.startsWith("event:")) name = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5);
          });
          let parsed = data;
          try { parsed = JSON.parse(data); } catch (e) { /* plain text event */ }
          onEvent(name, parsed);
        }
      }
    } catch (e) { /* stream closed or aborted */ }
  })();
  return controller;
}

// ---- Tabs: each has its URL (#jobs, #datasets, #models), so a tab can be linked to and survives a reload ----
const TABS = { jobs: loadJobs, datasets: loadDatasets, models: loadModels };
function showTab(name) {
  if (!TABS[name]) name = "jobs";
  document.querySelectorAll("nav button, .tab").forEach(n => n.classList.remove("active"));
  $(`nav button[data-tab="${name}"]`).classList.add("active");
  $("#" + name).classList.add("active");
  TABS[name]();
}
document.querySelectorAll("nav button").forEach(button => button.addEventListener("click", () => {
  if (location.hash === "#" + button.dataset.tab) showTab(button.dataset.tab);
  else location.hash = button.dataset.tab; // hashchange shows it
}));
window.addEventListener("hashchange", () => showTab(location.hash.slice(1)));

// ---- Jobs ----
const streams = new Map();
let selectedJob = null;
let detailPoints = [];

// The nodes whose workers run the queue (one on a single machine; several in a cluster).
async function loadNodes() {
  const nodes = await json("/api/v1/nodes");
  $("#nodes").replaceChildren("Workers: ", ...nodes.map(n => el("span", {
    class: "node" + (n.alive ? "" : " silent"), title: `roles ${n.roles.join(", ")}; last heard from ${n.seenAt}`
  }, `${n.name}${n.self ? " (this node)" : ""}: ${n.devices.length ? n.devices.join(", ") : "no workers"}, `
    + (n.alive ? `${n.runningJobs} running` : "not heard from"))));
}

async function loadJobs() {
  loadNodes();
  loadSweeps();
  const jobs = await json("/api/v1/jobs");
  const body = $("#jobs-table tbody");
  body.replaceChildren(...jobs.map(jobRow));
  jobs.filter(j => !FINAL.includes(j.status) && !streams.has(j.id)).forEach(j => {
    streams.set(j.id, subscribe(`/api/v1/jobs/${j.id}/events`, (name, data) => onJobEvent(j.id, name, data)));
  });
}

// ---- Sweeps: trials table and the metric against each varied option ----
let shownSweep = null;
async function loadSweeps() {
  const sweeps = await json("/api/v1/sweeps");
  $("#sweeps-table tbody").replaceChildren(...sweeps.map(s => {
    const best = s.trials.filter(t => t.bestScore != null).reduce((a, t) => Math.max(a, t.bestScore), -Infinity);
    const row = el("tr", { "data-sweep": s.id }, el("td", {}, s.name), el("td", {}, s.status), el("td", {}, s.metric),
      el("td", {}, `${s.trials.filter(t => FINAL.includes(t.status)).length} / ${s.trials.length} ended`),
      el("td", {}, Number.isFinite(best) ? num(best) : "–"));
    row.addEventListener("click", () => { shownSweep = s.id; showSweep(s); });
    return row;
  }));
  const shown = sweeps.find(s => s.id === shownSweep);
  if (shown) showSweep(shown);
}

function showSweep(sweep) {
  $("#sweep-detail").classList.remove("hidden");
  $("#sweep-name").textContent = `${sweep.name}: ${sweep.status}` + (sweep.bestJobId ? `, best trial's model ${sweep.modelId?.slice(0, 8)}` : "");
  const options = [...new Set(sweep.trials.flatMap(t => Object.keys(t.options)))];
  $("#trials-table thead").replaceChildren(el("tr", {}, el("th", {}, "#"), ...options.map(o => el("th", {}, o)),
    el("th", {}, "Status"), el("th", {}, sweep.metric), el("th", {}, "Evaluations")));
  $("#trials-table tbody").replaceChildren(...sweep.trials.map(t => el("tr", { class: t.jobId === sweep.bestJobId ? "best" : "" },
    el("td", {}, t.trial), ...options.map(o => el("td", {}, JSON.stringify(t.options[o]))), el("td", {}, t.status),
    el("td", {}, t.bestScore == null ? "–" : num(t.bestScore)), el("td", {}, t.evaluations))));
  $("#sweep-plots").replaceChildren(...options.map(o => scatter(o, sweep.trials.filter(t => t.bestScore != null)
    .map(t => [t.options[o], t.bestScore]), sweep.metric)));
}

/** A small SVG scatter of the metric against one option (log scale when its values span a decade or more). */
function scatter(option, points, metric) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 240 160");
  svg.setAttribute("class", "scatter");
  const numeric = points.every(p => typeof p[0] === "number");
  const categories = [...new Set(points.map(p => JSON.stringify(p[0])))];
  const xs = points.map(p => numeric ? p[0] : categories.indexOf(JSON.stringify(p[0])));
  const log = numeric && Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) >= 10;
  const fx = x => (log ? Math.log10(x) : x);
  const [x0, x1] = [Math.min(...xs.map(fx)), Math.max(...xs.map(fx))];
  const ys = points.map(p => p[1]);
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const px = x => 30 + 200 * (x1 === x0 ? 0.5 : (fx(x) - x0) / (x1 - x0));
  const py = y => 130 - 110 * (y1 === y0 ? 0.5 : (y - y0) / (y1 - y0));
  const text = (x, y, s) => { const t = document.createElementNS(ns, "text"); t.setAttribute("x", x); t.setAttribute("y", y); t.textContent = s; return t; };
  svg.append(text(30, 152, `${option}${log ? " (log)" : ""}`), text(0, 12, metric));
  points.forEach((p, i) => {
    const c = document.createElementNS(ns, "circle");
    c.setAttribute("cx", px(xs[i])); c.setAttribute("cy", py(p[1])); c.setAttribute("r", 4);
    svg.append(c);
  });
  return svg;
}

function jobRow(job) {
  const p = job.progress || {};
  const best = job.bestMetrics?.metrics;
  const row = el("tr", { "data-job": job.id, class: job.id === selectedJob ? "selected" : "" },
    el("td", {}, job.name || job.id.slice(0, 8)),
    el("td", { class: "strategy" }, job.kind === "scoring" ? "batch prediction"
      : job.kind === "audit_fold" ? `audit fold ${job.config.fold + 1}/${job.config.folds}` : job.config?.options?.strategy ?? "–"),
    el("td", {}, el("span", { class: "status " + job.status }, job.status)),
    el("td", { class: "progress" }, progressBar(p, FINAL.includes(job.status))),
    el("td", { class: "sps" }, p.samplesPerSecond ?? "–"),
    el("td", { class: "eta" }, p.etaSeconds != null && !FINAL.includes(job.status) ? Math.round(p.etaSeconds) + " s" : "–"),
    el("td", { class: "best" }, headline(best)),
    el("td", { class: "test" }, headline(job.testMetrics)),
    el("td", { class: "where" }, where(job)),
    el("td", {}, FINAL.includes(job.status) ? "" : cancelButton(job.id)));
  row.addEventListener("click", () => showJob(job.id));
  return row;
}

// The node and device whose worker runs the job (or ran it last): a cluster has several.
function where(job) {
  return job.node ? `${job.node} · ${job.device}` : "–";
}

// The bar shows training steps; the label says the phase and, for counted phases, how far it is.
function progressBar(p, finished) {
  const fraction = p.totalSteps ? p.step / p.totalSteps : 0;
  const counted = p.phaseTotal ? ` ${p.phaseDone}/${p.phaseTotal}` : "";
  const steps = p.totalSteps ? `${p.step}/${p.totalSteps}` : "–";
  const label = finished ? steps : !p.phase ? "queued" : p.phase === "training" ? steps : p.phase + counted;
  return el("div", { class: "bar", role: "progressbar", "aria-valuenow": Math.round(100 * fraction) },
    el("span", { style: `width:${100 * fraction}%` }), el("em", {}, label));
}

function cancelButton(id) {
  const button = el("button", { class: "secondary" }, "Cancel");
  button.addEventListener("click", async event => {
    event.stopPropagation();
    await json(`/api/v1/jobs/${id}/cancel`, { method: "POST" });
    loadJobs();
  });
  return button;
}

function onJobEvent(id, name, data) {
  const row = $(`#jobs-table tr[data-job="${id}"]`);
  if (name === "progress" && row) {
    row.querySelector(".progress").replaceChildren(progressBar(data));
    row.querySelector(".sps").textContent = data.samplesPerSecond ?? "–";
    row.querySelector(".eta").textContent = data.etaSeconds != null ? Math.round(data.etaSeconds) + " s" : "–";
  } else if (name === "evaluation") {
    if (row) row.querySelector(".best").textContent = headline(data.metrics);
    if (id === selectedJob) {
      detailPoints.push({ step: data.step, trainLoss: data.trainLoss, metrics: data.metrics });
      drawCurves();
      if (data.best) drawBest(data.metrics);
    }
  } else if (name === "status") {
    if (FINAL.includes(data.status)) streams.delete(id);
    loadJobs();
    if (id === selectedJob) showJob(id);
  }
}

// each strategy's default learning rate (TrainingOptions): a LoRA adapter or a head alone wants a larger step
const STRATEGY_RATES = { full: "0.00005", last_layers: "0.00005", head: "0.001", lora: "0.003", setfit: "0.00002" };
$("#job-form select[name=strategy]").addEventListener("change", event => {
  $("#job-form input[name=learningRate]").value = STRATEGY_RATES[event.target.value];
  // setfit: SetFit's one epoch of batches of 16 pairs; the others: the Trainer's 3 epochs of 32
  $("#job-form input[name=epochs]").value = event.target.value === "setfit" ? "1" : "3";
  $("#job-form input[name=batchSize]").value = event.target.value === "setfit" ? "16" : "32";
  $("#lora-rank").hidden = event.target.value !== "lora";
});

$("#job-form").addEventListener("submit", async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = {};
  for (const [k, v] of form.entries()) {
    if (v === "" || k === "loraRank") continue;
    body[k] = ["epochs", "batchSize", "maxLength"].includes(k) ? parseInt(v, 10)
      : k === "learningRate" ? parseFloat(v) : v;
  }
  if (body.strategy === "lora" && form.get("loraRank")) body.lora = { r: parseInt(form.get("loraRank"), 10) };
  const message = $("#job-message");
  try {
    const job = await json("/api/v1/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    message.className = "message";
    message.textContent = `Queued job ${job.id.slice(0, 8)}.`;
    await loadJobs();
    showJob(job.id);
  } catch (e) {
    message.className = "message bad";
    message.textContent = e.body?.errors ? e.body.errors.join("; ") : e.message;
  }
});

async function showJob(id) {
  selectedJob = id;
  document.querySelectorAll("#jobs-table tr").forEach(r => r.classList.toggle("selected", r.dataset.job === id));
  const [job, points] = await Promise.all([json(`/api/v1/jobs/${id}`), json(`/api/v1/jobs/${id}/metrics`)]);
  const lastAttempt = points.reduce((m, p) => Math.max(m, p.attempt), 0);
  detailPoints = points.filter(p => p.attempt === lastAttempt);
  $("#job-detail").classList.remove("hidden");
  // the whole id: the API answers to it, not to the table's 8-character prefix
  $("#detail-title").textContent = job.name ? `${job.name} (${job.id})` : job.id;
  $("#copy-id").onclick = () => navigator.clipboard?.writeText(job.id);
  const status = $("#detail-status");
  status.className = "status " + job.status;
  status.textContent = job.status;
  $("#detail-where").textContent = job.node
    ? `Attempt ${job.attempts} on node ${job.node}, device ${job.device}.` : "";
  const error = $("#detail-error");
  error.classList.toggle("hidden", !job.error);
  error.textContent = job.error ? `${job.error.type}: ${job.error.message}` : "";
  $("#detail-model").replaceChildren(job.modelId
    ? el("span", {}, el("a", { href: `/api/v1/models/${job.modelId}/download`, id: "download-model" }, "Download the model (Hugging Face checkpoint)"),
      " · ", el("a", { href: `/api/v1/models/${job.modelId}/download?format=onnx` }, "ONNX"),
      " · ", el("a", { href: `/api/v1/models/${job.modelId}/download?format=onnx-int8` }, "ONNX int8"))
    : "");
  const test = job.testMetrics;
  $("#detail-test").textContent = !test ? ""
    : test.problemType === REGRESSION ? `Test set (best weights): RMSE ${num(test.rmse)}, MAE ${num(test.mae)}, Spearman ${num(test.spearman)} on ${test.count} texts.`
    : test.problemType === MULTI ? `Test set (best weights, validation thresholds): macro F1 ${pct(test.f1Macro)}, micro F1 ${pct(test.f1Micro)} on ${test.count} texts.`
    : `Test set (best weights): accuracy ${pct(test.accuracy)}, macro F1 ${pct(test.f1Macro)} on ${test.count} texts.`;
  $("#detail-config").textContent = JSON.stringify(job.config, null, 2);
  drawCurves();
  const best = detailPoints.filter(p => p.best).pop();
  if (best) drawBest(best.metrics); else { $("#confusion").replaceChildren(); $("#per-class").replaceChildren(); }
}

const charts = {};
function drawCurves() {
  const steps = detailPoints.map(p => p.step);
  chart("loss-chart", [steps, detailPoints.map(p => p.trainLoss), detailPoints.map(p => p.metrics.loss)],
    ["train loss", "validation loss"], ["#2f6fed", "#c4320a"]);
  const kind = detailPoints[0]?.metrics.problemType;
  const [a, b] = kind === REGRESSION ? [["mae", "MAE"], ["rmse", "RMSE"]]
    : kind === MULTI ? [["f1Macro", "macro F1"], ["f1Micro", "micro F1"]] : [["accuracy", "accuracy"], ["f1Macro", "macro F1"]];
  chart("score-chart", [steps, detailPoints.map(p => p.metrics[a[0]]), detailPoints.map(p => p.metrics[b[0]])],
    [a[1], b[1]], ["#12805c", "#b54708"], kind === REGRESSION ? null : [0, 1]);
}

/** yRange: fixed [min, max] (scores between 0 and 1), else fitted to the data. */
function chart(id, data, names, colors, yRange) {
  const container = document.getElementById(id);
  const width = Math.max(260, container.clientWidth || 320);
  if (charts[id]) charts[id].destroy();
  // one evaluation is one step: pad the axis around it instead of uPlot's 0-to-value default
  const xRange = (u, min, max) => min === max ? [Math.max(0, min - 1), max + 1] : [min, max];
  charts[id] = new uPlot({
    width, height: 220,
    scales: { x: { time: false, range: xRange }, y: yRange ? { range: () => yRange } : {} },
    series: [{ label: "step" }, ...names.map((n, i) => ({ label: n, stroke: colors[i], width: 2, points: { show: true } }))],
    axes: [{ label: "step" }, {}],
  }, data, container);
}

function drawBest(metrics) {
  if (metrics.problemType === MULTI) return drawBestMultiLabel(metrics);
  if (metrics.problemType === REGRESSION) return drawBestRegression(metrics);
  const labels = metrics.perClass.map(c => c.label);
  const max = Math.max(1, ...metrics.confusionMatrix.flat());
  $("#confusion").replaceChildren(el("table", { class: "heat" },
    el("tr", {}, el("th", {}, "true \\ predicted"), ...labels.map(l => el("th", {}, l))),
    ...metrics.confusionMatrix.map((row, i) => el("tr", {}, el("th", {}, labels[i]),
      ...row.map(v => {
        const strength = 0.12 + 0.88 * v / max; // dark text on light cells, white on dark ones
        return el("td", { style: `background: rgba(47,111,237,${strength}); color: ${strength > 0.5 ? "#fff" : "var(--fg)"}` }, v);
      })))));
  $("#per-class").replaceChildren(el("table", {},
    el("tr", {}, el("th", {}, "label"), el("th", {}, "precision"), el("th", {}, "recall"), el("th", {}, "F1"), el("th", {}, "support")),
    ...metrics.perClass.map(c => el("tr", {}, el("td", {}, c.label), el("td", {}, pct(c.precision)), el("td", {}, pct(c.recall)),
      el("td", {}, pct(c.f1)), el("td", {}, c.support)))));
}

/** Per-label figures with each label's decision threshold; no confusion matrix (labels are not exclusive). */
function drawBestMultiLabel(m) {
  $("#confusion").replaceChildren(el("p", {}, `Macro F1 ${pct(m.f1Macro)}, micro F1 ${pct(m.f1Micro)} with ${m.thresholdsTuned ? "tuned" : "fixed"} thresholds `
    + `(at 0.5: ${pct(m.f1MacroAtHalf)} / ${pct(m.f1MicroAtHalf)}); exact label sets ${pct(m.subsetAccuracy)}, Hamming loss ${num(m.hammingLoss)}, macro ROC-AUC ${num(m.rocAucMacro)}.`));
  $("#per-class").replaceChildren(el("table", {},
    el("tr", {}, el("th", {}, "label"), el("th", {}, "precision"), el("th", {}, "recall"), el("th", {}, "F1"), el("th", {}, "support"), el("th", {}, "threshold"), el("th", {}, "ROC-AUC")),
    ...m.perLabel.map(l => el("tr", {}, el("td", {}, l.label), el("td", {}, pct(l.precision)), el("td", {}, pct(l.recall)),
      el("td", {}, el("div", { class: "bar" }, el("span", { style: `width:${100 * l.f1}%` }), el("em", {}, pct(l.f1)))),
      el("td", {}, l.support), el("td", {}, num(l.threshold)), el("td", {}, num(l.rocAuc))))));
}

function drawBestRegression(m) {
  $("#confusion").replaceChildren();
  $("#per-class").replaceChildren(el("table", {},
    el("tr", {}, el("th", {}, "MSE"), el("th", {}, "MAE"), el("th", {}, "RMSE"), el("th", {}, "Pearson"), el("th", {}, "Spearman"), el("th", {}, "texts")),
    el("tr", {}, el("td", {}, num(m.loss)), el("td", {}, num(m.mae)), el("td", {}, num(m.rmse)), el("td", {}, num(m.pearson)),
      el("td", {}, num(m.spearman)), el("td", {}, m.count))));
}

// ---- Data sets ----
/** A Delete button that asks first and shows the API's answer (e.g. 409 while a job uses it) in a message line. */
function deleteButton(path, what, messageId, reload) {
  const button = el("button", { class: "secondary" }, "Delete");
  button.addEventListener("click", async event => {
    event.stopPropagation();
    if (!confirm(`Delete ${what}?`)) return;
    const message = $(messageId);
    try {
      await json(path, { method: "DELETE" });
      message.textContent = `Deleted ${what}.`;
      message.classList.remove("bad");
    } catch (e) {
      message.textContent = e.message;
      message.classList.add("bad");
    }
    reload();
  });
  return button;
}

async function loadDatasets() {
  const datasets = await json("/api/v1/datasets");
  // preselect the largest data set: the newest is often a test set (the quick start uploads train, then dev)
  const largest = datasets.reduce((a, d) => (!a || d.rowCount > a.rowCount ? d : a), null);
  $("#job-form select[name=datasetId]").replaceChildren(...datasets.map(d =>
    el("option", d === largest ? { value: d.id, selected: "" } : { value: d.id }, `${d.name} (${d.rowCount})`)));
  $("#datasets-list").replaceChildren(el("table", {},
    el("tr", {}, el("th", {}, "Name"), el("th", {}, "Rows"), el("th", {}, "Labels"), el("th", {}, "Format"), el("th", {}, "")),
    ...datasets.map(d => {
      const preview = el("button", { class: "secondary" }, "Preview");
      preview.addEventListener("click", () => showPreview(d));
      const remove = deleteButton(`/api/v1/datasets/${d.id}`, `data set ${d.name}`, "#datasets-message", loadDatasets);
      return el("tr", { "data-dataset": d.id }, el("td", {}, d.name), el("td", {}, d.rowCount + (d.skippedRows ? ` (${d.skippedRows} skipped)` : "")),
        el("td", {}, labelSummary(d)), el("td", {}, d.format), el("td", {}, preview, " ", remove));
    })));
}

/** Label bars (a row with several labels counts for each), the share of multi-label rows, or a numeric summary. */
function labelSummary(d) {
  const kind = [d.labelled === false ? "no labels: to score and select rows to label from"
    : d.suggestedProblemType === MULTI ? `multi-label: ${d.multiLabelRows} rows with several labels`
    : d.suggestedProblemType === REGRESSION ? "numeric: trains a regression" : "",
    d.version > 1 ? `version ${d.version}` + (d.parentId ? ` of ${d.parentId.substring(0, 8)}` : "") : ""]
    .filter(Boolean).join("; ");
  const numeric = d.numericLabels ? `values ${d.numericLabels.min} to ${d.numericLabels.max}, mean ${d.numericLabels.mean.toFixed(2)}` : "";
  const bars = Object.keys(d.labels).length && d.suggestedProblemType !== REGRESSION; // no bar per distinct score
  return el("div", {}, bars ? labelBars(d.labels, d.rowCount) : "",
    kind || numeric ? el("small", { class: "label-kind" }, [kind, numeric].filter(Boolean).join("; ")) : "");
}

function labelBars(labels, total) {
  return el("div", { class: "labels" }, ...Object.entries(labels).map(([label, count]) =>
    el("div", { class: "bar", title: `${label}: ${count}` }, el("span", { style: `width:${100 * count / total}%; opacity:.35` }), el("em", {}, `${label} ${count}`))));
}

async function showPreview(dataset) {
  const page = await json(`/api/v1/datasets/${dataset.id}/rows?limit=20`);
  $("#preview").classList.remove("hidden");
  $("#preview-title").textContent = dataset.name;
  $("#preview-table tbody").replaceChildren(...page.rows.map(r => el("tr", {}, el("td", {}, r.index), el("td", {}, r.text), el("td", {}, r.label))));
}

$("#upload-form").addEventListener("submit", event => {
  event.preventDefault();
  const form = new FormData(event.target);
  for (const [k, v] of [...form.entries()]) if (v === "") form.delete(k);
  const progress = $("#upload-progress");
  const message = $("#upload-message");
  progress.classList.remove("hidden");
  const request = new XMLHttpRequest();
  request.open("POST", "/api/v1/datasets");
  const key = sessionStorage.getItem("attune-api-key");
  if (key) request.setRequestHeader("X-API-Key", key);
  request.upload.onprogress = e => { if (e.lengthComputable) progress.value = 100 * e.loaded / e.total; };
  request.onload = async () => {
    progress.classList.add("hidden");
    if (request.status === 401) { await askForKey("This attune needs an API key."); return; }
    const body = JSON.parse(request.responseText || "{}");
    message.className = request.status === 201 ? "message" : "message bad";
    message.textContent = request.status === 201 ? `Stored ${body.rowCount} rows as ${body.name}.` : body.detail;
    loadDatasets();
  };
  request.send(form);
});

// ---- Models and try-it ----
async function loadModels() {
  const models = await json("/api/v1/models");
  $("#model-options").replaceChildren(...models.map(m => el("option", { value: m.id }, m.name)));
  let serving = null;
  try { serving = await json("/api/v1/serving"); } catch (e) { /* none yet */ }
  const servingModel = serving && models.find(m => m.id === serving.modelId);
  $("#serving").textContent = serving?.state === "switching" ? "Switching models…"
    : servingModel ? `Serving ${servingModel.name} — ${serving.reason}` + (serving.canary
      ? `; canary ${models.find(m => m.id === serving.canary.modelId)?.name ?? serving.canary.modelId} answers ${serving.canary.percent}%.` : ".")
    : "No model serves /predict yet.";
  $("#try-pair").hidden = !servingModel?.textPair; // a sentence-pair model reads each text with its pair
  if (serving?.state === "switching") setTimeout(loadModels, 1000);
  $("#models-table tbody").replaceChildren(...models.map(m => {
    const promote = el("button", { class: "secondary" }, serving?.modelId === m.id ? "Serving" : "Promote");
    promote.addEventListener("click", async () => { await json(`/api/v1/models/${m.id}/promote`, { method: "POST" }); setTimeout(loadModels, 500); });
    return el("tr", { "data-model": m.id }, el("td", {}, m.name), el("td", {}, m.architecture), el("td", {}, m.labels.join(", ") + (m.problemType === MULTI ? " (multi-label)" : m.problemType === REGRESSION ? " (regression)" : "")),
      el("td", {}, m.origin), el("td", { class: "training" }, training(m)), el("td", {}, headline(m.metrics?.validation)),
      el("td", {}, promote, " ", deleteButton(`/api/v1/models/${m.id}`, `model ${m.name}`, "#models-message", loadModels)));
  }));
  await loadDeployments(models);
}

// How a model was trained: strategy, trainable weights and, for a LoRA adapter, its rank and size.
function training(m) {
  if (!m.strategy) return "—";
  const count = n => n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : `${n}`;
  const trained = m.trainableParameters != null ? `, ${count(m.trainableParameters)} of ${count(m.parameters)} weights trained` : "";
  if (!m.adapter) return m.strategy + trained;
  return `LoRA r ${m.adapter.r}${trained}, adapter ${(m.adapter.adapterBytes / 1024).toFixed(0)} KiB over ${m.adapter.baseModel}`;
}

// ---- Deployments: a stable name, its model, a canary, the history of changes ----
async function loadDeployments(models) {
  const name = id => models.find(m => m.id === id)?.name ?? id.slice(0, 8);
  document.querySelectorAll(".model-choice").forEach(select => {
    const keep = select.value;
    const none = select.name === "canaryModelId" ? [el("option", { value: "" }, "none")] : [];
    select.replaceChildren(...none, ...models.map(m => el("option", { value: m.id }, m.name)));
    if ([...select.options].some(option => option.value === keep)) select.value = keep; // else its first option shows
  });
  const deployments = await json("/api/v1/deployments");
  const accuracy = await json("/api/v1/feedback/accuracy").catch(() => []); // live, from feedback (docs/feedback.md)
  const pct = x => (x * 100).toFixed(1);
  const live = d => {
    const rows = accuracy.filter(a => a.deployment === d.name);
    return rows.length === 0 ? "–" : rows.map(a => el("div", { title: `${a.correct} of ${a.count} corrected answers right, `
      + "95% Wilson interval" }, `${name(a.model)}: ${pct(a.accuracy)}% [${pct(a.lower)}–${pct(a.upper)}] of ${a.count}`));
  };
  $("#deployments-table tbody").replaceChildren(...deployments.map(d => {
    const rollback = el("button", { class: "secondary" }, "Roll back");
    rollback.addEventListener("click", () => changeDeployment(`/api/v1/deployments/${d.name}/rollback`, "POST"));
    const promote = el("button", { class: "secondary" }, "Promote canary");
    promote.disabled = !d.canary;
    promote.addEventListener("click", () => changeDeployment(`/api/v1/deployments/${d.name}`, "PUT",
      { modelId: d.canary.modelId }));
    const history = el("details", {}, el("summary", {}, `${d.history.length} changes`),
      ...d.history.map(h => el("div", {}, `${h.changedAt.replace("T", " ").slice(0, 19)} ${h.action}: ${name(h.modelId)}`
        + (h.canary ? ` + ${name(h.canary.modelId)} ${h.canary.percent}%` : "") + ` (${h.changedBy})`)));
    const watch = el("button", { class: "secondary" }, "Monitoring");
    watch.addEventListener("click", () => showMonitoring(d.name, name));
    return el("tr", { "data-deployment": d.name }, el("td", {}, d.name), el("td", {}, name(d.modelId)),
      el("td", {}, d.canary ? `${name(d.canary.modelId)} (${d.canary.percent}%)` : "–"), el("td", {}, live(d)),
      el("td", {}, history),
      el("td", {}, watch, " ", promote, " ", rollback, " ", deleteButton(`/api/v1/deployments/${d.name}`, `deployment ${d.name}`,
        "#deployments-message", loadModels)));
  }));
}

// ---- Monitoring: what a deployment's models served in the last hour against their validation rows, PSI per figure ----
async function showMonitoring(deployment, name) {
  const status = $("#monitoring-status");
  $("#monitoring-card").hidden = false;
  $("#monitoring-title").textContent = deployment;
  let m;
  try {
    m = await json(`/api/v1/deployments/${deployment}/monitoring`);
  } catch (e) {
    status.textContent = e.message;
    status.className = "message bad";
    return;
  }
  status.textContent = `${m.status}: ${m.detail}`;
  status.className = "message drift-" + m.status;
  const shares = (bins, key) => bins.filter(b => b[key]).map(b => `${b.bin} ${(100 * b[key]).toFixed(0)}%`).join(", ") || "–";
  $("#monitoring-models").replaceChildren(...m.models.map(w => el("div", { "data-model": w.modelId },
    el("h3", {}, `${w.role}: ${name(w.modelId)} — ${w.status}, ${w.texts} texts`
      + (w.latency.p50Ms != null ? `, p50 ≤ ${w.latency.p50Ms} ms, p99 ≤ ${w.latency.p99Ms} ms` : "")),
    el("table", {}, el("thead", {}, el("tr", {}, ...["figure", "PSI", "status", "served", "reference"].map(h => el("th", {}, h)))),
      el("tbody", {}, ...w.figures.map(f => el("tr", { "data-figure": f.figure, class: "drift-" + (f.status ?? "none") },
        el("td", {}, f.figure), el("td", {}, f.psi == null ? "–" : f.psi.toFixed(3)), el("td", {}, f.status ?? "–"),
        el("td", {}, shares(f.bins, "servedShare")), el("td", {}, w.reference ? shares(f.bins, "referenceShare") : "no reference"))))))));
}

async function changeDeployment(path, method, body) {
  const message = $("#deployments-message");
  try {
    await json(path, { method, headers: { "Content-Type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    message.textContent = "";
  } catch (e) {
    message.textContent = e.message;
    message.classList.add("bad");
  }
  loadModels();
}

$("#deployment-form").addEventListener("submit", async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const name = form.get("name");
  const canary = form.get("canaryModelId") ? { modelId: form.get("canaryModelId"), percent: Number(form.get("percent")) } : null;
  const exists = document.querySelector(`#deployments-table tr[data-deployment="${name}"]`);
  if (exists) {
    await changeDeployment(`/api/v1/deployments/${name}`, "PUT", { modelId: form.get("modelId"), canary });
  } else {
    await changeDeployment("/api/v1/deployments", "POST", { name, modelId: form.get("modelId") });
    if (canary) await changeDeployment(`/api/v1/deployments/${name}`, "PUT", { canary });
  }
});

$("#try-form").addEventListener("submit", async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const text = form.get("text");
  const textPair = $("#try-pair").hidden ? null : form.get("textPair");
  const result = $("#try-result");
  try {
    const explain = form.get("explain") === "on";
    const predict = body => json("/predict", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) });
    let answer;
    let unexplained = null; // why an explanation was refused (a text read in sliding windows): the prediction alone
    try {
      answer = await predict({ text, ...(textPair ? { textPair } : {}), ...(explain ? { explain } : {}) });
    } catch (e) {
      if (!explain || e.body?.status !== 400) throw e;
      answer = await predict(textPair ? { text, textPair } : { text });
      unexplained = el("p", { class: "message" }, `Not coloured: ${e.message}`);
    }
    const p = answer.predictions[0];
    const truncated = p.truncated ? " (text truncated)" : "";
    if (!p.probabilities) { // a regression model: one value
      result.replaceChildren(el("p", {}, "→ score ", el("strong", { id: "predicted-label" }, num(p.score)), truncated),
        ...explainedText(text, textPair, p.explanation), unexplained ?? "");
      return;
    }
    // multi-label: every label over its threshold (maybe none); single label: the most probable one
    const answerText = p.labels ? (p.labels.length ? p.labels.join(", ") : "no label") : p.label;
    result.replaceChildren(el("p", {}, "→ ", el("strong", { id: "predicted-label" }, answerText), truncated),
      ...Object.entries(p.probabilities).map(([label, prob]) =>
        el("div", { class: "bar probability" + (p.labels?.includes(label) ? " chosen" : "") },
          el("span", { style: `width:${100 * prob}%` }), el("em", {}, `${label} ${pct(prob)}`))),
      ...explainedText(text, textPair, p.explanation), unexplained ?? "");
  } catch (e) {
    result.replaceChildren(el("p", { class: "error" }, e.message));
  }
});

// The text as typed (and its pair), each word coloured by its attribution: green toward the explained label, red
// away from it, stronger the larger its share. Offsets are UTF-16 indexes into the text sent, as String.slice counts.
function explainedText(text, textPair, explanation) {
  if (!explanation) return [];
  const largest = Math.max(1e-9, ...explanation.words.map(w => Math.abs(w.attribution)));
  const coloured = (source, words, id) => {
    const parts = [];
    let at = 0;
    for (const w of words) {
      if (w.start > at) parts.push(source.slice(at, w.start));
      const share = Math.abs(w.attribution) / largest;
      const colour = w.attribution >= 0 ? `rgba(18, 128, 92, ${share.toFixed(2)})` : `rgba(196, 50, 10, ${share.toFixed(2)})`;
      parts.push(el("mark", { class: "attribution " + (w.attribution >= 0 ? "toward" : "against"), style: `background:${colour}`,
        title: `${w.attribution >= 0 ? "+" : ""}${w.attribution.toFixed(3)} toward ${explanation.label}` }, source.slice(w.start, w.end)));
      at = Math.max(at, w.end);
    }
    if (at < source.length) parts.push(source.slice(at));
    return el("p", { id, class: "explained" }, ...parts);
  };
  const error = Math.abs(explanation.logitDifference) > 0 ? explanation.completenessError / Math.abs(explanation.logitDifference) : 0;
  return [coloured(text, explanation.words.filter(w => !w.inPair), "explained-text"),
    ...(textPair ? [coloured(textPair, explanation.words.filter(w => w.inPair), "explained-pair")] : []),
    el("p", { class: "message" }, `Why ${explanation.label}: integrated gradients over ${explanation.steps} steps`
      + ` (completeness error ${pct(error)} of the logit difference)${explanation.truncated ? "; words past the model's maxLength were not read" : ""}.`)];
}

// ---- Start ----
loadDatasets();
loadModels();
showTab(location.hash.slice(1));
setInterval(() => { if ($("#jobs").classList.contains("active")) loadJobs(); }, 5000);
