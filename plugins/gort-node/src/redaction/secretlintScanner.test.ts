import { redactThoroughly, SecretlintScanner } from './secretlintScanner';
import { chars, seededRandom } from './__testUtils__/secretTemplates';

const random = seededRandom(1414);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

describe('redactThoroughly (secretlint preset in a worker, plus our detectors)', () => {
  const scanner = new SecretlintScanner();
  afterAll(() => scanner.stop());

  it('removes formats only the maintained preset knows', async () => {
    // Linear API keys: `lin_api_` and 40 alphanumerics (secretlint-rule-linear).
    const linear = ['lin', '_api_', chars(random, ALNUM, 40)].join('');
    // Grafana service account tokens: `glsa_`, 32 alphanumerics, `_`, 8 hex.
    const grafana = ['gl', 'sa_', chars(random, ALNUM, 32), '_', chars(random, '0123456789abcdef', 8)].join('');
    const result = await redactThoroughly(`linear ${linear}\ngrafana ${grafana}\n`, scanner);
    expect(result).not.toContain(linear);
    expect(result).not.toContain(grafana);
  });

  it('keeps our finer URL redaction where both find the same password', async () => {
    const result = await redactThoroughly("unable to clone 'https://bot:S3cr3t@git.example.org/x.git'", scanner);
    expect(result).toBe("unable to clone 'https://bot:[REDACTED:url-password]@git.example.org/x.git'");
  });

  it('withholds the text when the scan cannot run', async () => {
    const broken = { scan: () => Promise.reject(new Error('worker died')) };
    expect(await redactThoroughly('anything', broken)).toBe('[REDACTED:unscanned] (worker died)');
  });
});
