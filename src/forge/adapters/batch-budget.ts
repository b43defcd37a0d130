/**
 * How many Forge KVS batch calls this process may still make.
 *
 * "You can send a maximum of 45 batch operations per minute"
 * (dac:platform/forge/storage-reference/batchops, docs/platform-limits.md "Storage").
 * The limit belongs to the installation, and several function containers of one
 * installation can run at once, so one process keeps to a share well below it
 * and, when Forge refuses a batch anyway, makes none until that minute is over.
 * A read that gets no batch is made as single reads instead: nothing depends on
 * the budget but the number of calls.
 */
export class BatchBudget {
  private spentAt: number[] = [];
  private refusedUntil = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True, and counted, when a batch call fits this minute. */
  take(): boolean {
    const now = this.now();
    if (now < this.refusedUntil) return false;
    this.spentAt = this.spentAt.filter((at) => at > now - 60_000);
    if (this.spentAt.length >= this.perMinute) return false;
    this.spentAt.push(now);
    return true;
  }

  /** Forge refused a batch call for its rate: no more batches for a minute. */
  refused(): void {
    this.refusedUntil = this.now() + 60_000;
  }
}

/** Batch calls one process makes in a minute: under half of Forge's 45, leaving room for parallel containers. */
export const BATCH_CALLS_PER_MINUTE_PER_PROCESS = 20;

/**
 * Up to this many distinct keys are read with parallel single gets: the same one
 * round trip as a batch, and no batch operation spent. Above it a batch saves
 * enough calls to be worth one of the 45.
 */
export const SINGLE_READS_UP_TO = 10;

/** Parallel single gets at most in flight at once, so a long list does not open hundreds of requests. */
export const SINGLE_READ_CONCURRENCY = 10;

/** `read` over every item, at most `concurrency` at a time, answers in the order of `items`. */
export async function mapConcurrently<T, R>(items: T[], concurrency: number, read: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await read(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
