export * from './GortFollowUps';
export * from './createGortFollowUps';
