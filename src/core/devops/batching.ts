/**
 * How what one invocation collected becomes requests: vulnerabilities of the
 * same finding merged (the newer sequence number wins, issue associations
 * unioned), and entity lists cut to Jira's per-request limits.
 */
import { MAX_DEVINFO_ENTITIES_PER_REQUEST, MAX_PULL_REQUESTS_PER_REPOSITORY, type DevinfoRepository, type IssueAssociation, type PullRequestEntity, type Vulnerability } from './model';
import type { DevinfoRepositoryRef } from './build';

export interface PendingRepository {
  ref: DevinfoRepositoryRef;
  pullRequests: Map<string, PullRequestEntity>;
}

export function mergeAssociations(a: IssueAssociation[] | undefined, b: IssueAssociation[] | undefined): IssueAssociation[] | undefined {
  const values = new Set([...(a ?? []), ...(b ?? [])].flatMap((association) => association.values));
  return values.size > 0 ? [{ associationType: 'issueIdOrKeys', values: [...values] }] : undefined;
}

/** Two updates of one vulnerability in one invocation: the newer wins, associations add up. */
export function mergeVulnerability(older: Vulnerability, newer: Vulnerability): Vulnerability {
  const merged: Vulnerability = { ...newer };
  const add = mergeAssociations(older.addAssociations, newer.addAssociations);
  const added = new Set(add?.flatMap((a) => a.values));
  const remove = mergeAssociations(older.removeAssociations, newer.removeAssociations)?.map((a) => ({ ...a, values: a.values.filter((v) => !added.has(v)) })).filter((a) => a.values.length > 0);
  if (add) merged.addAssociations = add;
  if (remove && remove.length > 0) merged.removeAssociations = remove;
  else delete merged.removeAssociations;
  return merged;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Dev-info request bodies within Jira's limits: ≤ 1,000 entities a request, ≤ 400 pull requests a repository. */
export function devinfoBodies(repositories: PendingRepository[]): Array<{ repositories: DevinfoRepository[]; preventTransitions: boolean; operationType: 'NORMAL'; providerMetadata: { product: string } }> {
  const bodies: Array<{ repositories: DevinfoRepository[]; preventTransitions: boolean; operationType: 'NORMAL'; providerMetadata: { product: string } }> = [];
  let current: DevinfoRepository[] = [];
  let entities = 0;
  const close = () => {
    if (current.length > 0) bodies.push({ repositories: current, preventTransitions: true, operationType: 'NORMAL', providerMetadata: { product: 'Backline' } });
    current = [];
    entities = 0;
  };
  for (const repository of repositories) {
    const all = [...repository.pullRequests.values()];
    for (let start = 0; start < all.length; start += MAX_PULL_REQUESTS_PER_REPOSITORY) {
      const pullRequests = all.slice(start, start + MAX_PULL_REQUESTS_PER_REPOSITORY);
      if (entities + pullRequests.length > MAX_DEVINFO_ENTITIES_PER_REQUEST) close();
      // The sequence id of a repository follows its newest pull request, so Jira never drops the batch as stale.
      const updateSequenceId = Math.max(...pullRequests.map((pr) => pr.updateSequenceId));
      current.push({ ...repository.ref, updateSequenceId, pullRequests });
      entities += pullRequests.length;
    }
  }
  close();
  return bodies;
}
