/**
 * A stand-in for the Forge host that UI Kit talks to: `@forge/react` sends the
 * whole tree with `callBridge('reconcile', { forgeDoc })` after every commit,
 * and `@forge/bridge` turns `invoke(key)` into `callBridge('invoke', {
 * functionKey, payload })` (node_modules/@forge/react/out/reconciler.js,
 * node_modules/@forge/bridge/out/invoke/invoke.js). The test answers `invoke`
 * and asserts on the last tree the reconciler sent.
 */

export interface ForgeDoc {
  type: string;
  props: Record<string, unknown>;
  children: ForgeDoc[];
  key?: string;
}

export interface BridgeCall {
  cmd: string;
  data: unknown;
}

export interface FakeHost {
  calls: BridgeCall[];
  invokes: Array<{ functionKey: string; payload: unknown }>;
  /** The last tree the reconciler sent (deep copy, as the host would receive it as JSON). */
  lastDoc(): ForgeDoc | undefined;
  /** Resolves once a sent tree satisfies `predicate` (the panel renders asynchronously after `invoke`). */
  waitForDoc(predicate: (doc: ForgeDoc) => boolean): Promise<ForgeDoc>;
}

type Bridged = typeof globalThis & { __bridge?: { callBridge: (cmd: string, data: unknown) => Promise<unknown> } };

export function installFakeHost(onInvoke: (functionKey: string, payload: unknown) => Promise<unknown>): FakeHost {
  const calls: BridgeCall[] = [];
  const invokes: FakeHost['invokes'] = [];
  const docs: ForgeDoc[] = [];
  const waiters: Array<{ predicate: (doc: ForgeDoc) => boolean; resolve: (doc: ForgeDoc) => void }> = [];
  const g = globalThis as Bridged;
  // The reconciler reaches the bridge through `self` (a browser/worker global).
  Reflect.set(globalThis, 'self', globalThis);
  g.__bridge = {
    async callBridge(cmd: string, data: unknown) {
      calls.push({ cmd, data });
      if (cmd === 'reconcile') {
        const doc = JSON.parse(JSON.stringify((data as { forgeDoc: ForgeDoc }).forgeDoc)) as ForgeDoc;
        docs.push(doc);
        for (const waiter of [...waiters]) {
          if (waiter.predicate(doc)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(doc);
          }
        }
        return undefined;
      }
      if (cmd === 'invoke') {
        const { functionKey, payload } = data as { functionKey: string; payload: unknown };
        invokes.push({ functionKey, payload });
        return onInvoke(functionKey, payload);
      }
      return undefined;
    },
  };
  return {
    calls,
    invokes,
    lastDoc: () => docs[docs.length - 1],
    waitForDoc(predicate) {
      const found = docs.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
  };
}

export function uninstallFakeHost(): void {
  const g = globalThis as Bridged;
  delete g.__bridge;
  Reflect.deleteProperty(globalThis, 'self');
}

// ---------------------------------------------------------------------------
// Reading the tree

export function findAll(doc: ForgeDoc, type: string): ForgeDoc[] {
  const found: ForgeDoc[] = [];
  const walk = (node: ForgeDoc) => {
    if (node.type === type) found.push(node);
    node.children.forEach(walk);
  };
  walk(doc);
  return found;
}

/** The text a node shows (its `String` descendants, joined). */
export function textOf(node: ForgeDoc): string {
  if (node.type === 'String') return typeof node.props.text === 'string' ? node.props.text : '';
  return node.children.map(textOf).join('');
}

/** Every visible text of the tree, one entry per element that directly holds text. */
export function texts(doc: ForgeDoc, type?: string): string[] {
  return findAll(doc, type ?? 'Text').map(textOf);
}

export function links(doc: ForgeDoc): Array<{ text: string; href: unknown }> {
  return findAll(doc, 'Link').map((node) => ({ text: textOf(node), href: node.props.href }));
}

export function lozenges(doc: ForgeDoc): Array<{ text: string; appearance: unknown; isBold: unknown }> {
  return findAll(doc, 'Lozenge').map((node) => ({ text: textOf(node), appearance: node.props.appearance, isBold: node.props.isBold }));
}

export const isLoaded = (doc: ForgeDoc): boolean => findAll(doc, 'Spinner').length === 0 && doc.children.length > 0;
