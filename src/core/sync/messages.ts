/**
 * The bodies of the app's comments and remote links (ADF). Text only from the
 * event, as text nodes: never markup, so nothing a scanner writes can turn
 * into a node Jira refuses.
 */
import type { Finding, FindingRef, PullRequest, Remediation } from '../events/schema';
import type { AdfDocument, RemoteLinkInput } from '../jira/issue-types';
import type { PrState } from './links';


interface Run {
  text: string;
  href?: string;
}

export function textDoc(runs: Run[]): AdfDocument {
  return {
    type: 'doc',
    version: 1,
    content: [
      {
        type: 'paragraph',
        content: runs.filter((r) => r.text.length > 0).map((r) => (r.href ? { type: 'text', text: r.text, marks: [{ type: 'link', attrs: { href: r.href } }] } : { type: 'text', text: r.text })),
      },
    ],
  };
}

function prLabel(pr: PullRequest): string {
  return pr.number !== undefined ? `#${pr.number}${pr.title ? ` ${pr.title}` : ''}` : pr.title ?? pr.url;
}

export function prComment(state: PrState, remediation: Remediation, pr: PullRequest): AdfDocument {
  const verb = state === 'open' ? 'opened' : state === 'merged' ? 'merged' : 'closed without merging';
  const runs: Run[] = [{ text: `Backline ${state === 'open' ? 'opened' : 'reports'} pull request ` }, { text: prLabel(pr), href: pr.url }];
  runs.push({ text: state === 'open' ? '' : ` was ${verb}` });
  runs.push({ text: remediation.title ? ` (remediation: ${remediation.title}).` : '.' });
  return textDoc(runs);
}

/** One comment for several pull requests opened while their events waited together (coalesce.ts). */
export function prsOpenedComment(opened: ReadonlyArray<{ remediation: Remediation; pullRequest: PullRequest }>): AdfDocument {
  const runs: Run[] = [{ text: `Backline opened ${opened.length} pull requests: ` }];
  opened.forEach(({ remediation, pullRequest }, index) => {
    if (index > 0) runs.push({ text: index === opened.length - 1 ? ' and ' : ', ' });
    runs.push({ text: prLabel(pullRequest), href: pullRequest.url });
    if (remediation.title) runs.push({ text: ` (remediation: ${remediation.title})` });
  });
  runs.push({ text: '.' });
  return textDoc(runs);
}

const REASON_TEXT: Record<string, string> = {
  fixed: 'the finding was fixed',
  not_detected: 'the finding is no longer detected',
  false_positive: 'the finding was marked as a false positive',
  accepted_risk: 'the risk was accepted',
};

export function resolvedComment(reason: string, finding: Finding | FindingRef): AdfDocument {
  const runs: Run[] = [{ text: `Backline resolved this finding: ${REASON_TEXT[reason] ?? reason}.` }];
  if (typeof finding.url === 'string') runs.push({ text: ' ' }, { text: 'View in Backline', href: finding.url });
  return textDoc(runs);
}

export function prRemoteLink(remediation: Remediation, pr: PullRequest, state: PrState): RemoteLinkInput {
  return {
    globalId: pr.url,
    url: pr.url,
    title: pr.title ? `${pr.number !== undefined ? `#${pr.number} ` : ''}${pr.title}` : `Pull request ${pr.number !== undefined ? `#${pr.number}` : pr.url}`,
    summary: remediation.title ?? `Backline remediation ${remediation.id}`,
    relationship: 'Fix pull request',
    resolved: state === 'merged',
  };
}

