/**
 * Routing rules (lazy-loaded): an ordered list, first enabled match wins; add,
 * edit, reorder (buttons, keyboard-operable), delete; the default project; and
 * "test a finding", which asks the server's router which rule matches, with the
 * rules as edited (saved or not).
 */
import { useEffect, useState } from 'react';
import { api } from '../api';
import type { GlobalSettings, RoutingRule } from '../../../../src/core/config/model';
import { CATEGORIES, type Category, type Finding, type Severity } from '../../../../src/core/events/schema';
import type { RoutingTestResult } from '../../../../src/shared/contracts/admin';
import { SAMPLE_FINDING } from '../../../../src/shared/backline-fields';
import { blankRule, describeRule, moveRule, normaliseRule, removeRule, ruleProblems, settingsWithRules, splitList, upsertRule } from '../editor/routing';
import { SEVERITY_LIST } from '../editor/state';
import { Banner, Button, ConfirmDialog, ErrorBanner, Lozenge, Spinner, useLoad } from '../ui';
import { Select } from '../ui/Select';
import { useSuccessFlag } from '../ui/flags';
import Textfield from '@atlaskit/textfield';

export default function RoutingSection() {
  const loaded = useLoad(() => api.routing(), []);
  if (loaded.state === 'loading' && !loaded.data) return <Spinner label="Loading routing rules…" />;
  if (loaded.state === 'error' && !loaded.data) return <ErrorBanner title="The routing rules could not be loaded" error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return null;
  return <RoutingEditor settings={loaded.data.settings} connected={loaded.data.connectedProjects} />;
}

