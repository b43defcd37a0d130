/**
 * The Notifications and Activity tabs (the slots the admin page left), filled
 * by the failures feature: sections in ./failures/, lazy-loaded so the first
 * screen stays small. The Activity tab also holds Dead letters.
 */
import { Suspense, lazy } from 'react';
import { Spinner } from '../ui';

const NotificationsSection = lazy(() => import('./failures/NotificationsSection'));
const ActivitySection = lazy(() => import('./failures/ActivitySection'));
const DeadLettersSection = lazy(() => import('./failures/DeadLettersSection'));

export function NotificationsSlot() {
  return (
    <Suspense fallback={<Spinner label="Loading notifications…" />}>
      <NotificationsSection />
    </Suspense>
  );
}

export function ActivitySlot() {
  return (
    <Suspense fallback={<Spinner label="Loading activity…" />}>
      <div className="stack">
        <DeadLettersSection />
        <ActivitySection />
      </div>
    </Suspense>
  );
}
