import {
  ANNOTATION_FLUX_APP,
  ANNOTATION_MODE,
  ANNOTATION_TARGET_REPO,
} from '@gort-backstage/plugin-gort-common';

/** catalog-info.yaml lines that make GORT follow an entity. */
export const EXAMPLE_ANNOTATIONS = `metadata:
  annotations:
    # [cluster:][Kind/]namespace/name, comma-separated; Kind defaults to Kustomization
    ${ANNOTATION_FLUX_APP}: flux-system/podinfo, HelmRelease/apps/podinfo
    # owner/repo whose pushes Flux deploys (default: github.com/project-slug)
    ${ANNOTATION_TARGET_REPO}: acme/podinfo-gitops
    # fix-pr (default), diagnose-only or off
    ${ANNOTATION_MODE}: fix-pr`;
