import { createPublicKey, generateKeyPairSync, KeyObject, randomBytes, verify } from 'node:crypto';

/**
 * GitHub App authentication, as GitHub documents it:
 * - the app signs a JWT with its private key (RS256), `iss` its app id (or
 *   client id), `iat` and `exp` no more than 10 minutes apart
 *   (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app);
 * - with that JWT it lists its installations and asks for an installation
 *   access token, valid for one hour
 *   (https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app);
 * - the installation token then authenticates REST calls as the app
 *   (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation).
 */

export interface SandboxGitHubApp {
  appId: number;
  slug: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  /** PKCS#1 PEM, as GitHub hands it out when you generate a private key. */
  privateKey: string;
}

export interface AppInstallation {
  id: number;
  account: string;
}

export type Principal =
  | { kind: 'user' }
  | { kind: 'app'; appId: number }
  | { kind: 'installation'; appId: number; installationId: number; account: string };

/** One hour, as GitHub's installation tokens. */
const INSTALLATION_TOKEN_TTL_MS = 60 * 60 * 1000;
/** GitHub refuses a JWT whose `exp` is more than 10 minutes in the future. */
const MAX_JWT_LIFETIME_S = 10 * 60;
/** Clock drift allowed on `iat` and `exp` (GitHub recommends back-dating `iat` by 60 s). */
const CLOCK_SKEW_S = 60;

export class JwtRejected extends Error {
  readonly name = 'JwtRejected';
}

function base64UrlJson(part: string): Record<string, unknown> {
  const parsed = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new JwtRejected('not a JSON object');
  return parsed as Record<string, unknown>;
}

/** Whether a bearer credential has the shape of a JWT (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** Verifies an app JWT (RS256 signature, issuer, lifetime); throws {@link JwtRejected}. */
export function verifyAppJwt(token: string, app: { appId: number; clientId: string; publicKey: KeyObject }, nowMs = Date.now()): void {
  const [headerPart, payloadPart, signaturePart] = token.split('.');
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = base64UrlJson(headerPart);
    payload = base64UrlJson(payloadPart);
  } catch {
    throw new JwtRejected('A JSON web token could not be decoded');
  }
  if (header.alg !== 'RS256') throw new JwtRejected(`'${String(header.alg)}' is not a supported signing algorithm`);
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  if (!verify('RSA-SHA256', signed, app.publicKey, Buffer.from(signaturePart, 'base64url'))) {
    throw new JwtRejected('A JSON web token could not be decoded');
  }
  const iss = String(payload.iss ?? '');
  if (iss !== String(app.appId) && iss !== app.clientId) throw new JwtRejected("'Issuer' claim ('iss') must be an Integer");
  const now = Math.floor(nowMs / 1000);
  const iat = Number(payload.iat);
  const exp = Number(payload.exp);
  if (!Number.isFinite(iat) || !Number.isFinite(exp)) throw new JwtRejected('Missing \'issued at\' or \'expiration time\' claim');
  if (iat > now + CLOCK_SKEW_S) throw new JwtRejected("'Issued at' claim ('iat') must be an Integer representing a time in the past");
  if (exp <= now - CLOCK_SKEW_S) throw new JwtRejected("'Expiration time' claim ('exp') is too far in the past");
  if (exp - now > MAX_JWT_LIFETIME_S + CLOCK_SKEW_S) throw new JwtRejected("'Expiration time' claim ('exp') is too far in the future");
}

/** The sandbox's one GitHub App, its installations and the installation tokens it issued. */
export class AppAuthority {
  readonly app: SandboxGitHubApp;
  private readonly publicKey: KeyObject;
  private readonly tokens = new Map<string, { installation: AppInstallation; expiresAt: number }>();
  private installed: AppInstallation[];

  constructor(options: { appId?: number; slug?: string; installedOn: string[] }) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const appId = options.appId ?? 4242;
    this.app = {
      appId,
      slug: options.slug ?? 'gort-sandbox',
      clientId: `Iv1.${randomBytes(8).toString('hex')}`,
      clientSecret: randomBytes(20).toString('hex'),
      webhookSecret: randomBytes(16).toString('hex'),
      privateKey,
    };
    this.publicKey = createPublicKey(publicKey);
    this.installed = options.installedOn.map((account, index) => ({ id: appId * 100 + index + 1, account }));
  }

  installations(): AppInstallation[] {
    return [...this.installed];
  }

  /** Installs the app on one more account, or (false) removes it and revokes its tokens. */
  setInstalled(account: string, installed: boolean): void {
    const existing = this.installed.find(i => i.account.toLowerCase() === account.toLowerCase());
    if (installed && !existing) {
      this.installed.push({ id: this.app.appId * 100 + this.installed.length + 1, account });
    } else if (!installed && existing) {
      this.installed = this.installed.filter(i => i !== existing);
      for (const [token, entry] of this.tokens) if (entry.installation.id === existing.id) this.tokens.delete(token);
    }
  }

  verifyJwt(token: string): Principal {
    verifyAppJwt(token, { appId: this.app.appId, clientId: this.app.clientId, publicKey: this.publicKey });
    return { kind: 'app', appId: this.app.appId };
  }

  issueToken(installationId: number): { token: string; expiresAt: number; installation: AppInstallation } | undefined {
    const installation = this.installed.find(i => i.id === installationId);
    if (!installation) return undefined;
    // ghs_ is the prefix of installation tokens (https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/)
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expiresAt = Date.now() + INSTALLATION_TOKEN_TTL_MS;
    this.tokens.set(token, { installation, expiresAt });
    return { token, expiresAt, installation };
  }

  /** The installation an unexpired installation token belongs to. */
  installationFor(token: string): Principal | undefined {
    const entry = this.tokens.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return { kind: 'installation', appId: this.app.appId, installationId: entry.installation.id, account: entry.installation.account };
  }
}
