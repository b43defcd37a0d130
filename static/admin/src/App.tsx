/**
 * One app for both modules: the admin page (`jira:adminPage`: Connection,
 * Projects, Routing, and slots for Notifications and Activity) and the project
 * settings page (`jira:projectSettingsPage`: the editor for that project).
 * The editor and the routing rules are lazy-loaded to keep the first load small.
 */
import { Suspense, lazy, useCallback, useEffect, useState } from 'react';
import { loadPageContext, type PageContext } from './context';
import { ConnectionSection } from './sections/ConnectionSection';
import { ProjectsSection } from './sections/ProjectsSection';
import { ActivitySlot, NotificationsSlot } from './sections/slots';
import { ErrorBanner, Spinner } from './ui';

const ProjectEditor = lazy(() => import('./editor/ProjectEditor'));
const RoutingSection = lazy(() => import('./sections/RoutingSection'));

type Tab = 'connection' | 'projects' | 'routing' | 'notifications' | 'activity';
const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'connection', label: 'Connection' },
  { id: 'projects', label: 'Projects' },
  { id: 'routing', label: 'Routing rules' },
  { id: 'notifications', label: 'Notifications' },
  { id: 'activity', label: 'Activity' },
];

const LEAVE_MESSAGE = 'You have unsaved changes to this project mapping. Leave without saving?';

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
        <Suspense fallback={<Spinner label="Loading the editor…" />}>
          <GuardedEditor projectKey={context.projectKey} fixedProject onClose={undefined} />
        </Suspense>
      </main>
    );
  }
  return <AdminPage />;
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

function AdminPage() {
  const [tab, setTab] = useState<Tab>('connection');
  const [editing, setEditing] = useState<{ projectKey?: string } | null>(null);
  const [dirty, setDirty] = useState(false);
  const [listVersion, setListVersion] = useState(0);

  const leaveEditor = (): boolean => {
    if (editing && dirty && !window.confirm(LEAVE_MESSAGE)) return false;
    setEditing(null);
    setDirty(false);
    return true;
  };

  const selectTab = (next: Tab) => {
    if (next === tab && !editing) return;
    if (!leaveEditor()) return;
    setTab(next);
  };

  return (
    <main>
      <h1>Backline</h1>
      <p className="subtle">Turn Backline findings and remediation pull requests into Jira issues that follow your workflow.</p>
      <div className="tabs" role="tablist" aria-label="Backline settings">
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            role="tab"
            type="button"
            className="tab"
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            onClick={() => selectTab(t.id)}
            onKeyDown={(e) => {
              const index = TABS.findIndex((x) => x.id === t.id);
              const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
              if (!delta) return;
              const next = TABS[(index + delta + TABS.length) % TABS.length];
              if (next) {
                selectTab(next.id);
                document.getElementById(`tab-${next.id}`)?.focus();
              }
            }}
            tabIndex={tab === t.id ? 0 : -1}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'connection' ? <ConnectionSection /> : null}
        {tab === 'projects' && !editing ? (
          <ProjectsSection key={listVersion} onAdd={() => setEditing({})} onEdit={(projectKey) => setEditing({ projectKey })} />
        ) : null}
        {tab === 'projects' && editing ? (
          <Suspense fallback={<Spinner label="Loading the editor…" />}>
            <GuardedEditor
              {...(editing.projectKey ? { projectKey: editing.projectKey } : {})}
              onDirtyChange={setDirty}
              onEditExisting={(projectKey) => {
                // Nothing of the abandoned "add" is worth keeping: it was about to duplicate this project.
                setDirty(false);
                setEditing({ projectKey });
              }}
              onClose={(saved) => {
                if (!saved && !leaveEditor()) return;
                setEditing(null);
                setDirty(false);
                setListVersion((v) => v + 1);
              }}
            />
          </Suspense>
        ) : null}
        {tab === 'routing' ? (
          <Suspense fallback={<Spinner label="Loading routing rules…" />}>
            <RoutingSection />
          </Suspense>
        ) : null}
        {tab === 'notifications' ? <NotificationsSlot /> : null}
        {tab === 'activity' ? <ActivitySlot /> : null}
      </div>
    </main>
  );
}
