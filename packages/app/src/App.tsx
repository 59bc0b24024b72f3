import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import gortPlugin from '@gort-backstage/plugin-gort/alpha';
import { navModule } from './modules/nav';
import { signalsModule } from './modules/signals';

export default createApp({
  features: [catalogPlugin, gortPlugin, navModule, signalsModule],
});
