/**
 * Forge's product-event delivery, locally: the simulator's issue events
 * (dev/jira-sim/events.ts) go to every manifest `trigger` module subscribed to
 * their event type, after the module's `filter`, asynchronously (the simulator's
 * answer does not wait for the app, as on Forge):
 *
 * - `ignoreSelf`: events the app's own calls caused (`selfGenerated`) are dropped;
 * - `expression`: the subset of Forge's event-filter expressions this app uses,
 *   `||` of clauses `event.eventType == '<type>'` and
 *   `event.runtime.issue.properties['<key>'].<path> != null` (entity property filtering,
 *   events-reference/product_events "Filtering by entity properties"). Anything else is
 *   an evaluation error, handled by `onError` as Forge does (default IGNORE_AND_LOG).
 */
import type { ProductTriggerDefinition } from '../forge-host/manifest';
import type { SimProductEvent } from '../jira-sim/events';
import type { AppFunctions } from './functions';

const EVENT_TYPE_CLAUSE = /^event\.eventType\s*==\s*'([^']+)'$/;
const PROPERTY_CLAUSE = /^event\.runtime\.issue\.properties\['([^']+)'\]((?:\.[A-Za-z_$][A-Za-z0-9_$]*)*)\s*!=\s*null$/;

function propertyAt(properties: Record<string, unknown>, key: string, path: string): unknown {
  let value: unknown = properties[key];
  for (const part of path.split('.').filter(Boolean)) {
    value = value && typeof value === 'object' && part in value ? (value as Record<string, unknown>)[part] : undefined;
  }
  // Forge resolves a path to an object as null: only primitives and arrays of them are values.
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? null : (value ?? null);
}

/** True/false, or throws for an expression outside the supported subset. */
export function evaluateFilterExpression(expression: string, event: SimProductEvent): boolean {
  return expression.split('||').some((raw) => {
    const clause = raw.trim().replace(/^\((.*)\)$/, '$1').trim();
    const type = EVENT_TYPE_CLAUSE.exec(clause);
    if (type) return event.payload.eventType === type[1];
    const property = PROPERTY_CLAUSE.exec(clause);
    if (property) return propertyAt(event.issueProperties, property[1], property[2]) !== null;
    throw new Error(`The local runtime cannot evaluate the filter clause "${clause}"`);
  });
}

export function passesFilter(trigger: ProductTriggerDefinition, event: SimProductEvent, log: (line: string) => void): boolean {
  if (trigger.filter.ignoreSelf && event.payload.selfGenerated === true) return false;
  if (!trigger.filter.expression) return true;
  try {
    return evaluateFilterExpression(trigger.filter.expression, event);
  } catch (error) {
    const onError = trigger.filter.onError ?? 'IGNORE_AND_LOG';
    if (onError.endsWith('_AND_LOG')) log(`trigger ${trigger.key}: filter error: ${error instanceof Error ? error.message : String(error)}`);
    return onError.startsWith('RECEIVE');
  }
}

/** Delivers simulator events to the app's triggers; `waitForIdle` resolves when none is running. */
export class TriggerDelivery {
  private running = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly triggers: ProductTriggerDefinition[],
    private readonly functions: AppFunctions,
    private readonly log: (line: string) => void,
  ) {}

  deliver(event: SimProductEvent): void {
    const eventType = event.payload.eventType;
    for (const trigger of this.triggers) {
      if (typeof eventType !== 'string' || !trigger.events.includes(eventType) || !passesFilter(trigger, event, this.log)) continue;
      this.running += 1;
      setImmediate(() => {
        this.functions
          .productEvent(trigger.key, event.payload)
          .catch((error: unknown) => this.log(`trigger ${trigger.key} failed on ${eventType}: ${error instanceof Error ? error.message : String(error)}`))
          .finally(() => {
            this.running -= 1;
            if (this.running === 0) for (const resolve of this.waiters.splice(0)) resolve();
          });
      });
    }
  }

  get idle(): boolean {
    return this.running === 0;
  }

  waitForIdle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
