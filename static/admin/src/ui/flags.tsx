/**
 * Atlassian's flags: the short confirmation in the page's corner that Jira
 * shows after a save. The in-page status text stays too, for screen readers
 * and for whoever looks at the form rather than the corner. The flag is the
 * "normal" appearance with a green success icon: the bold green one fails
 * WCAG AA contrast for its white text under the current tokens (axe, in the
 * e2e tests).
 */
import { useFlags } from '@atlaskit/flag';
import StatusSuccessIcon from '@atlaskit/icon/core/status-success';

export function useSuccessFlag(): (title: string, description?: string) => void {
  const { showFlag } = useFlags();
  return (title, description) => {
    showFlag({
      title,
      ...(description ? { description } : {}),
      icon: <StatusSuccessIcon label="Success" color="var(--ds-icon-success)" />,
      isAutoDismiss: true,
    });
  };
}
