import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import gortPlugin from '@gort-backstage/plugin-gort/alpha';
import { navModule } from './modules/nav';

/*
 * `app.packages: all` (app-config.yaml) also discovers these plugins; the app
 * names the ones GORT needs so that it works without discovery too (tests).
 * A plugin listed here and discovered is installed once. Signals come from
 * `@backstage/plugin-signals/alpha`, which provides the signal API: the app
 * must not provide that API itself (API_FACTORY_CONFLICT at startup). The
 * notifications plugin brings its page (/notifications) and API the same way:
 * GORT's run notifications land there.
 */
export default createApp({
  features: [catalogPlugin, gortPlugin, signalsPlugin, notificationsPlugin, navModule],
});
