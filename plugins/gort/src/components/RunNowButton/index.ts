export { RunNowButton } from './RunNowButton';
