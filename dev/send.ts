/**
 * Sends a signed event to a web trigger, from a file or stdin:
 *
 *   npm run send -- examples/events/finding.created.json
 *   npm run send -- evt.json --url https://…/webtrigger --secret whsec_…
 *   cat evt.json | npm run send
 *
 * The secret defaults to BACKLINE_SIGNING_SECRET, then to the one the local
 * runtime stored in STATE_DIR (default .local/). The body is sent byte for
 * byte as read, since the signature covers the raw bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sign, SIGNATURE_HEADER } from './sign';

const REPO_ROOT = path.resolve(__dirname, '..');

interface Args {
  file?: string;
  url?: string;
  secret?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--url') args.url = argv[++i];
    else if (arg === '--secret') args.secret = argv[++i];
    else if (arg === '-h' || arg === '--help') {
      console.log('usage: npm run send -- [<file.json>] [--url URL] [--secret SECRET]   (stdin when no file)');
      process.exit(0);
    } else if (arg.startsWith('--')) throw new Error(`Unknown option ${arg}`);
    else args.file = arg;
  }
  return args;
}

/** The signing secret the local runtime stored (secret storage in STATE_DIR/kvs.json). */
export function localSigningSecret(stateDir: string): string | undefined {
  const file = path.join(stateDir, 'kvs.json');
  if (!fs.existsSync(file)) return undefined;
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { secrets?: Record<string, { value?: unknown }> };
  const raw = doc.secrets?.['signing-secret']?.value;
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as { current?: unknown };
    return typeof parsed.current === 'string' ? parsed.current : raw;
  } catch {
    return raw;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const body = args.file ? fs.readFileSync(args.file, 'utf8') : await readStdin();
  if (body.trim() === '') throw new Error('Nothing to send: give a JSON file or pipe one on stdin');
  const stateDir = path.resolve(process.env.STATE_DIR ?? path.join(REPO_ROOT, '.local'));
  const secret = args.secret ?? process.env.BACKLINE_SIGNING_SECRET ?? localSigningSecret(stateDir);
  if (!secret) throw new Error(`No signing secret: pass --secret, set BACKLINE_SIGNING_SECRET, or start the local runtime once (state in ${stateDir})`);
  const url = args.url ?? `http://localhost:${process.env.PORT ?? '8080'}/webtrigger/backline-events`;

  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(secret, body) },
    body,
  });
  const text = await response.text();
  console.log(`${response.status} ${response.statusText}`);
  try {
    console.log(JSON.stringify(JSON.parse(text), null, 2));
  } catch {
    if (text) console.log(text);
  }
  if (response.status >= 400) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
