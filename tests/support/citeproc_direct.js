"use strict";
// Formats one document's citation clusters with citeproc-js through its one-at-a-time API
// (processCitationCluster, as a word processor plugin calls it), not the batch call the build
// uses: what the build shows must equal what citeproc-js gives for the same clusters.
// stdin: {"style": xml, "locales": {lang: xml}, "lang": "en-US", "items": [...], "clusters": [...],
//         "uncited": [...]}; stdout: {"clusters": [html...], "bibliography": [html...]}.
const CSL = require(process.env.ARCHIVIST_CITEPROC || "citeproc");
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const items = Object.fromEntries(request.items.map((item) => [item.id, item]));
  const sys = { retrieveItem: (id) => items[id], retrieveLocale: (lang) => request.locales[lang] || false };
  const engine = new CSL.Engine(sys, request.style, request.lang, true);
  engine.opt.development_extensions.wrap_url_and_doi = true;
  engine.setOutputFormat("html");
  const shown = [];
  const before = [];
  request.clusters.forEach((cluster, n) => {
    const citation = {
      citationID: "c" + n,
      citationItems: cluster.items,
      properties: Object.assign({ noteIndex: cluster.noteIndex }, cluster.mode ? { mode: cluster.mode } : {}),
    };
    const result = engine.processCitationCluster(citation, before.slice(), []);
    for (const [index, text] of result[1]) shown[index] = text;
    before.push(["c" + n, cluster.noteIndex]);
  });
  engine.updateUncitedItems(request.uncited);
  const bibliography = engine.makeBibliography();
  process.stdout.write(JSON.stringify({ clusters: shown, bibliography: bibliography ? bibliography[1] : [] }));
});
