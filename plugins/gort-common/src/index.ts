/**
 * Isomorphic pieces of GORT for Backstage: annotations, API types, failure
 * taxonomy and permissions.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './duration';
export * from './isGortAvailable';
export * from './parseAnnotations';
export * from './permissions';
export * from './taxonomy';
export * from './types';
export * from './clusterVerdicts';
