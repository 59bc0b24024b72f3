export * from './objects';
export { ObjectIndex } from './objectIndex';
export { parseManifests, ManifestParseError } from './manifests';
