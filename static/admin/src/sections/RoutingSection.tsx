/**
 * Routing rules (lazy-loaded): an ordered list, first enabled match wins; add,
 * edit, reorder (buttons, keyboard-operable), delete; the default project; and
 * "test a finding", which asks the server's router which rule matches.
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

  const save = async () => {
    setSaving(true);
    setError(null);
    setNotice(null);
    try {
      const result = await api.saveRouting(settingsWithRules(settings, rules));
      setSettings(result.settings);
      setSavedJson(JSON.stringify(result.settings));
      setNotice('Routing saved. New findings are routed with these rules.');
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
        <p className="subtle">
          Rules are checked from top to bottom; the first enabled rule that matches a finding and whose project is connected decides where its issue goes. A finding that names a
          project itself (<code>finding.jira.projectKey</code>) goes there.
        </p>
        {connected.length === 0 ? <Banner kind="warning">Connect a project under Projects before adding rules.</Banner> : null}
        {rules.length === 0 ? <p className="empty">No rules yet: every finding goes to the default project.</p> : null}
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
          <select
            id="default-project"
            value={settings.defaultProjectKey ?? ''}
            onChange={(e) => {
              const { defaultProjectKey: _omit, ...rest } = settings;
              setSettings(e.target.value ? { ...rest, defaultProjectKey: e.target.value } : rest);
            }}
          >
            <option value="">None: findings no rule matches fail with NO_ROUTE</option>
            {connected.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
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
      <RoutingTester dirty={dirty} />
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
        <input id="rule-name" type="text" value={draft.name} aria-invalid={at('name').length > 0} onChange={(e) => setDraft({ ...draft, name: e.target.value })} style={{ width: '100%' }} />
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
        <select id="rule-project" value={draft.projectKey} onChange={(e) => setDraft({ ...draft, projectKey: e.target.value })}>
          {connected.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="rule-repo">Repository (glob)</label>
        <input id="rule-repo" type="text" placeholder="acme/payments-*" value={draft.match.repository ?? ''} onChange={(e) => setDraft({ ...draft, match: { ...draft.match, repository: e.target.value } })} style={{ width: '100%' }} />
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
          <select
            id="rule-severity"
            value={draft.match.minimumSeverity ?? ''}
            onChange={(e) => {
              const { minimumSeverity: _omit, ...match } = draft.match;
              setDraft({ ...draft, match: e.target.value ? { ...match, minimumSeverity: e.target.value as Severity } : match });
            }}
          >
            <option value="">Any</option>
            {SEVERITY_LIST.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="grow">
          <label htmlFor="rule-scanners">Scanners (comma-separated)</label>
          <input id="rule-scanners" type="text" value={scanners} onChange={(e) => setScanners(e.target.value)} style={{ width: '100%' }} />
        </div>
        <div className="grow">
          <label htmlFor="rule-tags">Tags (comma-separated, any)</label>
          <input id="rule-tags" type="text" value={tags} onChange={(e) => setTags(e.target.value)} style={{ width: '100%' }} />
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

function RoutingTester({ dirty }: { dirty: boolean }) {
  const [repository, setRepository] = useState(SAMPLE_FINDING.repository?.name ?? '');
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
      const finding: Finding = { ...SAMPLE_FINDING, category, severity, tags: splitList(tags), repository: { name: repository || 'unknown/repository' } };
      setResult(await api.testRouting(finding));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card stack" aria-labelledby="test-title">
      <h2 id="test-title">Test a finding</h2>
      <p className="subtle">Checks a finding against the saved rules{dirty ? ' (save your changes first to test them)' : ''}.</p>
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
          <input id="test-repo" type="text" value={repository} onChange={(e) => setRepository(e.target.value)} style={{ width: '100%' }} />
        </div>
        <div>
          <label htmlFor="test-category">Category</label>
          <select id="test-category" value={category} onChange={(e) => setCategory(e.target.value as Category)}>
            {CATEGORIES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="test-severity">Severity</label>
          <select id="test-severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
            {SEVERITY_LIST.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="test-tags">Tags</label>
          <input id="test-tags" type="text" value={tags} onChange={(e) => setTags(e.target.value)} />
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
