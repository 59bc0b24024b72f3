import { marker } from './tokens';

const SECRET_DATA = marker('secret-data');
const YAML_SECRET_KIND = /^kind:[ \t]*["']?Secret["']?[ \t]*$/m;
const JSON_SECRET_KIND = /\\?"kind\\?"[ \t]*:[ \t]*\\?"Secret\\?"/;
const DATA_BLOCK_START = /^([ \t]*)(data|stringData):[ \t]*(.*)$/;
const JSON_DATA_OBJECT =
  /(\\?"(?:data|stringData)\\?"[ \t]*:[ \t]*\{)([^{}]{0,200000})(\})/g;
const JSON_DATA_ENTRY =
  /(\\?"[^"\\]{1,253}\\?"[ \t]*:[ \t]*)(\\?")[^"\\]{0,100000}\\?"/g;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Blanks the values under `data:` / `stringData:` of a YAML Secret document. */
function redactYamlSecretData(doc: string): string {
  const out: string[] = [];
  let blockIndent = -1;
  let entryIndent = -1;
  let skippingScalarIndent = -1;
  for (const line of doc.split('\n')) {
    const indent = indentOf(line);
    const blank = line.trim() === '';
    if (skippingScalarIndent >= 0) {
      if (blank || indent > skippingScalarIndent) continue;
      skippingScalarIndent = -1;
    }
    if (blockIndent >= 0 && !blank && indent <= blockIndent) {
      blockIndent = -1;
    }
    if (blockIndent < 0) {
      const start = DATA_BLOCK_START.exec(line);
      if (start) {
        const inline = start[3].trim();
        if (inline === '' || inline.startsWith('#')) {
          blockIndent = start[1].length;
          entryIndent = -1;
          out.push(line);
        } else {
          out.push(
            `${start[1]}${start[2]}: ${
              inline.startsWith('{') ? `{${SECRET_DATA}}` : SECRET_DATA
            }`,
          );
        }
        continue;
      }
      out.push(line);
      continue;
    }
    if (blank) {
      out.push(line);
      continue;
    }
    if (entryIndent < 0) entryIndent = indent;
    const entry = /^([ \t]*)([^:#\s][^:]{0,252}):(?:[ \t]+(.*))?$/.exec(line);
    if (indent === entryIndent && entry) {
      out.push(`${entry[1]}${entry[2]}: ${SECRET_DATA}`);
      const value = (entry[3] ?? '').trim();
      if (value === '' || value.startsWith('|') || value.startsWith('>'))
        skippingScalarIndent = indent;
      continue;
    }
    // Anything else inside the block (continuation lines of a folded value).
    out.push(`${' '.repeat(indent)}${SECRET_DATA}`);
  }
  return out.join('\n');
}

/** Blanks `"data": {…}` values of a Secret printed as JSON (also inside last-applied annotations). */
function redactJsonSecretData(text: string): string {
  return text.replace(
    JSON_DATA_OBJECT,
    (_whole, open: string, body: string, close: string) => {
      const redacted = body.replace(
        JSON_DATA_ENTRY,
        (_entry, key: string, quote: string) =>
          `${key}${quote}${SECRET_DATA}${quote}`,
      );
      return `${open}${redacted}${close}`;
    },
  );
}

/** Redacts the data of Kubernetes Secret manifests found in YAML or JSON text. */
export function redactSecretManifests(text: string): string {
  if (!YAML_SECRET_KIND.test(text) && !JSON_SECRET_KIND.test(text)) return text;
  return text
    .split(/^(?=---)/m)
    .map(doc => {
      let result = doc;
      if (YAML_SECRET_KIND.test(result)) result = redactYamlSecretData(result);
      if (JSON_SECRET_KIND.test(result)) result = redactJsonSecretData(result);
      return result;
    })
    .join('');
}
