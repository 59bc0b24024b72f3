import { bootAppTo, setAppConfig } from './testing/bootApp';

describe('App', () => {
  it('boots to sign-in with the GORT plugin installed', async () => {
    setAppConfig({});
    await bootAppTo(/Enter as a Guest User/);
  });
});
