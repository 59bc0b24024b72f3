import { sign } from '@octokit/webhooks-methods';
import { verifyWebhookSignature } from './verifySignature';

describe('verifyWebhookSignature', () => {
  const body = Buffer.from('{"zen":"Design for failure.","hook_id":1}');

  it('accepts GitHub signatures made with any configured secret', async () => {
    expect(await verifyWebhookSignature(['s3cret'], body, await sign('s3cret', body.toString()))).toBe(true);
    expect(await verifyWebhookSignature(['old', 'new'], body, await sign('new', body.toString()))).toBe(true);
  });

  it('rejects wrong, missing, malformed and re-serialised signatures', async () => {
    const good = await sign('s3cret', body.toString());
    expect(await verifyWebhookSignature(['other'], body, good)).toBe(false);
    expect(await verifyWebhookSignature(['s3cret'], body, undefined)).toBe(false);
    expect(await verifyWebhookSignature(['s3cret'], body, 'sha1=abc')).toBe(false);
    expect(await verifyWebhookSignature([], body, good)).toBe(false);
    // The same JSON with other whitespace is another body: the signature covers bytes.
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));
    expect(await verifyWebhookSignature(['s3cret'], reformatted, good)).toBe(false);
  });
});
