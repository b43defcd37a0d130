/**
 * The panel's links, built only from values that pass a strict check: https
 * URLs without credentials, CVE and CWE ids by pattern, repository paths
 * encoded part by part. The data was validated when Backline sent it, but the
 * panel is where a bad value would turn into a clickable link.
 */
import type { PanelData } from '../../shared/contracts/panel';

export interface LinkView {
  text: string;
  /** Absent when no safe link can be built; render the text alone. */
  href?: string;
}

const CVE_PATTERN = /^CVE-\d{4}-\d{4,}$/i;
const CWE_PATTERN = /^CWE-(\d{1,6})$/i;

export function cveLink(id: string): LinkView {
  const trimmed = id.trim();
  if (!CVE_PATTERN.test(trimmed)) return { text: id };
  const upper = trimmed.toUpperCase();
  return { text: upper, href: `https://nvd.nist.gov/vuln/detail/${upper}` };
}

export function cweLink(id: string): LinkView {
  const match = CWE_PATTERN.exec(id.trim());
  if (!match) return { text: id };
  const number = String(Number(match[1]));
  return { text: `CWE-${number}`, href: `https://cwe.mitre.org/data/definitions/${number}.html` };
}

/** Only absolute https URLs become links (no `javascript:`, no plain http, no credentials). */
export function safeHttpsUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || !url.hostname) return undefined;
  return url.toString();
}

function encodePath(path: string): string {
  return path
    .split('/')
    .filter((part) => part.length > 0)
    .map((part) => encodeURIComponent(part))
    .join('/');
}

/**
 * `path:line`, linking to `<repository url>/blob/<defaultBranch>/<path>#L<line>`
 * (GitHub's and Bitbucket-style code URLs) only when the repository URL, its
 * default branch and the path are all known; a guessed branch would link to a
 * 404 or to different code.
 */
export function locationLink(finding: PanelData['finding']): LinkView | undefined {
  const location = finding.location;
  if (!location?.path && !location?.component) return undefined;
  if (!location.path) return { text: location.component ?? '' };
  const line = location.line !== undefined && location.line > 0 ? location.line : undefined;
  const text = line !== undefined ? `${location.path}:${line}` : location.path;
  const base = safeHttpsUrl(finding.repository?.url);
  const branch = finding.repository?.defaultBranch;
  const path = encodePath(location.path);
  if (!base || !branch || !path) return { text };
  const href = `${base.replace(/\/+$/, '')}/blob/${encodePath(branch)}/${path}${line !== undefined ? `#L${line}` : ''}`;
  return { text, href };
}
