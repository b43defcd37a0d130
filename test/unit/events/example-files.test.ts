import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateRequestBody } from '../../../src/core/events/validate';

// The example bodies people send by hand (`npm run send -- examples/events/...`) must be valid contract v1 bodies.
describe.each(['events', 'grouping'])('examples/%s', (folder) => {
  const dir = path.resolve(__dirname, '../../../examples', folder);
  const files = fs.readdirSync(dir).filter((name) => name.endsWith('.json'));

  it('has examples', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s is a valid request body', (name) => {
    const result = validateRequestBody(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
    expect(result.ok ? [] : result.details).toEqual([]);
  });
});
