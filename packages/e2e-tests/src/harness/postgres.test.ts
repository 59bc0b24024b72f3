import {
  choosePostgres,
  LOCAL_POSTGRES,
  PG_ENV,
  PG_SKIP_REASON_ENV,
  postgresSkipReason,
  printable,
} from './postgres';

const answers = (version: string) => async () => version;
const refuses = async () => {
  throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
};

describe('choosePostgres', () => {
  it('uses the server the variable names', async () => {
    const cs = 'postgresql://ci:secret@db.internal:5433';
    await expect(
      choosePostgres({ [PG_ENV]: cs }, answers('15.8')),
    ).resolves.toEqual({
      kind: 'available',
      connectionString: cs,
      source: 'env',
      serverVersion: '15.8',
    });
  });

  it('fails, rather than skipping, when the named server does not answer', async () => {
    await expect(
      choosePostgres({ [PG_ENV]: 'postgresql://u:pw@nowhere:5432' }, refuses),
    ).rejects.toThrow(
      /is set \(postgresql:\/\/u:\*\*\*@nowhere:5432\) but PostgreSQL does not answer there/,
    );
  });

  it('falls back to a server answering on 127.0.0.1:5432', async () => {
    const tried: string[] = [];
    const choice = await choosePostgres({}, async cs => {
      tried.push(cs);
      return '15.10';
    });
    expect(tried).toEqual([LOCAL_POSTGRES]);
    expect(choice).toMatchObject({
      kind: 'available',
      source: 'local',
      connectionString: LOCAL_POSTGRES,
    });
  });

  it('gives the reason when there is none', async () => {
    await expect(choosePostgres({}, refuses)).resolves.toEqual({
      kind: 'missing',
      reason: expect.stringMatching(
        /not set and no PostgreSQL answers on 127\.0\.0\.1:5432 \(Error: connect ECONNREFUSED/,
      ),
    });
  });
});

describe('postgresSkipReason', () => {
  it('is undefined once a server was chosen', () => {
    expect(postgresSkipReason({ [PG_ENV]: LOCAL_POSTGRES })).toBeUndefined();
  });

  it('passes on the global setup reason', () => {
    expect(postgresSkipReason({ [PG_SKIP_REASON_ENV]: 'no server' })).toBe(
      'no server',
    );
  });
});

describe('printable', () => {
  it('masks the password only', () => {
    expect(printable('postgresql://me:hunter2@host:5432/db')).toBe(
      'postgresql://me:***@host:5432/db',
    );
    expect(printable(LOCAL_POSTGRES)).toBe(LOCAL_POSTGRES);
  });
});
