/**
 * Driving Atlassian's select (@atlaskit/select) from the browser tests, as a
 * person does: focus it, open its menu, pick the option by its text. Its menu
 * opens in a layer on top of the page (document.body), so options are found
 * in the open listbox, not inside the field's card.
 */
import type { Locator, Page } from 'playwright-core';

const field = (page: Page, input: Locator | string) => (typeof input === 'string' ? page.locator(input) : input);

/**
 * Opens the select whose input is `input` and picks the option named `label`. `resets`: a select
 * that acts on the choice and empties itself again ("Map another field").
 */
export async function choose(page: Page, input: Locator | string, label: string | RegExp, options: { resets?: boolean } = {}): Promise<void> {
  const control = field(page, input);
  await control.focus();
  await control.press('ArrowDown');
  await page.getByRole('listbox').getByRole('option', { name: label, exact: typeof label === 'string' }).click();
  // The select shows the choice once the page has taken it: a test goes on only then, so a lost
  // choice fails here, where it happened, not at a later save.
  if (options.resets) return;
  await control
    .locator('xpath=ancestor::*[@data-select-for][1]')
    .getByText(label, typeof label === 'string' ? { exact: true } : {})
    .first()
    .waitFor();
}

/** Types into a searching select and waits for the option named `label`, without choosing it. */
export async function search(page: Page, input: Locator | string, text: string, label: string | RegExp): Promise<Locator> {
  await field(page, input).fill(text);
  const option = page.getByRole('listbox').getByRole('option', { name: label });
  await option.waitFor();
  return option;
}

/** The text a select shows as its value (its chosen option's label, or its placeholder). */
export async function shown(page: Page, id: string): Promise<string> {
  return page.locator(`[data-select-for="${id}"]`).evaluate((element) => {
    // Without the screen-reader announcements (a live region inside the select).
    const copy = element.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('[aria-live], [role="log"], [role="status"]').forEach((node) => node.remove());
    return (copy.textContent ?? '').trim();
  });
}
