export { NotFollowed } from './NotFollowed';
