import { ManifestParseError, parseManifests } from './manifests';

describe('parseManifests', () => {
  it('reads multi-document YAML and skips documents that are not objects', () => {
    const objects = parseManifests(
      [
        '# a comment only document',
        '---',
        'apiVersion: v1',
        'kind: Namespace',
        'metadata: {name: shop}',
        '---',
        'just: data',
        '---',
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'metadata: {name: apps, namespace: flux-system}',
      ].join('\n'),
    );
    expect(objects.map(o => o.kind)).toEqual(['Namespace', 'Kustomization']);
  });

  it('flattens kind: List and any *List, also from JSON', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } },
        {
          apiVersion: 'v1',
          kind: 'EventList',
          items: [{ kind: 'Event', metadata: { name: 'e' } }],
        },
      ],
    });
    expect(
      parseManifests(json).map(o => `${o.kind}/${o.metadata?.name}`),
    ).toEqual(['Pod/a', 'Event/e']);
  });

  it('throws a one-line ManifestParseError on invalid YAML', () => {
    expect(() => parseManifests('kind: [unclosed\n')).toThrow(
      ManifestParseError,
    );
    expect(() => parseManifests('a: b\n c: d\n')).toThrow(
      /^invalid YAML: [^\n]+$/,
    );
  });

  it('refuses alias bombs', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    expect(() => parseManifests(bomb)).toThrow();
  });
});
