/**
 * Forge `trigger` `backline-issue-changes` (manifest.yml: issue updated,
 * assigned and deleted, `filter.ignoreSelf`, only issues carrying the
 * `backline` property) and the `backline-outbound-consumer` queue consumer →
 * the core's outbound pipeline (src/core/outbound). Translation only.
 */
import { handleOutboundJob } from '../../core/outbound/delivery';
import { receiveIssueEvent } from '../../core/outbound/intake';
import { forgeBacklinePoster } from '../adapters/backline-http';
import { forgePlatform } from '../adapters/platform';
import { forgeQueue } from '../adapters/queue';

/** manifest.yml `consumer[].queue` of the outbound consumer. */
export const OUTBOUND_QUEUE_KEY = 'backline-outbound';

export const issueChanges = async (event: unknown): Promise<void> => {
  await receiveIssueEvent({ platform: forgePlatform(), queue: forgeQueue(OUTBOUND_QUEUE_KEY) }, event);
};

export const outboundConsumer = async (event: { body?: unknown } | undefined): Promise<void> => {
  await handleOutboundJob({ platform: forgePlatform(), queue: forgeQueue(OUTBOUND_QUEUE_KEY), poster: forgeBacklinePoster() }, event?.body);
};
