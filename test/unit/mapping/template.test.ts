import { getPath, isSafePath } from '../../../src/core/mapping/paths';
import { renderTemplate, templatePaths } from '../../../src/core/mapping/template';
import { lodashFinding } from './fixtures';

const context = { finding: lodashFinding({ tags: ['pci', 'prod'] }) };

describe('paths', () => {
  it('reads nested own properties and array items', () => {
    expect(getPath(context, 'finding.package.fixedVersion')).toBe('4.17.21');
    expect(getPath(context, 'finding.cveIds.0')).toBe('CVE-2020-8203');
    expect(getPath(context, 'finding.owner.email')).toBeUndefined();
    expect(getPath({ finding: { businessUnit: 'payments', id: 'f' } }, 'finding.businessUnit')).toBe('payments');
  });

  it('never follows prototype keys, inherited members or array helpers', () => {
    const finding = JSON.parse('{"id":"f","__proto__":{"polluted":"yes"},"title":"t"}') as Record<string, unknown>;
    expect(getPath({ finding }, 'finding.__proto__')).toBeUndefined();
    expect(getPath({ finding }, 'finding.__proto__.polluted')).toBeUndefined();
    expect(getPath({ finding }, 'finding.constructor')).toBeUndefined();
    expect(getPath({ finding }, 'finding.constructor.prototype')).toBeUndefined();
    expect(getPath({ finding }, 'finding.toString')).toBeUndefined();
    expect(getPath({ finding }, 'finding.hasOwnProperty')).toBeUndefined();
    expect(getPath(context, 'finding.cveIds.length')).toBeUndefined();
    expect(getPath(context, 'finding.title.length')).toBeUndefined();
    expect(isSafePath('finding.__proto__.x')).toBe(false);
    expect(isSafePath('finding.package.name')).toBe(true);
  });

  it('does not run getters', () => {
    let called = false;
    const finding = { id: 'f' };
    Object.defineProperty(finding, 'secret', { enumerable: true, get: () => { called = true; return 'x'; } });
    expect(getPath({ finding }, 'finding.secret')).toBeUndefined();
    expect(called).toBe(false);
  });
});

describe('templates', () => {
  it('fills placeholders, lists joined with ", "', () => {
    expect(renderTemplate('[{{finding.severity}}] {{finding.title}}', context)).toBe('[high] Prototype Pollution in lodash');
    expect(renderTemplate('{{ finding.tags }} / {{finding.cvssScore}}', context)).toBe('pci, prod / 7.4');
  });

  it('renders missing paths and objects as empty text', () => {
    expect(renderTemplate('owner: {{finding.owner.email}}|{{finding.repository}}|{{pullRequest.url}}', context)).toBe('owner: ||');
  });

  it('keeps values verbatim: no second expansion, no code', () => {
    const tricky = { finding: { id: 'f', title: '{{finding.id}} ${process.exit()} <script>' } };
    expect(renderTemplate('{{finding.title}}', tricky)).toBe('{{finding.id}} ${process.exit()} <script>');
    expect(renderTemplate('{{finding.title.constructor}}{{constructor}}{{finding.__proto__}}', tricky)).toBe('');
    expect(renderTemplate('{{ 1 + 1 }} {{finding.id}}', tricky)).toBe('{{ 1 + 1 }} f');
  });

  it('lists the paths a template uses', () => {
    expect(templatePaths('[{{finding.severity}}] {{ finding.title }}')).toEqual(['finding.severity', 'finding.title']);
  });
});
