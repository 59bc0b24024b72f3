import { matchGitHttpRoute, parseAuthorizationHeader, parseCgiHead } from './cgi';

describe('CGI and smart HTTP helpers', () => {
  it('parses the CGI header block and finds the body', () => {
    const output = Buffer.from('Status: 403 Forbidden\r\nContent-Type: text/plain\r\nExpires: x\r\n\r\nbody');
    const head = parseCgiHead(output)!;
    expect(head.status).toBe(403);
    expect(head.headers).toEqual([['Content-Type', 'text/plain'], ['Expires', 'x']]);
    expect(output.subarray(head.bodyOffset).toString()).toBe('body');
    expect(parseCgiHead(Buffer.from('Content-Type: text/plain\n\n'))?.status).toBe(200);
    expect(parseCgiHead(Buffer.from('Content-Type: text/pl'))).toBeUndefined();
  });

  it('reads basic, token and bearer credentials', () => {
    const basic = `Basic ${Buffer.from('x-access-token:s3cr:et').toString('base64')}`;
    expect(parseAuthorizationHeader(basic)).toEqual({ username: 'x-access-token', password: 's3cr:et' });
    expect(parseAuthorizationHeader('token abc')).toEqual({ username: 'token', password: 'abc' });
    expect(parseAuthorizationHeader('Bearer abc')).toEqual({ username: 'token', password: 'abc' });
    expect(parseAuthorizationHeader('Digest abc')).toBeUndefined();
    expect(parseAuthorizationHeader('token')).toBeUndefined();
    expect(parseAuthorizationHeader(undefined)).toBeUndefined();
  });

  it('recognises only smart HTTP routes', () => {
    const query = (value: string) => new URLSearchParams(value);
    expect(matchGitHttpRoute('GET', '/acme/app.git/info/refs', query('service=git-upload-pack'))).toEqual({
      owner: 'acme',
      repo: 'app',
      service: 'git-upload-pack',
      action: 'info/refs',
    });
    expect(matchGitHttpRoute('POST', '/acme/app/git-receive-pack', query(''))).toMatchObject({ repo: 'app', service: 'git-receive-pack' });
    expect(matchGitHttpRoute('GET', '/acme/app.git/info/refs', query(''))).toBeUndefined();
    expect(matchGitHttpRoute('GET', '/acme/app.git/git-upload-pack', query(''))).toBeUndefined();
    expect(matchGitHttpRoute('GET', '/repos/acme/app', query(''))).toBeUndefined();
  });
});
