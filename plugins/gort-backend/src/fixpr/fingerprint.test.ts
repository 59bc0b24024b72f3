import { failureFingerprint, normaliseFailureMessage } from './fingerprint';

describe('normaliseFailureMessage', () => {
  it('strips SHAs, pod hashes, durations and numbers', () => {
    const normalised = normaliseFailureMessage(
      'health check failed after 5m0.037s at main@sha1:3f9c2a7be1d04c5f8e6a9b0c1d2e3f4a5b6c7d8e: Pod podinfo-7d9f8c6b5-x2k4q restarts 5',
    );
    expect(normalised).not.toMatch(/\d/);
    expect(normalised).toContain('<sha>');
    expect(normalised).toContain('pod podinfo-<pod> restarts <n>');
  });
});

describe('failureFingerprint', () => {
  const entity = 'component:default/podinfo';
  it('is equal for the same failure at another commit and pod', () => {
    expect(failureFingerprint(entity, 'image-pull', 'Back-off pulling image for podinfo-7d9f8c6b5-x2k4q at 3f9c2a7b')).toBe(
      failureFingerprint(entity, 'image-pull', 'Back-off pulling image for podinfo-5c6d7e8f9-abcde at 9a8b7c6d'),
    );
  });
  it('differs by category and entity', () => {
    const a = failureFingerprint(entity, 'image-pull', 'x');
    expect(failureFingerprint(entity, 'oom-killed', 'x')).not.toBe(a);
    expect(failureFingerprint('component:default/other', 'image-pull', 'x')).not.toBe(a);
  });
});

describe('pod names', () => {
  it('normalise Deployment and StatefulSet-less pod names alike', () => {
    expect(normaliseFailureMessage('pod podinfo-7d9f8c6b5-x2k4q failed')).toBe('pod podinfo-<pod> failed');
    expect(normaliseFailureMessage('pod podinfo-7d9f8c6b5-zz9k1 failed')).toBe('pod podinfo-<pod> failed');
    expect(normaliseFailureMessage('job migrate-x7k2p failed')).toBe('job migrate-<pod> failed');
    expect(normaliseFailureMessage('namespace flux-system')).toBe('namespace flux-system');
  });
});
