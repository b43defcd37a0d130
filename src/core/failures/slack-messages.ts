/**
 * The Slack messages about failures (notifications.ts sends them): what a
 * channel reads when a kind of failure starts, recovers, or persists.
 */
import { z } from 'zod';

export const NOTIFY_STATE_PREFIX = 'notify:state:';

export const failureStateSchema = z.object({
  projectKey: z.string(),
  code: z.string(),
  message: z.string(),
  firstAt: z.number(),
  lastAt: z.number(),
  count: z.number(),
  lastDigestAt: z.number(),
  countAtLastDigest: z.number(),
  lastEventId: z.string().optional(),
});
export type FailureState = z.infer<typeof failureStateSchema>;

export const notifyStateKey = (projectKey: string, code: string): string => `${NOTIFY_STATE_PREFIX}${projectKey || '-'}:${code}`;

function projectLabel(projectKey: string): string {
  return projectKey && projectKey !== '-' ? projectKey : 'events without a project';
}

export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface SlackMessage {
  text: string;
}

/** Kinds of failure where the event applied but the issue could not move: no dead letter, and only a move ends them. */
export const MOVE_FAILURES = new Set(['TRANSITION_BLOCKED']);

export function startedMessage(state: FailureState): SlackMessage {
  const next = MOVE_FAILURES.has(state.code)
    ? 'The issues keep their status and carry a comment saying why; move them by hand, or change the workflow or the status mapping in the Backline project settings.'
    : 'The failed events are kept under Dead letters on the Backline admin page; fix the cause, then Retry them.';
  return {
    text: `:red_circle: Backline for Jira: events for ${projectLabel(state.projectKey)} are failing with ${state.code}.\n>${clip(state.message)}\n${next} You will get one message when it recovers, and a daily summary while it lasts.`,
  };
}

export function recoveredMessage(state: FailureState, now: number): SlackMessage {
  const minutes = Math.max(1, Math.round((now - state.firstAt) / 60_000));
  return {
    text: `:large_green_circle: Backline for Jira: ${projectLabel(state.projectKey)} recovered from ${state.code} (${state.count} failed event${state.count === 1 ? '' : 's'} over ${minutes} min). Check Dead letters for events to retry.`,
  };
}

export function digestMessage(states: FailureState[]): SlackMessage {
  const lines = states.map((s) => `• ${projectLabel(s.projectKey)}: ${s.code}, ${s.count - s.countAtLastDigest} new failure${s.count - s.countAtLastDigest === 1 ? '' : 's'} in the last day (${s.count} since ${new Date(s.firstAt).toISOString().slice(0, 16).replace('T', ' ')} UTC). Last: ${clip(s.message, 160)}`);
  return { text: `:warning: Backline for Jira daily summary: ${states.length} kind${states.length === 1 ? '' : 's'} of failure still going on.\n${lines.join('\n')}` };
}
