/**
 * The issue panel as display-ready data: every label, colour and link decided
 * here, so the UI Kit panel (src/frontend/issue-panel.tsx) and the local
 * runtime's HTML box (dev/issue-panel-html.ts) render the same thing and stay
 * pure functions of this model. Pure: no I/O, no Forge, time passed in.
 *
 * Links are built only from values that pass a strict check (https URLs, CVE
 * and CWE ids by pattern): the data was validated when Backline sent it, but
 * the panel is where a bad value would turn into a clickable link.
 */
import type { Severity } from '../events/schema';
import type { PanelData, PanelPullRequest, PanelResult, PullRequestState } from '../../shared/contracts/panel';
import { cveLink, cweLink, locationLink, safeHttpsUrl, type LinkView } from './safe-links';

export type { LinkView } from './safe-links';

/** Lozenge colours UI Kit offers (`@atlaskit/lozenge` legacy appearances), reused by the HTML box. */
export type Tone = 'default' | 'inprogress' | 'moved' | 'new' | 'removed' | 'success';

export interface LabelView {
  label: string;
  tone: Tone;
  bold?: boolean;
}

export interface PullRequestView {
  /** `#311 fix: upgrade lodash to 4.17.21` */
  link: LinkView;
  repository?: string;
  state: LabelView;
  /** `merged 28 Nov 2026, 12:00 UTC` */
  time?: string;
}

export interface FindingView {
  kind: 'finding';
  issueKey: string;
  findingId: string;
  title: string;
  severity?: LabelView;
  status: LabelView;
  cvss?: { score: string; rating: string; tone: Tone; vector?: string };
  cves: LinkView[];
  cwes: LinkView[];
  package?: { name: string; ecosystem?: string; versions?: string; fixAvailable: boolean };
  repository?: LinkView;
  location?: LinkView;
  sla?: { dueDate: string; text: string; overdue: boolean; tone: Tone };
  remediation?: { title: LinkView; mode?: string };
  pullRequests: PullRequestView[];
  backline?: LinkView;
  sync: { lastSynced?: string; error?: { title: string; message: string } };
  /** Shown when the store had no link and the panel fell back to the issue property. */
  note?: string;
  /** A grouped issue's findings (docs/sync.md "Grouping"). */
  members?: { heading: string; rows: MemberView[] };
}

export interface MemberView {
  finding: LinkView;
  severity?: LabelView;
  status: LabelView;
  location?: string;
}

export type PanelViewModel =
  | { kind: 'loading' }
  | { kind: 'unlinked'; message: string }
  | { kind: 'error'; title: string; message: string }
  | FindingView;

export const UNLINKED_MESSAGE = 'This issue is not linked to a Backline finding.';

const SEVERITY_LABEL: Record<Severity, LabelView> = {
  critical: { label: 'Critical', tone: 'removed', bold: true },
  high: { label: 'High', tone: 'removed' },
  medium: { label: 'Medium', tone: 'moved' },
  low: { label: 'Low', tone: 'inprogress' },
  info: { label: 'Info', tone: 'default' },
};

const PR_STATE: Record<PullRequestState, { label: string; tone: Tone; verb: string }> = {
  open: { label: 'Open', tone: 'inprogress', verb: 'opened' },
  merged: { label: 'Merged', tone: 'success', verb: 'merged' },
  closed: { label: 'Closed', tone: 'default', verb: 'closed' },
};

const RESOLVED_REASON: Record<string, string> = {
  fixed: 'fixed',
  not_detected: 'no longer detected',
  false_positive: 'false positive',
  accepted_risk: 'risk accepted',
};

export function buildPanelViewModel(result: PanelResult | undefined, now: number): PanelViewModel {
  if (result === undefined) return { kind: 'loading' };
  if (!result.ok) return errorView(result.error.code, result.error.message);
  if (!result.data.linked) return { kind: 'unlinked', message: UNLINKED_MESSAGE };
  return findingView(result.data.data, now);
}

