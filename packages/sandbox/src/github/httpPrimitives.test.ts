import { paginate } from './pagination';
import { RateLimiter } from './rateLimit';
import { Router } from './router';
import { parseBasehead } from './routes/compare';

describe('router', () => {
  const router = new Router<string>()
    .add('GET', '/repos/:owner/:repo/git/ref/*ref', 'getRef')
    .add('GET', '/repos/:owner/:repo', 'getRepo');

  it('matches segments and decodes encoded slashes inside wildcard parameters', () => {
    expect(router.match('GET', '/repos/acme/app/git/ref/heads%2Ffeature%2Fx')).toEqual({
      handler: 'getRef',
      params: { owner: 'acme', repo: 'app', ref: 'heads/feature/x' },
    });
    expect(router.match('GET', '/repos/acme/app/git/ref/heads/main')).toMatchObject({ params: { ref: 'heads/main' } });
    expect(router.match('DELETE', '/repos/acme/app')).toBe('methodNotAllowed');
    expect(router.match('GET', '/repos/acme')).toBeUndefined();
    expect(router.match('GET', '/repos/acme/app/git/ref')).toBeUndefined();
  });
});

describe('pagination', () => {
  it('slices pages and links prev/next/last/first', () => {
    const items = Array.from({ length: 7 }, (_, index) => index);
    const page = paginate(items, new URL('http://h/x?per_page=3&page=2&state=all'));
    expect(page.items).toEqual([3, 4, 5]);
    expect(page.link).toBe(
      [
        '<http://h/x?per_page=3&page=1&state=all>; rel="prev"',
        '<http://h/x?per_page=3&page=3&state=all>; rel="next"',
        '<http://h/x?per_page=3&page=3&state=all>; rel="last"',
        '<http://h/x?per_page=3&page=1&state=all>; rel="first"',
      ].join(', '),
    );
    expect(paginate(items, new URL('http://h/x')).link).toBeUndefined();
    expect(paginate(items, new URL('http://h/x?per_page=5000&page=-3')).items).toHaveLength(7);
  });
});

describe('rate limiter', () => {
  it('counts requests and injects the requested number of rejections', () => {
    const limiter = new RateLimiter();
    expect(limiter.consume(0)['x-ratelimit-remaining']).toBe('4999');
    limiter.simulate({ count: 1, kind: 'secondary', retryAfterSeconds: 7 });
    expect(() => limiter.consume(0)).toThrow(expect.objectContaining({ status: 403, headers: expect.objectContaining({ 'retry-after': '7' }) }));
    expect(limiter.consume(0)['x-ratelimit-remaining']).toBe('4998');
  });
});

describe('compare basehead', () => {
  it('splits base...head and drops owner prefixes', () => {
    expect(parseBasehead('main...feature/x')).toEqual({ base: 'main', head: 'feature/x' });
    expect(parseBasehead('acme:main...acme:fix')).toEqual({ base: 'main', head: 'fix' });
    expect(parseBasehead('main..fix')).toEqual({ base: 'main', head: 'fix' });
    expect(parseBasehead('main')).toBeUndefined();
  });
});
