/**
 * Accessibility checks for the browser tests: axe-core injected into the page
 * (serious and critical violations fail), every form control has an accessible
 * name, and text contrast computed from the styles the browser applied.
 */
import * as fs from 'node:fs';
import type { Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page as it settles (injected once per document). Running
 * animations end first: a flag fading in has, mid-fade, text at a fraction of its contrast, which is not what
 * anyone reads (axe measured 1.42:1 on a success flag's first frames).
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(() => {
    // Finite ones only: a spinner turns forever.
    const ending = document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity);
    return Promise.race([Promise.all(ending.map((a) => a.finished.catch(() => undefined))), new Promise((done) => setTimeout(done, 3_000))]);
  });
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    type AxeResult = { violations: Array<{ id: string; impact?: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> };
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.map((n) => `${n.target.map(String).join(' ')}: ${n.failureSummary ?? ''}`) }));
  });
}

/** Visible inputs, selects, textareas and buttons without an accessible name (label, aria-label(ledby), title or text). */
export async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const nameOf = (el: HTMLElement): string => {
      const labelledBy = el.getAttribute('aria-labelledby');
      if (labelledBy) return labelledBy.split(/\s+/).map((id) => text(document.getElementById(id))).join(' ').trim();
      const aria = el.getAttribute('aria-label')?.trim();
      if (aria) return aria;
      const labels = 'labels' in el ? (el as HTMLInputElement).labels : null;
      const fromLabels = labels ? Array.from(labels).map((l) => text(l)).join(' ').trim() : '';
      if (fromLabels) return fromLabels;
      if (el instanceof HTMLButtonElement) return text(el);
      return el.getAttribute('title')?.trim() ?? '';
    };
    const visible = (el: HTMLElement) => el.offsetParent !== null || el.getClientRects().length > 0;
    return Array.from(document.querySelectorAll<HTMLElement>('input:not([type=hidden]), select, textarea, button'))
      .filter(visible)
      .filter((el) => !nameOf(el))
      .map((el) => `${el.tagName.toLowerCase()}#${el.id || '?'}${el.className ? `.${el.className}` : ''}`);
  });
}

/**
 * Contrast ratio (WCAG 2.x) of an element's text colour against the background
 * it is drawn on: the nearest ancestor with an opaque background colour.
 */
export async function textContrast(page: Page, selector: string): Promise<{ color: string; background: string; ratio: number }> {
  return page.locator(selector).first().evaluate((el) => {
    const parse = (c: string): [number, number, number, number] => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m?.[1]) return [0, 0, 0, 0];
      const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
    };
    let node: Element | null = el;
    let background = 'rgb(255, 255, 255)';
    while (node) {
      const bg = getComputedStyle(node).backgroundColor;
      if (parse(bg)[3] >= 1) {
        background = bg;
        break;
      }
      node = node.parentElement;
    }
    const color = getComputedStyle(el).color;
    const luminance = ([r, g, b]: [number, number, number, number]) => {
      const channel = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const [l1, l2] = [luminance(parse(color)), luminance(parse(background))];
    return { color, background, ratio: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05) };
  });
}
