import { explainMessage } from './explain';
import { explainObjects, TargetNotFoundError } from './diagnose';
import {
  gitRepository,
  helmRelease,
  kustomization,
} from './__testUtils__/builders';

describe('explainMessage', () => {
  it('shows the matched rule, its upstream templates and the captured fields', () => {
    const out = explainMessage({
      message:
        'Deployment/apps/web dry-run failed (Forbidden): deployments.apps "web" is forbidden: User "system:serviceaccount:apps:flux" cannot patch resource "deployments" in API group "apps" in the namespace "apps"',
      reason: 'ReconciliationFailed',
      scope: 'kustomization',
      subject: 'Kustomization/apps/shop',
    });
    expect(out.matched).toMatchObject({
      name: 'rbac-forbidden',
      category: 'rbac-forbidden',
      captures: { user: 'system:serviceaccount:apps:flux', verb: 'patch' },
    });
    expect(out.matched?.templates[0].source).toMatch(
      /^[\w-]+\/[\w.-]+@[0-9a-f]{40}:[^#]+#L\d+$/,
    );
    expect(out.matched?.templates.map(t => t.fragment)).toContain(
      'cannot %s resource %q in API group %q',
    );
    // The broad "is forbidden" rule would match too; it comes later.
    expect(out.candidates).toContainEqual(
      expect.objectContaining({
        name: 'forbidden',
        order: 'after',
        outcome: 'matched',
      }),
    );
  });

  it('says why a more specific rule did not fire', () => {
    const out = explainMessage({
      message:
        "failed to checkout and determine revision: unable to clone 'https://git.example.org/x': authentication required",
      reason: 'ArtifactFailed',
      scope: 'kustomization',
      subject: 'Kustomization/apps/shop',
    });
    expect(out.matched?.name).toBe('reason:ArtifactFailed');
    expect(out.candidates).toContainEqual(
      expect.objectContaining({
        name: 'git-auth',
        order: 'before',
        outcome: 'scope',
        why: 'applies to source objects, not kustomization',
      }),
    );
  });

  it('names the outer rule when a quoted error decided the category', () => {
    const out = explainMessage({
      message:
        'HelmRelease \'shop/cart\' failed: install retries exhausted: Unable to continue with install: ServiceAccount "cart" in namespace "shop" exists and cannot be imported into the current release: invalid ownership metadata',
      scope: 'helmrelease',
      subject: 'HelmRelease/shop/cart',
    });
    expect(out.matched).not.toBeNull();
    expect(out.normalisedMessage).not.toMatch(/\n/);
  });

  it('returns matched: null and still lists nothing misleading for an unknown message', () => {
    const out = explainMessage({
      message: 'the weather is nice',
      scope: 'kustomization',
      subject: 'Kustomization/apps/shop',
    });
    expect(out.matched).toBeNull();
    expect(out.candidates.every(c => c.order === 'before')).toBe(true);
  });

  it('produces plain JSON', () => {
    const out = explainMessage({
      message:
        'kustomization path not found: stat /tmp/kustomization-1/apps: no such file or directory',
      reason: 'ArtifactFailed',
      scope: 'kustomization',
      subject: 'Kustomization/apps/shop',
    });
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });
});

describe('explainObjects', () => {
  it('explains every condition diagnosis reads, in order', () => {
    const release = helmRelease('cart', {
      namespace: 'shop',
      reason: 'RollbackSucceeded',
      message: 'Helm rollback to previous release shop/cart.v3 succeeded',
    });
    const objects = [
      {
        ...release,
        status: {
          ...release.status,
          conditions: [
            ...(release.status?.conditions ?? []),
            {
              type: 'Released',
              status: 'False',
              reason: 'UpgradeFailed',
              message:
                'Helm upgrade failed for release shop/cart with chart cart@2.0.0: cannot patch "cart" with kind Deployment: Deployment.apps "cart" is invalid: spec.selector: Invalid value: v1.LabelSelector{}: field is immutable',
            },
          ],
        },
      },
    ];
    const [explained] = explainObjects(objects, 'HelmRelease/shop/cart');
    expect(explained.object).toBe('HelmRelease/shop/cart');
    expect(explained.conditions[0].source).toBe(
      'HelmRelease/shop/cart condition Released',
    );
    expect(explained.conditions[0].matched?.category).toBe('immutable-field');
  });

  it('explains every failing Flux object without a target', () => {
    const objects = [
      gitRepository('platform', {
        reason: 'GitOperationFailed',
        message:
          "failed to checkout and determine revision: unable to clone 'https://git.example.org/team/old': repository not found",
      }),
      kustomization('ok', {
        namespace: 'apps',
        ready: 'True',
        reason: 'ReconciliationSucceeded',
        message: 'Applied revision: main@sha1:0123abc',
      }),
    ];
    const out = explainObjects(objects);
    expect(out.map(o => o.object)).toEqual([
      'GitRepository/flux-system/platform',
    ]);
  });

  it('throws TargetNotFoundError for an unknown target', () => {
    expect(() => explainObjects([], 'Kustomization/apps/missing')).toThrow(
      TargetNotFoundError,
    );
  });
});
