import { isFromOurCode } from './demoSession';

const REACT_DOM =
  'webpack-internal:///../../node_modules/react-dom/cjs/react-dom.development.js';

describe('isFromOurCode', () => {
  it('blames a React warning on the first component with a source location', () => {
    const inOurs = [
      'Warning: Each child in a list should have a unique "key" prop.',
      '    at tr',
      '    at RunsTable (webpack-internal:///../../plugins/gort/src/components/RunsTable/RunsTable.tsx:120:3)',
      '    at ExtensionBoundary (webpack-internal:///../../node_modules/@backstage/frontend-plugin-api/dist/x.js:79:11)',
    ].join('\n');
    const inMui = [
      'Warning: findDOMNode is deprecated and will be removed in the next major release.',
      '    at button',
      '    at ButtonBase (webpack-internal:///../../node_modules/@material-ui/core/esm/ButtonBase/ButtonBase.js:90:22)',
      '    at EntityGortCard (webpack-internal:///../../plugins/gort/src/components/EntityGortCard/EntityGortCard.tsx:9:1)',
    ].join('\n');
    expect(isFromOurCode(inOurs, REACT_DOM)).toBe(true);
    expect(isFromOurCode(inMui, REACT_DOM)).toBe(false);
  });

  it('follows "Check the render method of" to the culprit', () => {
    const text = [
      'Warning: Each child in a list should have a unique "key" prop. Check the render method of `OrgStatusTable`.',
      '    at TableRow (webpack-internal:///../../node_modules/@material-ui/core/esm/TableRow/TableRow.js:1:1)',
      '    at OrgStatusTable (webpack-internal:///../../plugins/gort/src/components/GortPage/OrgStatusTable.tsx:1:1)',
    ].join('\n');
    expect(isFromOurCode(text, REACT_DOM)).toBe(true);
  });

  it("counts failed requests to GORT's API and errors logged from our bundle, not other plugins'", () => {
    const failed =
      'Failed to load resource: the server responded with a status of 500 (Internal Server Error)';
    expect(
      isFromOurCode(failed, 'http://127.0.0.1:7007/api/gort/runs?entityRef=x'),
    ).toBe(true);
    expect(
      isFromOurCode(failed, 'http://127.0.0.1:7007/api/user-settings/multiget'),
    ).toBe(false);
    expect(
      isFromOurCode(
        'oops',
        'http://127.0.0.1:7007/static/module-gort-backstage-plugin-gort.1a2b.js',
      ),
    ).toBe(true);
  });
});
