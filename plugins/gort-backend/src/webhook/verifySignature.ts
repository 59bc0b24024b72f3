import { verify } from '@octokit/webhooks-methods';

const SIGNATURE_FORMAT = /^sha256=[0-9a-f]{64}$/i;

/**
 * Checks GitHub's `X-Hub-Signature-256` over the exact raw body, in constant
 * time. Several secrets may be configured to rotate without downtime.
 */
export async function verifyWebhookSignature(
  secrets: string[],
  rawBody: Buffer,
  signature: string | undefined,
): Promise<boolean> {
  if (!signature || !SIGNATURE_FORMAT.test(signature) || secrets.length === 0) {
    return false;
  }
  const payload = rawBody.toString('utf8');
  for (const secret of secrets) {
    if (await verify(secret, payload, signature.toLowerCase())) {
      return true;
    }
  }
  return false;
}