function errorView(code: string, message: string): PanelViewModel {
  const title =
    code === 'FORBIDDEN' || code === 'NOT_FOUND'
      ? 'You cannot see this issue'
      : code === 'JIRA_UNAVAILABLE' || code === 'STORAGE_UNAVAILABLE'
        ? 'Backline data is unavailable right now'
        : 'The Backline panel could not load';
  return { kind: 'error', title, message };
}

function findingView(data: PanelData, now: number): FindingView {
  const { finding } = data;
  const resolved = finding.status === 'resolved' || finding.status === 'ignored';
  const view: FindingView = {
    kind: 'finding',
    issueKey: data.issue.key,
    findingId: finding.id,
    title: finding.title ?? finding.id,
    status: statusLabel(finding.status, finding.resolvedReason),
    cves: finding.cveIds.map(cveLink),
    cwes: finding.cweIds.map(cweLink),
    pullRequests: sortPullRequests(data.pullRequests).map(pullRequestView),
    sync: {},
  };
  if (finding.severity) view.severity = SEVERITY_LABEL[finding.severity];
  if (finding.cvssScore !== undefined) view.cvss = cvssView(finding.cvssScore, finding.cvssVector);
  if (finding.package) {
    const { name, ecosystem, version, fixedVersion } = finding.package;
    const versions = version && fixedVersion ? `${version} → ${fixedVersion}` : version ? `${version} (no fix yet)` : fixedVersion ? `fixed in ${fixedVersion}` : undefined;
    view.package = { name, fixAvailable: fixedVersion !== undefined, ...(ecosystem ? { ecosystem } : {}), ...(versions ? { versions } : {}) };
  }
  if (finding.repository) {
    const href = safeHttpsUrl(finding.repository.url);
    view.repository = { text: finding.repository.name, ...(href ? { href } : {}) };
  }
  const location = locationLink(finding);
  if (location) view.location = location;
  if (finding.slaDueDate) view.sla = slaView(finding.slaDueDate, now, resolved);
  if (data.remediation) {
    const href = safeHttpsUrl(data.remediation.url);
    const mode = data.remediation.mode === 'automated' ? 'Automated' : data.remediation.mode === 'hybrid' ? 'Hybrid (needs a developer)' : undefined;
    view.remediation = { title: { text: data.remediation.title ?? data.remediation.id, ...(href ? { href } : {}) }, ...(mode ? { mode } : {}) };
  }
  const backline = safeHttpsUrl(finding.url);
  if (backline) view.backline = { text: 'View in Backline', href: backline };
  if (data.lastSyncedAt) {
    const at = formatDateTime(data.lastSyncedAt);
    if (at) view.sync.lastSynced = `Last synced ${at}${relativeSuffix(data.lastSyncedAt, now)}`;
  }
  if (data.lastSyncError) {
    const at = data.lastSyncError.at ? formatDateTime(data.lastSyncError.at) : undefined;
    view.sync.error = {
      title: `Last sync failed${at ? ` (${at})` : ''}`,
      message: data.lastSyncError.code ? `${data.lastSyncError.code}: ${data.lastSyncError.message}` : data.lastSyncError.message,
    };
  }
  if (data.members && data.members.length > 0) view.members = membersView(data.members);
  if (data.source === 'issue-property') view.note = 'Shown from the issue’s Backline property; the app has no stored link for it.';
  return view;
}

/** A grouped issue's findings (docs/sync.md "Grouping"), each linked to Backline only through a safe https link. */
function membersView(members: NonNullable<PanelData['members']>): NonNullable<FindingView['members']> {
  const open = members.filter((m) => m.status === 'open').length;
  return {
    heading: `Findings in this issue (${members.length}, ${open} open)`,
    rows: members.map((m) => {
      const href = safeHttpsUrl(m.url);
      return {
        finding: { text: m.title, ...(href ? { href } : {}) },
        ...(m.severity ? { severity: SEVERITY_LABEL[m.severity] } : {}),
        status: statusLabel(m.status, m.reason),
        ...(m.location ? { location: m.location } : {}),
      };
    }),
  };
}

