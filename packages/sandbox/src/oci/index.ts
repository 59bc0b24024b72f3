export {
  startOciRegistry,
  OciRegistryStore,
  OCI_MANIFEST_MEDIA_TYPE,
} from './registry';
export type { OciRegistryServer, OciManifest } from './registry';
export {
  pushArtifact,
  FLUX_CONFIG_MEDIA_TYPE,
  FLUX_CONTENT_MEDIA_TYPE,
  OCI_CREATED_ANNOTATION,
  OCI_REVISION_ANNOTATION,
  OCI_SOURCE_ANNOTATION,
} from './pushArtifact';
export type { PushArtifactOptions } from './pushArtifact';
