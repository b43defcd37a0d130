/**
 * The Activity tab: dead letters first (what needs a decision), then every
 * event and what it did. A retry in either refreshes both. Both read only the
 * app's storage, so they stay readable while Jira is down or the app's quota
 * is spent (docs/admin.md "Permissions").
 */
import { useState } from 'react';
import ActivitySection from './ActivitySection';
import DeadLettersSection from './DeadLettersSection';

export default function ActivityTab() {
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  return (
    <div className="stack">
      <DeadLettersSection refreshKey={version} onRetried={changed} />
      <ActivitySection refreshKey={version} onRetried={changed} />
    </div>
  );
}
