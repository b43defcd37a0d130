/**
 * One app for both modules: the admin page (`jira:adminPage`: Connection,
 * Projects, Routing, Notifications, Activity) and the project settings page
 * (`jira:projectSettingsPage`: the editor for that project). Every tab but the
 * first, and the editor, load when opened, to keep the first load small
 * (docs/admin.md "First load").
 */
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { Suspense, lazy, useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError } from './api';
import { loadPageContext, type PageContext } from './context';
import { AccessGate } from './sections/AccessGate';
import { ConnectionSection } from './sections/ConnectionSection';
import { ConfirmDialog, ErrorBanner, Spinner } from './ui';

const ProjectEditor = lazy(() => import('./editor/ProjectEditor'));
const ProjectsSection = lazy(() => import('./sections/ProjectsSection'));
const RoutingSection = lazy(() => import('./sections/RoutingSection'));
const NotificationsSection = lazy(() => import('./sections/failures/NotificationsSection'));
const OutboundSection = lazy(() => import('./sections/outbound/OutboundSection'));
const ActivityTab = lazy(() => import('./sections/failures/ActivityTab'));

type TabId = 'connection' | 'projects' | 'routing' | 'notifications' | 'activity';
const TABS: Array<{ id: TabId; label: string }> = [
  { id: 'connection', label: 'Connection' },
  { id: 'projects', label: 'Projects' },
  { id: 'routing', label: 'Routing rules' },
  { id: 'notifications', label: 'Notifications' },
  { id: 'activity', label: 'Activity' },
];

export function App() {
  const [context, setContext] = useState<PageContext | { error: unknown } | null>(null);
  useEffect(() => {
    loadPageContext().then(setContext, (error: unknown) => setContext({ error }));
  }, []);
  if (!context) return <Spinner label="Loading Backline…" />;
  if ('error' in context) return <ErrorBanner title="The page could not start" error={context.error} />;
  if (context.page === 'project-settings') {
    return (
      <main>
        <h1>Backline</h1>
        <p className="subtle">How Backline findings become issues in {context.projectName ?? context.projectKey}.</p>
        <Lazy label="Loading the editor…">
          <GuardedEditor projectKey={context.projectKey} fixedProject onClose={undefined} />
        </Lazy>
      </main>
    );
  }
  return (
    <main>
      <h1>Backline</h1>
      <p className="subtle">Turn Backline findings and remediation pull requests into Jira issues that follow your workflow.</p>
      <AccessGate>
        <AdminPage />
      </AccessGate>
    </main>
  );
}

function Lazy({ label, children }: { label: string; children: ReactNode }) {
  return <Suspense fallback={<Spinner label={label} />}>{children}</Suspense>;
}

/** Warns before the browser leaves the page while the editor has unsaved changes. */
function useBeforeUnload(active: boolean) {
  useEffect(() => {
    if (!active) return;
    const handler = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', handler);
    return () => window.removeEventListener('beforeunload', handler);
  }, [active]);
}

function GuardedEditor(props: {
  projectKey?: string;
  fixedProject?: boolean;
  onClose: ((saved: boolean) => void) | undefined;
  onDirtyChange?: (dirty: boolean) => void;
  onEditExisting?: (projectKey: string) => void;
}) {
  const [dirty, setDirty] = useState(false);
  useBeforeUnload(dirty);
  const { onDirtyChange } = props;
  const change = useCallback(
    (value: boolean) => {
      setDirty(value);
      onDirtyChange?.(value);
    },
    [onDirtyChange],
  );
  return <ProjectEditor projectKey={props.projectKey} fixedProject={props.fixedProject ?? false} onClose={props.onClose} onDirtyChange={change} onEditExisting={props.onEditExisting} />;
}

/** What happens after the admin confirms leaving the editor with unsaved changes. */
type PendingLeave = { kind: 'tab'; tab: TabId } | { kind: 'close' };

function AdminPage() {
  const [tab, setTab] = useState<TabId>('connection');
  const [editing, setEditing] = useState<{ projectKey?: string } | null>(null);
  const [dirty, setDirty] = useState(false);
  const [listVersion, setListVersion] = useState(0);
  const [pendingLeave, setPendingLeave] = useState<PendingLeave | null>(null);

  const leave = (then: PendingLeave) => {
    setEditing(null);
    setDirty(false);
    setPendingLeave(null);
    if (then.kind === 'tab') setTab(then.tab);
    else setListVersion((v) => v + 1);
  };

  const selectTab = (next: TabId) => {
    if (next === tab && !editing) return;
    if (editing && dirty) return setPendingLeave({ kind: 'tab', tab: next });
    leave({ kind: 'tab', tab: next });
  };

  const panel = (id: TabId): ReactNode => {
    switch (id) {
      case 'connection':
        return (
          <>
            <ConnectionSection />
            <Lazy label="Loading the Jira → Backline settings…">
              <OutboundSection />
            </Lazy>
          </>
        );
      case 'projects':
        return editing ? (
          <Lazy label="Loading the editor…">
            <GuardedEditor
              {...(editing.projectKey ? { projectKey: editing.projectKey } : {})}
              onDirtyChange={setDirty}
              onEditExisting={(projectKey) => {
                // Nothing of the abandoned "add" is worth keeping: it was about to duplicate this project.
                setDirty(false);
                setEditing({ projectKey });
              }}
              onClose={(saved) => {
                if (!saved && dirty) return setPendingLeave({ kind: 'close' });
                leave({ kind: 'close' });
              }}
            />
          </Lazy>
        ) : (
          <Lazy label="Loading projects…">
            <ProjectsSection key={listVersion} onAdd={() => setEditing({})} onEdit={(projectKey) => setEditing({ projectKey })} />
          </Lazy>
        );
      case 'routing':
        return (
          <Lazy label="Loading routing rules…">
            <RoutingSection />
          </Lazy>
        );
      case 'notifications':
        return (
          <Lazy label="Loading notifications…">
            <NotificationsSection />
          </Lazy>
        );
      case 'activity':
        return (
          <Lazy label="Loading activity…">
            <ActivityTab />
          </Lazy>
        );
    }
  };

  const selected = TABS.findIndex((t) => t.id === tab);
  return (
    <>
      <Tabs id="backline-settings" selected={selected} onChange={(index) => selectTab(TABS[index]?.id ?? 'connection')} shouldUnmountTabPanelOnChange>
        <TabList>
          {TABS.map((t) => (
            <Tab key={t.id}>{t.label}</Tab>
          ))}
        </TabList>
        {TABS.map((t) => (
          <TabPanel key={t.id}>
            <div className="tab-panel">{t.id === tab ? panel(t.id) : null}</div>
          </TabPanel>
        ))}
      </Tabs>
      {pendingLeave ? (
        <ConfirmDialog title="Leave without saving?" confirmLabel="Leave" danger onConfirm={() => leave(pendingLeave)} onCancel={() => setPendingLeave(null)}>
          <p>You have unsaved changes to this project mapping. They are lost if you leave.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

/** Whether an error is Jira refusing the user (the access gate shows its own message for that). */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'FORBIDDEN';
}
