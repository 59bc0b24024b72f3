import { commentMarker, withMarker } from './commentMarker';

describe('commentMarker', () => {
  it('is stable for the same parts, differs by kind and parts, and stays a valid HTML comment', () => {
    const a = commentMarker('findings', 'component:default/my--app', 'abc');
    expect(a).toBe(commentMarker('findings', 'component:default/my--app', 'abc'));
    expect(a).not.toBe(commentMarker('escalation', 'component:default/my--app', 'abc'));
    expect(a).not.toBe(commentMarker('findings', 'component:default/my--app', 'abd'));
    expect(a).toMatch(/^<!-- gort:findings:[0-9a-f]{24} -->$/);
    expect(withMarker('Findings\n', a)).toBe(`Findings\n\n${a}\n`);
  });
});
