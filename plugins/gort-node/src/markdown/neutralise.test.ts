import { codeBlock, neutraliseCell, neutraliseText, quoteAiProse } from './neutralise';

/** What GitHub would act on: mentions, issue references, links and images, HTML tags. */
function activeMarkup(markdown: string): string[] {
  const found: string[] = [];
  for (const m of markdown.matchAll(/(?<![\\\w])@[A-Za-z0-9-]+/g)) found.push(`mention ${m[0]}`);
  for (const m of markdown.matchAll(/(?<!\\)#[0-9]+/g)) found.push(`reference ${m[0]}`);
  for (const m of markdown.matchAll(/(?<!\\)!?(?<!\\)\[[^\]]*(?<!\\)\]\(/g)) found.push(`link ${m[0]}`);
  for (const m of markdown.matchAll(/https?:\/\/|www\./g)) found.push(`autolink ${m[0]}`);
  for (const m of markdown.matchAll(/(?<!\\)<[A-Za-z/!]/g)) found.push(`html ${m[0]}`);
  return found;
}

const hostile = [
  'Closes #12, fixes org/repo#3 and resolves GH-4. cc @octocat @org/team',
  '![pixel](https://attacker.example/p.png?u=1) and [click](https://attacker.example)',
  '<img src=x onerror=alert(1)> <details><summary>x</summary></details> <!-- hidden -->',
  'visit www.attacker.example or https://attacker.example/login',
  '# Heading\n> quote\n- [x] task\n1. item',
];

describe('neutraliseText', () => {
  it.each(hostile)('leaves nothing active in %j', text => {
    expect(activeMarkup(neutraliseText(text))).toEqual([]);
    expect(activeMarkup(quoteAiProse(text, 'anthropic claude'))).toEqual([]);
    expect(activeMarkup(neutraliseCell(text))).toEqual([]);
  });

  it('keeps the words readable and redacts', () => {
    const token = ['gh', 'p_', 'A1b2C3d4E5'.repeat(4)].join('');
    const text = neutraliseText(`image tag 1.2.3 not found; token ${token}`);
    expect(text).toBe('image tag 1.2.3 not found; token [REDACTED:github-token]'.replace(/[[\]]/g, c => `\\${c}`));
  });

  it('quotes AI prose line by line with its source', () => {
    expect(quoteAiProse('line one\nline two', 'claude')).toBe('> *AI-written (claude), unverified:*\n>\n> line one\n> line two');
  });
});

describe('codeBlock', () => {
  it('cannot be closed from inside', () => {
    const block = codeBlock('```\n@octocat [x](y)\n```');
    const lines = block.split('\n');
    expect(lines[0]).toBe('```text');
    expect(lines[lines.length - 1]).toBe('```');
    expect(lines.slice(1, -1).some(l => l.startsWith('```'))).toBe(false);
  });
});
