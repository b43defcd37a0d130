/**
 * The admin page is for Jira administrators. Anyone else who opens it (a
 * project administrator, a plain user) gets a message that says so, with links
 * to the settings of the projects they administer, instead of a load error
 * with a useless "Try again". The resolvers check every call anyway: this
 * only decides what to show.
 */
import { router } from '@forge/bridge';
import type { ReactNode } from 'react';
import { api } from '../api';
import { Banner, Button, Spinner, useLoad } from '../ui';

export function AccessGate({ children }: { children: ReactNode }) {
  const access = useLoad(() => api.accessMe(), []);
  if (access.state === 'loading' && !access.data) return <Spinner label="Checking your access…" />;
  // Jira unreachable: show the page; each tab says what it can and cannot load (stored data stays readable).
  if (!access.data || access.data.jiraAdmin) return <>{children}</>;
  const projects = access.data.administeredProjects;
  return (
    <Banner kind="warning" title="Backline’s global settings are for Jira administrators">
      {projects.length > 0 ? (
        <>
          <p>You administer {projects.length === 1 ? 'this project' : 'these projects'}: set up how Backline findings become issues in {projects.length === 1 ? 'its' : 'their'} project settings.</p>
          <ul className="project-links">
            {projects.map((p) => (
              <li key={p.key}>
                <Button kind="subtle" onClick={() => void router.navigate({ target: 'projectSettingsDetails', projectKey: p.key })}>
                  {`${p.name} (${p.key}) → Project settings → Backline`}
                </Button>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>Ask a Jira administrator to connect your project, or ask your project’s administrator to set it up in Project settings → Backline.</p>
      )}
    </Banner>
  );
}
