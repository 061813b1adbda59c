// One self-contained HTML page: styles inline, no script, no request to anywhere; every text escaped.
// A check per row, grouped by operation; a failure or warning opens to its rule, curl and answer.
import type { Outcome, Verdict } from "./check.js";
import type { VerifyRun } from "./runner.js";
import { byOperation, countsOf, createdLines, evidenceOf, modeOf, verdictLine } from "./summary.js";

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const labels: Record<Verdict, string> = { pass: "passed", fail: "FAILED", warn: "warning", skip: "skipped" };

const style = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d232a; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; border-bottom: 1px solid #d0d7de; }
table { border-collapse: collapse; width: 100%; } td { padding: .25rem .5rem; vertical-align: top; }
td.verdict { width: 6rem; font-weight: 600; } .pass { color: #1a7f37; } .fail { color: #cf222e; }
.warn { color: #9a6700; } .skip { color: #6e7781; } pre { white-space: pre-wrap; word-break: break-all;
background: #f6f8fa; padding: .5rem; margin: .3rem 0; font-size: 13px; } .family { color: #6e7781; }`;

function row(outcome: Outcome, key: string): string {
  const { check, verdict } = outcome;
  const family = check.family === "spec" ? "" : ` <span class="family">[${escape(check.family)}]</span>`;
  const head = `<td class="verdict ${verdict}">${labels[verdict]}</td>`;
  if (verdict === "pass") return `<tr>${head}<td>${escape(check.rule)}${family}</td></tr>`;
  if (verdict === "skip")
    return `<tr>${head}<td>${escape(check.rule)}${family} — ${escape(outcome.problems.join(" "))}</td></tr>`;
  const { curl, got } = evidenceOf(outcome, key);
  const details = [
    `<summary>${escape(check.rule)}${family}</summary>`,
    ...outcome.problems.map((p) => `<pre>rule: ${escape(p)}</pre>`),
    `<pre>sent: ${escape(curl ?? "")}</pre>`,
    `<pre>got:  ${escape(got ?? "")}</pre>`,
  ];
  return `<tr>${head}<td><details${verdict === "fail" ? " open" : ""}>${details.join("")}</details></td></tr>`;
}

export function htmlReport(run: VerifyRun, key: string): string {
  const counts = countsOf(run);
  const sections = byOperation(run).map(([operationId, outcomes]) => {
    const rows = outcomes.map((o) => row(o, key)).join("\n");
    return `<section><h2>${escape(operationId)}</h2><table>${rows}</table></section>`;
  });
  const created = createdLines(run)
    .map((line) => `<li>${escape(line)}</li>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>verify ${escape(run.url)}</title><style>${style}</style></head>
<body><h1>verify ${escape(run.url)}</h1>
<p id="verdict" class="${counts.fail ? "fail" : "pass"}">${escape(verdictLine(run))}</p>
<p>prefix ${escape(run.prefix)} · ${escape(modeOf(run))}. To replay a request:
<code>export CRM_URL='&lt;the instanceUrl&gt;' CRM_KEY='&lt;the key&gt;'</code>.</p>
${sections.join("\n")}
<h2>Created</h2><ul>${created || "<li>nothing</li>"}</ul>
</body></html>
`;
}
