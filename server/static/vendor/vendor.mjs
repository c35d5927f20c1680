// Copies browser builds from node_modules into server/static/vendor/<name>/ (run: npm run vendor).
// Each bundle is used as shipped except for its sourceMappingURL comment, dropped so that
// browsers' developer tools do not ask this server for a .map file it does not serve.
// One row per vendored package: where it lives in node_modules and which built files we serve.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGES = [
  { name: "@zazuko/yasgui", title: "YASGUI", folder: "yasgui", build: "build", files: ["yasgui.min.js", "yasgui.min.css"] },
  { name: "cytoscape", title: "Cytoscape.js", folder: "cytoscape", build: "dist", files: ["cytoscape.min.js"] },
];

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
for (const { name, title, folder, build, files } of PACKAGES) {
  const pkgDir = join(root, "node_modules", ...name.split("/"));
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const out = join(here, folder);
  mkdirSync(out, { recursive: true });
  const lines = [`# ${title} ${pkg.version} (npm: ${pkg.name}, licence ${pkg.license})`, "",
    "Vendored by `npm run vendor` (server/static/vendor/vendor.mjs); do not edit by hand.", "",
    "| file | sha256 of the npm original |", "| --- | --- |"];
  for (const file of files) {
    const original = readFileSync(join(pkgDir, build, file), "utf8");
    const stripped = original.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n").replace(/\/\*# sourceMappingURL=\S+ \*\/\s*$/, "\n");
    writeFileSync(join(out, file), stripped);
    lines.push(`| ${file} | ${createHash("sha256").update(original).digest("hex")} |`);
  }
  writeFileSync(join(out, "README.md"), lines.join("\n") + "\n");
  console.log(`vendored ${pkg.name}@${pkg.version} into ${out}`);
}
