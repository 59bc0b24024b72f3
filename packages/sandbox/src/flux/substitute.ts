/** Flux post-build variable substitution (`${VAR}`, `${VAR:=default}`) on one resource (pure). */

export class SubstitutionError extends Error {}

/**
 * Replaces `${VAR}`, `${VAR:=default}`, `${VAR:-default}` and `${VAR=default}`; `$${VAR}` stays
 * literal `${VAR}`. In strict mode an unset variable without a default is an error.
 */
export function substituteVariables(
  text: string,
  vars: Record<string, string>,
  strict: boolean,
): string {
  return text.replace(
    /\$(\$?)\{([^}]*)\}/g,
    (whole, escaped: string, body: string) => {
      if (escaped) return whole.slice(1);
      const m = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[=-])(.*))?$/s.exec(body);
      if (!m)
        throw new SubstitutionError(
          `envsubst error: unable to parse variable name`,
        );
      const [, name, operator, fallback] = m;
      const value = vars[name];
      if (value !== undefined && !(operator?.startsWith(':') && value === ''))
        return value;
      if (operator !== undefined) return fallback;
      if (strict) {
        throw new SubstitutionError(
          `envsubst error: variable substitution failed: variable not set (strict mode): "${name}"`,
        );
      }
      return '';
    },
  );
}
