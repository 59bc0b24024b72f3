/** Whether a driver error is a unique-key violation (PostgreSQL, SQLite, MySQL). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  return (
    code === '23505' ||
    code.startsWith('SQLITE_CONSTRAINT') ||
    code === 'ER_DUP_ENTRY'
  );
}
