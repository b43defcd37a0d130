/**
 * The Activity tab: dead letters first (what needs a decision), then every
 * event and what it did. Both read only the app's storage, so they stay
 * readable while Jira is down or the app's quota is spent (docs/admin.md
 * "Permissions").
 */
import ActivitySection from './ActivitySection';
import DeadLettersSection from './DeadLettersSection';

export default function ActivityTab() {
  return (
    <div className="stack">
      <DeadLettersSection />
      <ActivitySection />
    </div>
  );
}