function statusLabel(status: PanelData['finding']['status'], reason: string | undefined): LabelView {
  switch (status) {
    case 'resolved': {
      const why = reason ? (RESOLVED_REASON[reason] ?? reason) : undefined;
      return { label: why ? `Resolved (${why})` : 'Resolved', tone: 'success' };
    }
    case 'ignored':
      return { label: 'Ignored', tone: 'default' };
    case 'in_progress':
      return { label: 'In progress', tone: 'inprogress' };
    default:
      return { label: 'Open', tone: 'new' };
  }
}

/** CVSS v3 qualitative rating (FIRST CVSS v3.1 specification, section 5). */
export function cvssRating(score: number): string {
  if (score === 0) return 'None';
  if (score < 4) return 'Low';
  if (score < 7) return 'Medium';
  if (score < 9) return 'High';
  return 'Critical';
}

function cvssView(score: number, vector: string | undefined): NonNullable<FindingView['cvss']> {
  const rating = cvssRating(score);
  const tone: Tone = score >= 7 ? 'removed' : score >= 4 ? 'moved' : 'default';
  return { score: score.toFixed(1), rating, tone, ...(vector ? { vector } : {}) };
}

const DAY_MS = 86_400_000;

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

function slaView(dueDate: string, now: number, resolved: boolean): NonNullable<FindingView['sla']> {
  const due = Date.parse(`${dueDate}T00:00:00Z`);
  if (Number.isNaN(due)) return { dueDate, text: `due ${dueDate}`, overdue: false, tone: 'default' };
  const days = utcDay(due) - utcDay(now);
  if (resolved) return { dueDate, text: `was due ${dueDate}`, overdue: false, tone: 'success' };
  if (days < 0) {
    const late = -days;
    return { dueDate, text: `overdue by ${late} day${late === 1 ? '' : 's'}`, overdue: true, tone: 'removed' };
  }
  if (days === 0) return { dueDate, text: 'due today', overdue: false, tone: 'moved' };
  return { dueDate, text: `due in ${days} day${days === 1 ? '' : 's'}`, overdue: false, tone: days <= 7 ? 'moved' : 'default' };
}

const STATE_ORDER: Record<PullRequestState, number> = { open: 0, merged: 1, closed: 2 };

/** Open PRs first (what needs attention), then merged, then closed; newest first within each. */
function sortPullRequests(pullRequests: PanelPullRequest[]): PanelPullRequest[] {
  return [...pullRequests].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || (Date.parse(b.at ?? '') || 0) - (Date.parse(a.at ?? '') || 0),
  );
}

function pullRequestView(pr: PanelPullRequest): PullRequestView {
  const state = PR_STATE[pr.state];
  const name = [pr.number !== undefined ? `#${pr.number}` : undefined, pr.title].filter(Boolean).join(' ') || 'Pull request';
  const href = safeHttpsUrl(pr.url);
  const at = pr.at ? formatDateTime(pr.at) : undefined;
  return {
    link: { text: name, ...(href ? { href } : {}) },
    state: { label: state.label, tone: state.tone },
    ...(pr.repository ? { repository: pr.repository } : {}),
    ...(at ? { time: `${state.verb} ${at}` } : {}),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `28 Nov 2026, 11:00 UTC`: the same text in every browser and locale (tests, HTML box). */
export function formatDateTime(iso: string): string | undefined {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

function relativeSuffix(iso: string, now: number): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 0) return '';
  if (seconds < 60) return ' (just now)';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return ` (${minutes} min ago)`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return ` (${hours} h ago)`;
  return ` (${Math.floor(hours / 24)} days ago)`;
}
