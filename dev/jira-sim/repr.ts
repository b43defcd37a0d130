/**
 * REST representations of configuration objects (users, projects, statuses, …)
 * with Jira's property names and `self` links. Every builder takes the REST
 * root (`<baseUrl>/rest/api/3`) so the links point back at the simulator.
 */
import type { SimComponent, SimIssueType, SimOption, SimPriority, SimProject, SimResolution, SimStatus, SimUser, SimVersion } from './types';

const CATEGORIES = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;

/** Category names of the new status API (`/statuses/search`, `/workflows`). */
export const CATEGORY_ENUM = { new: 'TODO', indeterminate: 'IN_PROGRESS', done: 'DONE' } as const;

export class Repr {
  constructor(
    /** e.g. http://localhost:8080/jira */
    readonly baseUrl: string,
  ) {}

  get rest(): string {
    return `${this.baseUrl}/rest/api/3`;
  }

  avatarUrls(kind: 'user' | 'project', id: string): Record<string, string> {
    const path = kind === 'user' ? `${this.baseUrl}/secure/useravatar?accountId=${encodeURIComponent(id)}` : `${this.baseUrl}/secure/projectavatar?pid=${id}`;
    return { '48x48': `${path}&size=large`, '24x24': `${path}&size=small`, '16x16': `${path}&size=xsmall`, '32x32': `${path}&size=medium` };
  }

  user(u: SimUser): Record<string, unknown> {
    return {
      self: `${this.rest}/user?accountId=${encodeURIComponent(u.accountId)}`,
      accountId: u.accountId,
      accountType: u.accountType,
      ...(u.emailAddress ? { emailAddress: u.emailAddress } : {}),
      avatarUrls: this.avatarUrls('user', u.accountId),
      displayName: u.displayName,
      active: u.active,
      timeZone: u.timeZone,
      locale: 'en_US',
    };
  }

  /** The shorter user shape Jira embeds in issues and comments (UserDetails). */
  userDetails(u: SimUser): Record<string, unknown> {
    return {
      self: `${this.rest}/user?accountId=${encodeURIComponent(u.accountId)}`,
      accountId: u.accountId,
      ...(u.emailAddress ? { emailAddress: u.emailAddress } : {}),
      avatarUrls: this.avatarUrls('user', u.accountId),
      displayName: u.displayName,
      active: u.active,
      timeZone: u.timeZone,
      accountType: u.accountType,
    };
  }

  statusCategory(key: SimStatus['categoryKey']): Record<string, unknown> {
    const c = CATEGORIES[key];
    return { self: `${this.rest}/statuscategory/${c.id}`, id: c.id, key: c.key, colorName: c.colorName, name: c.name };
  }

  status(s: SimStatus): Record<string, unknown> {
    return {
      self: `${this.rest}/status/${s.id}`,
      description: s.description,
      iconUrl: `${this.baseUrl}/images/icons/statuses/generic.png`,
      name: s.name,
      id: s.id,
      statusCategory: this.statusCategory(s.categoryKey),
    };
  }

  issueType(t: SimIssueType): Record<string, unknown> {
    return {
      self: `${this.rest}/issuetype/${t.id}`,
      id: t.id,
      description: t.description,
      iconUrl: `${this.baseUrl}/${t.iconUrl}`,
      name: t.name,
      subtask: false,
      hierarchyLevel: t.hierarchyLevel,
      entityId: t.entityId,
    };
  }

  priority(p: SimPriority): Record<string, unknown> {
    return { self: `${this.rest}/priority/${p.id}`, iconUrl: `${this.baseUrl}/images/icons/priorities/${p.name.toLowerCase()}.svg`, name: p.name, id: p.id };
  }

  priorityFull(p: SimPriority): Record<string, unknown> {
    return { ...this.priority(p), description: p.description, statusColor: p.statusColor, isDefault: p.isDefault ?? false };
  }

  resolution(r: SimResolution): Record<string, unknown> {
    return { self: `${this.rest}/resolution/${r.id}`, id: r.id, description: r.description, name: r.name };
  }

  component(c: SimComponent): Record<string, unknown> {
    return { self: `${this.rest}/component/${c.id}`, id: c.id, name: c.name, ...(c.description ? { description: c.description } : {}) };
  }

  version(v: SimVersion): Record<string, unknown> {
    return { self: `${this.rest}/version/${v.id}`, id: v.id, name: v.name, archived: false, released: v.released };
  }

  option(fieldCustomId: number, o: SimOption): Record<string, unknown> {
    return { self: `${this.rest}/customFieldOption/${o.id}`, value: o.value, id: o.id, ...(o.disabled ? { disabled: true } : { disabled: false }) };
  }

  /** The project shape embedded in issues (ProjectDetails-like). */
  projectRef(p: SimProject): Record<string, unknown> {
    return {
      self: `${this.rest}/project/${p.id}`,
      id: p.id,
      key: p.key,
      name: p.name,
      projectTypeKey: p.projectTypeKey,
      simplified: p.simplified,
      avatarUrls: this.avatarUrls('project', p.id),
    };
  }
}

export function categoryOf(s: SimStatus): (typeof CATEGORIES)[keyof typeof CATEGORIES] {
  return CATEGORIES[s.categoryKey];
}
