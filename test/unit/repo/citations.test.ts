/**
 * Comments in src/ cite only documents in this repository: a maintainer with a
 * fresh clone can follow every reference. The Forge and Jira facts the code
 * relies on are in docs/platform-limits.md, the event contract in
 * docs/events.md; a cited section of docs/platform-limits.md ("Storage", …)
 * must be one of its headings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
/** Documents that live beside the repository (../shared), never in it. */
const OUTSIDE = /\b(FORGE-FACTS|backline-events|local-runtime|TOOLCHAIN|ARCHITECTURE)\.md\b|\.\.\/shared\/(spec|forge|jira|design|tools|hooks)\//;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

const files = sourceFiles(path.join(ROOT, 'src')).map((file) => ({ file: path.relative(ROOT, file), text: fs.readFileSync(file, 'utf8') }));

function outsideCitations(text: string): string[] {
  return text.split('\n').filter((line) => OUTSIDE.test(line)).map((line) => line.trim());
}

test('no file under src/ cites a document outside the repository', () => {
  const found = files.flatMap(({ file, text }) => outsideCitations(text).map((line) => `${file}: ${line}`));
  expect(found).toEqual([]);
});

test('the check recognises the citations it forbids', () => {
  expect(outsideCitations(' * limits (FORGE-FACTS.md "Storage")\n * contract (backline-events.md §7)\n// ../shared/spec/local-runtime.md')).toHaveLength(3);
  expect(outsideCitations("import { x } from '../../shared/contracts/admin';\n * docs/platform-limits.md \"Storage\"")).toEqual([]);
});

test('every cited section of docs/platform-limits.md is one of its headings', () => {
  const headings = new Set(
    fs.readFileSync(path.join(ROOT, 'docs/platform-limits.md'), 'utf8').split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim()),
  );
  const problems: string[] = [];
  for (const { file, text } of files) {
    // A comment may wrap between the file name and its section: join comment lines first.
    const joined = text.replace(/\n\s*(\*|\/\/)\s*/g, ' ');
    for (const match of joined.matchAll(/docs\/platform-limits\.md "([^"]+)"/g)) {
      if (!headings.has(match[1] ?? '')) problems.push(`${file}: docs/platform-limits.md has no section "${match[1]}"`);
    }
  }
  expect(problems).toEqual([]);
});