function RoutingEditor({ settings: initial, connected }: { settings: GlobalSettings; connected: string[] }) {
  const [settings, setSettings] = useState(initial);
  const [savedJson, setSavedJson] = useState(JSON.stringify(initial));
  const [editing, setEditing] = useState<RoutingRule | null>(null);
  const [deleting, setDeleting] = useState<RoutingRule | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dirty = JSON.stringify(settings) !== savedJson;
  const rules = settings.routingRules;
  const blocking = rules.some((r) => ruleProblems(r, connected).some((p) => p.blocking));

  const flag = useSuccessFlag();
  const save = async () => {
    setSaving(true);
    setError(null);
    setNotice(null);
    try {
      const result = await api.saveRouting(settingsWithRules(settings, rules));
      setSettings(result.settings);
      setSavedJson(JSON.stringify(result.settings));
      setNotice('Routing saved. New findings are routed with these rules.');
      flag('Routing saved', 'New findings are routed with these rules.');
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div>
      <section className="card" aria-labelledby="rules-title">
        <div className="spread">
          <h2 id="rules-title">Routing rules</h2>
          <Button onClick={() => setEditing(blankRule(rules, connected[0] ?? ''))} disabled={connected.length === 0}>
            Add rule
          </Button>
        </div>
        <p className="subtle" data-testid="routing-intro">
          A finding that names a connected project itself (<code>finding.jira.projectKey</code>) goes there. Otherwise rules are checked from top to bottom and the first
          enabled rule that matches decides: if its project is paused or no longer connected, the finding gets no route (<code>NO_ROUTE</code>) rather than landing in
          another team’s project. A finding no rule matches goes to the default project; with no default, to the only connected project when there is exactly one;
          otherwise it gets no route.
        </p>
        {connected.length === 0 ? <Banner kind="warning">Connect a project under Projects before adding rules.</Banner> : null}
        {rules.length === 0 ? (
          <p className="empty">
            {settings.defaultProjectKey
              ? `No rules yet: every finding goes to the default project, ${settings.defaultProjectKey}.`
              : connected.length === 1
                ? `No rules yet: every finding goes to ${connected[0] ?? ''}, the only connected project. Connecting a second project ends this: choose a default project below first.`
                : 'No rules yet and no default project: findings that do not name a project get no route.'}
          </p>
        ) : null}
        {rules.length > 0 ? (
          <ol style={{ paddingLeft: 20 }} aria-label="Rules in evaluation order">
            {rules.map((rule, index) => {
              const problems = ruleProblems(rule, connected);
              return (
                <li key={rule.id} style={{ marginBottom: 12 }} data-rule={rule.id}>
                  <div className="spread">
                    <div>
                      <strong>{rule.name || '(unnamed rule)'}</strong> → <code>{rule.projectKey}</code> {!rule.enabled ? <Lozenge kind="neutral">Off</Lozenge> : null}
                      <div className="subtle">Matches {describeRule(rule)}</div>
                      {problems.map((p) => (
                        <div key={p.message} className={p.blocking ? 'field-error' : 'field-warning'}>
                          {p.message}
                        </div>
                      ))}
                    </div>
                    <div className="row">
                      <Button small kind="subtle" disabled={index === 0} onClick={() => setSettings({ ...settings, routingRules: moveRule(rules, rule.id, -1) })} aria-label={`Move ${rule.name} up`}>
                        ↑
                      </Button>
                      <Button
                        small
                        kind="subtle"
                        disabled={index === rules.length - 1}
                        onClick={() => setSettings({ ...settings, routingRules: moveRule(rules, rule.id, 1) })}
                        aria-label={`Move ${rule.name} down`}
                      >
                        ↓
                      </Button>
                      <Button small onClick={() => setEditing(rule)} aria-label={`Edit rule ${rule.name}`}>
                        Edit
                      </Button>
                      <Button small kind="subtle" onClick={() => setDeleting(rule)} aria-label={`Delete rule ${rule.name}`}>
                        Delete
                      </Button>
                    </div>
                  </div>
                </li>
              );
            })}
          </ol>
        ) : null}
        {editing ? (
          <RuleForm
            rule={editing}
            connected={connected}
            onCancel={() => setEditing(null)}
            onDone={(rule) => {
              setSettings({ ...settings, routingRules: upsertRule(rules, normaliseRule(rule)) });
              setEditing(null);
            }}
          />
        ) : null}
        <div style={{ marginTop: 16 }}>
          <label htmlFor="default-project">Default project</label>
          <Select
            id="default-project"
            value={settings.defaultProjectKey ?? ''}
            width={420}
            choices={[
              { value: '', label: connected.length === 1 ? `None: the only connected project, ${connected[0] ?? ''}, while it is the only one` : 'None: findings no rule matches get no route (NO_ROUTE)' },
              ...connected.map((k) => ({ value: k, label: k })),
            ]}
            onChange={(value) => {
              const { defaultProjectKey: _omit, ...rest } = settings;
              setSettings(value ? { ...rest, defaultProjectKey: value } : rest);
            }}
          />
          <div className="help">Where findings go when no rule matches.</div>
        </div>
        <div className="sticky-actions">
          <Button kind="primary" onClick={() => void save()} disabled={!dirty || saving || blocking}>
            {saving ? 'Saving…' : 'Save routing'}
          </Button>
          <span className="subtle" role="status">
            {notice ?? (blocking ? 'Fix the rules marked in red before saving.' : dirty ? 'Unsaved changes.' : '')}
          </span>
        </div>
        {error ? <ErrorBanner title="Not saved" error={error} /> : null}
        {deleting ? (
          <ConfirmDialog
            title={`Delete rule “${deleting.name}”?`}
            confirmLabel="Delete"
            danger
            onConfirm={() => {
              setSettings({ ...settings, routingRules: removeRule(rules, deleting.id) });
              setDeleting(null);
            }}
            onCancel={() => setDeleting(null)}
          >
            <p>The rule is removed when you save the routing. Issues already created stay where they are.</p>
          </ConfirmDialog>
        ) : null}
      </section>
      <RoutingTester settings={settingsWithRules(settings, rules)} dirty={dirty} />
    </div>
  );
}

function RuleForm({ rule, connected, onCancel, onDone }: { rule: RoutingRule; connected: string[]; onCancel: () => void; onDone: (rule: RoutingRule) => void }) {
  const [draft, setDraft] = useState(rule);
  const [tags, setTags] = useState((rule.match.tags ?? []).join(', '));
  const [scanners, setScanners] = useState((rule.match.scanners ?? []).join(', '));
  const current: RoutingRule = { ...draft, match: { ...draft.match, tags: splitList(tags), scanners: splitList(scanners) } };
  const problems = ruleProblems(current, connected);
  const at = (path: string) => problems.filter((p) => p.path === path);
  useEffect(() => document.getElementById('rule-name')?.focus(), []);
  const toggleCategory = (c: Category, on: boolean) => {
    const list = new Set(draft.match.categories ?? []);
    if (on) list.add(c);
    else list.delete(c);
    setDraft({ ...draft, match: { ...draft.match, categories: [...list] } });
  };
  return (
    <form
      className="card stack"
      aria-label="Routing rule"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problems.some((p) => p.blocking)) onDone(current);
      }}
    >
      <div>
        <label htmlFor="rule-name" className="required">
          Name
        </label>
        <Textfield id="rule-name" value={draft.name} isInvalid={at('name').length > 0} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
        {at('name').map((p) => (
          <div key={p.message} className="field-error">
            {p.message}
          </div>
        ))}
      </div>
      <div>
        <label htmlFor="rule-project" className="required">
          Project
        </label>
        <Select id="rule-project" value={draft.projectKey} width={240} choices={connected.map((k) => ({ value: k, label: k }))} onChange={(projectKey) => setDraft({ ...draft, projectKey })} />
      </div>
      <div>
        <label htmlFor="rule-repo">Repository (glob)</label>
        <Textfield id="rule-repo" placeholder="acme/payments-*" value={draft.match.repository ?? ''} onChange={(e) => setDraft({ ...draft, match: { ...draft.match, repository: e.currentTarget.value } })} />
      </div>
      <fieldset style={{ border: 'none', padding: 0, margin: 0 }}>
        <legend className="subtle" style={{ fontSize: 12, fontWeight: 600 }}>
          Categories
        </legend>
        <div className="row">
          {CATEGORIES.map((c) => (
            <label key={c} className="check">
              <input type="checkbox" checked={draft.match.categories?.includes(c) ?? false} onChange={(e) => toggleCategory(c, e.target.checked)} />
              {c}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="row">
        <div>
          <label htmlFor="rule-severity">Minimum severity</label>
          <Select
            id="rule-severity"
            value={draft.match.minimumSeverity ?? ''}
            width={160}
            choices={[{ value: '', label: 'Any' }, ...SEVERITY_LIST.map((s) => ({ value: s, label: s }))]}
            onChange={(value) => {
              const { minimumSeverity: _omit, ...match } = draft.match;
              setDraft({ ...draft, match: value ? { ...match, minimumSeverity: value as Severity } : match });
            }}
          />
        </div>
        <div className="grow">
          <label htmlFor="rule-scanners">Scanners (comma-separated)</label>
          <Textfield id="rule-scanners" value={scanners} onChange={(e) => setScanners(e.currentTarget.value)} />
        </div>
        <div className="grow">
          <label htmlFor="rule-tags">Tags (comma-separated, any)</label>
          <Textfield id="rule-tags" value={tags} onChange={(e) => setTags(e.currentTarget.value)} />
        </div>
      </div>
      {at('match').map((p) => (
        <div key={p.message} className="field-error">
          {p.message}
        </div>
      ))}
      <label className="check">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} />
        Enabled
      </label>
      <div className="row">
        <Button kind="primary" type="submit" disabled={problems.some((p) => p.blocking)}>
          Done
        </Button>
        <Button kind="subtle" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function RoutingTester({ settings, dirty }: { settings: GlobalSettings; dirty: boolean }) {
  const [repository, setRepository] = useState(SAMPLE_FINDING.repository?.name ?? '');
  const [scanner, setScanner] = useState(SAMPLE_FINDING.scanner ?? '');
  const [category, setCategory] = useState<Category>(SAMPLE_FINDING.category ?? 'sca');
  const [severity, setSeverity] = useState<Severity>(SAMPLE_FINDING.severity);
  const [tags, setTags] = useState((SAMPLE_FINDING.tags ?? []).join(', '));
  const [result, setResult] = useState<RoutingTestResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const test = async () => {
    setBusy(true);
    setError(null);
    try {
      const { scanner: _sample, ...base } = SAMPLE_FINDING;
      const finding: Finding = { ...base, ...(scanner.trim() ? { scanner: scanner.trim() } : {}), category, severity, tags: splitList(tags), repository: { name: repository || 'unknown/repository' } };
      setResult(await api.testRouting(finding, settings));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card stack" aria-labelledby="test-title">
      <h2 id="test-title">Test a finding</h2>
      <p className="subtle">Checks a finding against the rules as they are on this page{dirty ? ', including the changes not saved yet' : ''}.</p>
      <form
        className="row"
        style={{ alignItems: 'flex-end' }}
        onSubmit={(e) => {
          e.preventDefault();
          void test();
        }}
      >
        <div className="grow">
          <label htmlFor="test-repo">Repository</label>
          <Textfield id="test-repo" value={repository} onChange={(e) => setRepository(e.currentTarget.value)} />
        </div>
        <div>
          <label htmlFor="test-category">Category</label>
          <Select id="test-category" value={category} width={140} choices={CATEGORIES.map((c) => ({ value: c, label: c }))} onChange={(c) => setCategory(c as Category)} />
        </div>
        <div>
          <label htmlFor="test-severity">Severity</label>
          <Select id="test-severity" value={severity} width={130} choices={SEVERITY_LIST.map((s) => ({ value: s, label: s }))} onChange={(s) => setSeverity(s as Severity)} />
        </div>
        <div>
          <label htmlFor="test-scanner">Scanner</label>
          <Textfield id="test-scanner" value={scanner} onChange={(e) => setScanner(e.currentTarget.value)} />
        </div>
        <div>
          <label htmlFor="test-tags">Tags</label>
          <Textfield id="test-tags" value={tags} onChange={(e) => setTags(e.currentTarget.value)} />
        </div>
        <Button kind="primary" type="submit" disabled={busy}>
          {busy ? 'Testing…' : 'Test'}
        </Button>
      </form>
      {error ? <ErrorBanner error={error} /> : null}
      {result ? (
        <Banner kind={result.projectKey ? 'success' : 'warning'}>
          <span data-testid="routing-result">
            {result.projectKey ? (
              <>
                Goes to <strong>{result.projectKey}</strong>
                {result.ruleName ? <> by rule “{result.ruleName}”</> : null}.{' '}
              </>
            ) : (
              <>
                <strong>No route.</strong>{' '}
              </>
            )}
            {result.explanation}
          </span>
        </Banner>
      ) : null}
    </section>
  );
}
