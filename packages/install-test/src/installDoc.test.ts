import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { docStep, parseNpmInstalls, readDocSteps } from './installDoc';

const installDoc = readFileSync(
  join(__dirname, '..', '..', '..', 'docs', 'install.md'),
  'utf8',
);

describe('readDocSteps', () => {
  it('reads the fenced block after each install-test marker', () => {
    const steps = readDocSteps(
      'Text\n\n<!-- install-test: one -->\n```sh\necho 1\necho 2\n```\n\n```sh\nnot marked\n```\n<!--install-test:two-->\n```ts\nx();\n```\n',
    );
    expect([...steps.keys()]).toEqual(['one', 'two']);
    expect(docStep(steps, 'one', 'sh')).toBe('echo 1\necho 2');
    expect(docStep(steps, 'two', 'ts')).toBe('x();');
  });

  it('refuses a missing step, a wrong language and a step marked twice', () => {
    const steps = readDocSteps('<!-- install-test: one -->\n```sh\nx\n```\n');
    expect(() => docStep(steps, 'other', 'sh')).toThrow(/no block marked/);
    expect(() => docStep(steps, 'one', 'ts')).toThrow(/expected ```ts/);
    expect(() =>
      readDocSteps(
        '<!-- install-test: a -->\n```sh\nx\n```\n<!-- install-test: a -->\n```sh\ny\n```\n',
      ),
    ).toThrow(/marked twice/);
  });
});

describe('parseNpmInstalls', () => {
  it('reads packages and the workspace of each line', () => {
    expect(
      parseNpmInstalls(
        '# comment\nnpm install a b --workspace backend\nnpm install c -w app\n',
      ),
    ).toEqual([
      { packages: ['a', 'b'], workspace: 'backend' },
      { packages: ['c'], workspace: 'app' },
    ]);
  });

  it('refuses other commands, options and lines without a workspace', () => {
    expect(() => parseNpmInstalls('yarn add a')).toThrow(/only "npm install"/);
    expect(() => parseNpmInstalls('npm install --save-dev a -w app')).toThrow(
      /unexpected option/,
    );
    expect(() => parseNpmInstalls('npm install a')).toThrow(/--workspace/);
  });
});

describe('docs/install.md', () => {
  const steps = readDocSteps(installDoc);

  it('installs the backend into the backend and the frontend into the app', () => {
    expect(parseNpmInstalls(docStep(steps, 'npm-install', 'sh'))).toEqual([
      {
        packages: ['@gort-backstage/plugin-gort-backend'],
        workspace: 'backend',
      },
      { packages: ['@gort-backstage/plugin-gort'], workspace: 'app' },
    ]);
  });

  it('adds the backend plugin and a gort configuration', () => {
    expect(docStep(steps, 'backend-index', 'ts')).toBe(
      "backend.add(import('@gort-backstage/plugin-gort-backend'));",
    );
    expect(Object.keys(parse(docStep(steps, 'app-config', 'yaml')))).toEqual([
      'gort',
    ]);
  });
});
