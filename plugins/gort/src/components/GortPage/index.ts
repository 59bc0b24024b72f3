export { GortPage, GortPageContent } from './GortPage';
