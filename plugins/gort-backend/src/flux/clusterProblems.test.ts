import { classifyWatchFailure, clockTime, httpStatusOf } from './clusterProblems';

const since = Date.parse('2026-12-01T10:02:31Z');

describe('cluster problems', () => {
  it('says when a cluster became unreachable, with the network cause', () => {
    const error = Object.assign(new TypeError('fetch failed'), { cause: { message: 'connect ECONNREFUSED 127.0.0.1:18444' } });
    expect(classifyWatchFailure('prod', 'Kustomization', error, since)).toEqual({
      kind: 'unreachable',
      since,
      message: 'cluster prod unreachable since 10:02 UTC (connect ECONNREFUSED 127.0.0.1:18444)',
    });
  });

  it('tells 401 and 403 apart from an unreachable API', () => {
    expect(classifyWatchFailure('prod', 'Kustomization', { code: 401, message: 'HTTP-Code: 401' }, since)).toMatchObject({
      kind: 'unauthorized',
      message: "cluster prod refuses GORT's credentials (401 Unauthorized) since 10:02 UTC",
    });
    expect(classifyWatchFailure('prod', 'Kustomization', { message: 'HTTP-Code: 403 Message: forbidden' }, since)).toMatchObject({
      kind: 'forbidden',
      message: expect.stringContaining('cluster prod forbids GORT to list Kustomization objects (403 Forbidden) since 10:02 UTC'),
    });
  });

  it('reads statuses from client-node and fetch errors', () => {
    expect(httpStatusOf({ code: 403 })).toBe(403);
    expect(httpStatusOf({ statusCode: 401 })).toBe(401);
    expect(httpStatusOf({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })).toBeUndefined();
    expect(clockTime(since)).toBe('10:02 UTC');
  });
});
