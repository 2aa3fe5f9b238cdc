// Label audits on the dashboard (issue 33): start one, follow its folds, read its suspects, make the cleaned data set.
// Uses app.js's helpers ($, el, json, pct); every call is the public REST API under /api/v1/datasets/{id}/audits.
"use strict";

const SUSPECTS_SHOWN = 100;
let auditShown = null; // {datasetId, auditId} of the audit whose suspects are open

async function loadAudits() {
  const datasets = await json("/api/v1/datasets");
  const labelled = datasets.filter(d => d.labelled !== false);
  const select = $("#audit-form select[name=datasetId]");
  const chosen = select.value;
  select.replaceChildren(...labelled.map(d =>
    el("option", d.id === chosen ? { value: d.id, selected: "" } : { value: d.id }, `${d.name} (${d.rowCount})`)));
  const audits = (await Promise.all(labelled.map(d =>
    json(`/api/v1/datasets/${d.id}/audits`).catch(() => [])))).flat()
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  $("#audits-table tbody").replaceChildren(...audits.map(a => {
    const open = el("button", { class: "secondary" }, "Suspects");
    open.disabled = a.status !== "SUCCEEDED";
    open.addEventListener("click", () => showAudit(a.datasetId, a.id));
    const row = el("tr", { "data-audit": a.id }, el("td", {}, a.name), el("td", {}, el("span", { class: "status" }, a.status)),
      el("td", {}, `${a.progress.succeeded}/${a.folds}`), el("td", {}, a.rows ?? "–"),
      el("td", {}, a.suspectCount ?? "–"), el("td", {}, open));
    if (a.error) row.title = a.error;
    return row;
  }));
  if (auditShown) await showAudit(auditShown.datasetId, auditShown.auditId);
}

/** The audit's most suspect rows, with what to do about them. */
async function showAudit(datasetId, auditId) {
  auditShown = { datasetId, auditId };
  const path = `/api/v1/datasets/${datasetId}/audits/${auditId}`;
  const audit = await json(`${path}?limit=${SUSPECTS_SHOWN}`);
  $("#audit-detail").classList.remove("hidden");
  $("#audit-name").textContent = `${audit.name}: ${audit.suspectCount} suspects of ${audit.rows} rows`
    + (audit.suspectCount > SUSPECTS_SHOWN ? ` (the ${SUSPECTS_SHOWN} most suspect shown)` : "");
  const clean = (mode, label) => {
    const button = el("button", { class: "secondary" }, label);
    button.addEventListener("click", async () => {
      const message = $("#audit-message");
      try {
        const made = await json(`${path}/clean`, { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ mode }) });
        message.textContent = `Made data set ${made.name} (${made.rowCount} rows).`;
        message.classList.remove("bad");
        if (typeof loadDatasets === "function") loadDatasets();
      } catch (e) {
        message.textContent = e.message;
        message.classList.add("bad");
      }
    });
    return button;
  };
  $("#audit-actions").replaceChildren(clean("drop", "New data set without them"), " ",
    clean("relabel", "New data set with the suggested labels"), " ",
    el("a", { href: `${path}/suspects?format=csv`, download: "" }, "Download every suspect (CSV)"));
  $("#suspects-table tbody").replaceChildren(...(audit.suspects || []).map(s => el("tr", {},
    el("td", {}, s.rank), el("td", {}, s.rowIndex), el("td", {}, s.text + (s.textPair ? ` ‖ ${s.textPair}` : "")),
    el("td", {}, s.givenLabel), el("td", {}, s.suggestedLabel), el("td", {}, pct(s.selfConfidence)))));
}

$("#audit-form").addEventListener("submit", async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const message = $("#audit-message");
  const body = { baseModel: form.get("baseModel"), folds: Number(form.get("folds")), epochs: Number(form.get("epochs")) };
  try {
    const audit = await json(`/api/v1/datasets/${form.get("datasetId")}/audits`, { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    message.textContent = `Audit ${audit.id.substring(0, 8)} queued: ${audit.folds} fold jobs.`;
    message.classList.remove("bad");
  } catch (e) {
    message.textContent = e.message;
    message.classList.add("bad");
  }
  loadAudits();
});

loadAudits().catch(() => {});
setInterval(() => { if ($("#datasets").classList.contains("active")) loadAudits().catch(() => {}); }, 5000);
