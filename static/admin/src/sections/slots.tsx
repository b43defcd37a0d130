/**
 * Slots for sections another engineer adds later (Notifications, Activity).
 * They say plainly that the section is not available yet; no fake content.
 * To fill a slot, replace the component body and keep its export name.
 */
export function NotificationsSlot() {
  return (
    <section className="card slot" aria-labelledby="notifications-title" data-slot="notifications">
      <h2 id="notifications-title">Notifications</h2>
      <p className="subtle">Notifications are not available in this version yet.</p>
    </section>
  );
}

export function ActivitySlot() {
  return (
    <section className="card slot" aria-labelledby="activity-title" data-slot="activity">
      <h2 id="activity-title">Activity</h2>
      <p className="subtle">The activity log is not available in this version yet. The Connection tab shows the last event received.</p>
    </section>
  );
}
