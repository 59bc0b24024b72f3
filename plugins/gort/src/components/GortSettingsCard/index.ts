export { GortSettingsCard } from './GortSettingsCard';
