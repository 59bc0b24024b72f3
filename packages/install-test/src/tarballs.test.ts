import { manifestProblems, PackListing, tarballProblems } from './tarballs';

const listing = (files: string[], size = 1000): PackListing => ({
  name: '@gort-backstage/x',
  version: '0.1.0',
  filename: 'x.tgz',
  size,
  unpackedSize: size * 3,
  files: files.map(path => ({ path, size: 10 })),
});

describe('tarballProblems', () => {
  it('accepts built output, migrations and the config schema', () => {
    expect(
      tarballProblems(
        listing([
          'package.json',
          'README.md',
          'dist/index.cjs.js',
          'migrations/1_init.js',
          'config.d.ts',
        ]),
      ),
    ).toEqual([]);
  });

  it('refuses sources, fixtures, tests and tarballs over 1 MB', () => {
    expect(
      tarballProblems(
        listing(
          [
            'package.json',
            'src/index.ts',
            'dist/__fixtures__/a.json',
            'dist/fixtures/b.yaml',
            'dist/a.test.js',
          ],
          1024 * 1024 + 1,
        ),
      ),
    ).toEqual([
      '@gort-backstage/x: tarball is 1048577 bytes, more than 1048576',
      '@gort-backstage/x: ships sources (src/): src/index.ts',
      '@gort-backstage/x: ships test fixtures: dist/__fixtures__/a.json',
      '@gort-backstage/x: ships test fixtures: dist/fixtures/b.yaml',
      '@gort-backstage/x: ships tests: dist/a.test.js',
    ]);
  });
});

describe('manifestProblems', () => {
  it('accepts a manifest rewritten by backstage-cli package prepack', () => {
    expect(
      manifestProblems({
        name: 'p',
        main: 'dist/index.esm.js',
        types: 'dist/index.d.ts',
        exports: {
          '.': { import: './dist/index.esm.js', types: './dist/index.d.ts' },
          './package.json': './package.json',
        },
      }),
    ).toEqual([]);
  });

  it('refuses private packages and entry points in src/', () => {
    expect(
      manifestProblems({
        name: 'p',
        private: true,
        main: 'src/index.ts',
        exports: { './alpha': './src/alpha.tsx' },
      }),
    ).toEqual([
      'p: is private',
      'p: entry point src/index.ts is in src/',
      'p: entry point ./src/alpha.tsx is in src/',
    ]);
  });
});
