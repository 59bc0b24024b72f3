export { LatestPush } from './LatestPush';
