// The layers of the project, checked by `npm run lint:layers` (dependency-cruiser). From the bottom up:
//   src/            the runtime the generated code relies on: nothing else of the project
//   generated/      derived from the spec: src/ only
//   reference-crm/  an example of a CRM an integrator can copy: the kit only through what package.json
//                   exports (generated/server, client and types), never scripts/ (it runs without dev tools)
//   scripts/        the tools; those that hold any CRM to the spec (generate, contract, verify, shared) do not
//                   reach into the reference CRM; the bench and the failure tools drive it, so they may
//   test/, examples/  may use anything
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "src-stands-alone",
      comment: "src/ is the fixed runtime of the generated code: it imports nothing else of the project.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(generated|reference-crm|scripts|test|examples)/" },
    },
    {
      name: "generated-on-src",
      comment: "Generated code relies on src/ only.",
      severity: "error",
      from: { path: "^generated/" },
      to: { path: "^(reference-crm|scripts|test|examples)/" },
    },
    {
      name: "reference-crm-through-the-package",
      comment: "The reference CRM uses the kit as an integrator would: what package.json exports, no dev tool.",
      severity: "error",
      from: { path: "^reference-crm/" },
      to: { path: "^(src|scripts|test|examples)/|^generated/validators", pathNot: "^src/metrics\\.ts$" },
    },
    {
      name: "contract-tools-hold-any-crm",
      comment:
        "The generator and the contract tools work for any CRM: they do not reach into the reference CRM " +
        "(but for the key it keeps, which `npm run play-khoros` and verify send by default).",
      severity: "error",
      from: { path: "^scripts/(generate|contract|verify|shared)/" },
      to: { path: "^reference-crm/", pathNot: "^reference-crm/api-key\\.ts$" },
    },
    {
      name: "no-tests-in-code",
      comment: "Only tests and examples use test/.",
      severity: "error",
      from: { pathNot: "^(test|examples)/" },
      to: { path: "^test/" },
    },
    {
      name: "no-circular",
      comment: "Modules that import each other, however indirectly, are one module in two files.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
