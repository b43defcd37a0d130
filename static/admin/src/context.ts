/**
 * Which page the app is showing, from the Forge context. The project key read
 * here only decides what to display: every resolver re-checks, as the user,
 * that they administer the project (the extension context can be forged).
 */
import { view } from '@forge/bridge';

export type PageContext = { page: 'admin' } | { page: 'project-settings'; projectKey: string; projectName?: string };

export function pageFromExtension(extension: unknown): PageContext {
  if (typeof extension === 'object' && extension !== null) {
    const ext = extension as { type?: unknown; project?: { key?: unknown; name?: unknown } };
    if (ext.type === 'jira:projectSettingsPage' && typeof ext.project?.key === 'string') {
      return {
        page: 'project-settings',
        projectKey: ext.project.key,
        ...(typeof ext.project.name === 'string' ? { projectName: ext.project.name } : {}),
      };
    }
  }
  return { page: 'admin' };
}

export async function loadPageContext(): Promise<PageContext> {
  const context = await view.getContext();
  return pageFromExtension(context.extension);
}

/** Light/dark from the user's Jira theme; a host without theming keeps the light fallbacks. */
export async function enableTheme(): Promise<void> {
  try {
    await view.theme.enable();
  } catch {
    // Theming is cosmetic: the token fallbacks in styles.css render the light theme.
  }
}
