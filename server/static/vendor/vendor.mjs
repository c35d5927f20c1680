// Copies the YASGUI build from node_modules into server/static/vendor/yasgui/ (run: npm run vendor).
// The bundle is used as shipped except for its sourceMappingURL comment, dropped so that
// browsers' developer tools do not ask this server for a .map file it does not serve.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const pkgDir = join(root, "node_modules", "@zazuko", "yasgui");
const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
const out = join(here, "yasgui");
mkdirSync(out, { recursive: true });
const lines = [`# YASGUI ${pkg.version} (npm: ${pkg.name}, licence ${pkg.license})`, "",
  "Vendored by `npm run vendor` (server/static/vendor/vendor.mjs); do not edit by hand.", "",
  "| file | sha256 of the npm original |", "| --- | --- |"];
for (const name of ["yasgui.min.js", "yasgui.min.css"]) {
  const original = readFileSync(join(pkgDir, "build", name), "utf8");
  const stripped = original.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n").replace(/\/\*# sourceMappingURL=\S+ \*\/\s*$/, "\n");
  writeFileSync(join(out, name), stripped);
  lines.push(`| ${name} | ${createHash("sha256").update(original).digest("hex")} |`);
}
writeFileSync(join(out, "README.md"), lines.join("\n") + "\n");
console.log(`vendored ${pkg.name}@${pkg.version} into ${out}`);
