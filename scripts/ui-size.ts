/**
 * Prints the gzip size of the admin UI's first load: the entry chunk, every
 * chunk it imports statically, and their CSS (lazy chunks such as the project
 * editor are listed separately and not counted). Reads Vite's build manifest,
 * so run `npm run build:ui` first. Exits 1 above the budget (300 KiB).
 *
 *   npx tsx scripts/ui-size.ts [--budget-kib 300]
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const buildDir = path.resolve(__dirname, '..', 'static', 'admin', 'build');
const manifestPath = path.join(buildDir, '.vite', 'manifest.json');
const budgetArg = process.argv.indexOf('--budget-kib');
const budgetKiB = budgetArg > 0 ? Number(process.argv[budgetArg + 1]) : 300;

if (!existsSync(manifestPath)) {
  console.error(`No build manifest at ${manifestPath}: run "npm run build:ui" first.`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>;

const gz = (file: string) => {
  const content = readFileSync(path.join(buildDir, file));
  return { raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
};

const firstLoad = new Set<string>();
const visit = (id: string) => {
  const chunk = manifest[id];
  if (!chunk || firstLoad.has(chunk.file)) return;
  firstLoad.add(chunk.file);
  for (const css of chunk.css ?? []) firstLoad.add(css);
  for (const imported of chunk.imports ?? []) visit(imported);
};
for (const [id, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(id);

const lazy = new Set<string>();
for (const chunk of Object.values(manifest)) {
  if (!firstLoad.has(chunk.file)) {
    lazy.add(chunk.file);
    for (const css of chunk.css ?? []) if (!firstLoad.has(css)) lazy.add(css);
  }
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
let total = 0;
console.log('First load (JS + CSS):');
for (const file of firstLoad) {
  const size = gz(file);
  total += size.gzip;
  console.log(`  ${file.padEnd(48)} ${kib(size.raw).padStart(10)} raw  ${kib(size.gzip).padStart(10)} gzip`);
}
console.log(`  ${'total'.padEnd(48)} ${''.padStart(10)}      ${kib(total).padStart(10)} gzip (budget ${budgetKiB} KiB)`);
console.log('Lazy (loaded on demand, not counted):');
for (const file of lazy) {
  const size = gz(file);
  console.log(`  ${file.padEnd(48)} ${kib(size.raw).padStart(10)} raw  ${kib(size.gzip).padStart(10)} gzip`);
}
if (total > budgetKiB * 1024) {
  console.error(`First load ${kib(total)} exceeds the budget of ${budgetKiB} KiB.`);
  process.exit(1);
}
