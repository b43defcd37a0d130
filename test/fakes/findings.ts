import type { Finding } from '../../src/core/events/schema';

/** The example finding of docs/events.md §3 and examples/events/02-finding.created.json. */
export function lodashFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'fnd_lodash_api',
    title: 'Prototype Pollution in lodash',
    severity: 'high',
    category: 'sca',
    cvssScore: 7.4,
    cveIds: ['CVE-2020-8203'],
    cweIds: ['CWE-1321'],
    scanner: 'snyk',
    url: 'https://app.backline.ai/findings/fnd_lodash_api',
    repository: { name: 'acme/payments-api', url: 'https://github.com/acme/payments-api' },
    location: { path: 'package-lock.json' },
    package: { ecosystem: 'npm', name: 'lodash', version: '4.17.15', fixedVersion: '4.17.21' },
    slaDueDate: '2026-12-28',
    description: 'Versions of `lodash` before 4.17.19 are vulnerable to **prototype pollution** via `zipObjectDeep`.',
    ...overrides,
  };
}
