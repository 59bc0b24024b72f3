export { AnnotationProblems } from './AnnotationProblems';
