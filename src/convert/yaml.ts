// A small YAML subset, enough for DA3's model_config.yaml: block maps, block lists (also at the
// parent key's indentation), flow lists of scalars, comments, and plain / quoted scalars (numbers,
// booleans, null, strings). Anything else (anchors, tags, multi-line strings, tabs) is rejected
// with an Error naming the line.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  readonly number: number;
  readonly indent: number;
  readonly text: string;
}

/** Reject inputs that could only be abuse (a config file is a few KB). */
const MAX_BYTES = 1 << 20;

function fail(line: Line | undefined, message: string): never {
  throw new Error(`yaml: ${line ? `line ${line.number}: ` : ''}${message}`);
}

/** The line without its comment (a # at the start or after a space, outside quotes). */
function stripComment(text: string): string {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || text[i - 1] === ' ')) {
      return text.slice(0, i);
    }
  }
  return text;
}

function scalar(raw: string, line: Line): YamlValue {
  const text = raw.trim();
  if (text.startsWith('"') || text.startsWith("'")) {
    const q = text[0];
    if (text.length < 2 || !text.endsWith(q) || text.slice(1, -1).includes(q)) fail(line, `unterminated or complex quoted string ${text}`);
    return text.slice(1, -1);
  }
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) fail(line, `unterminated flow list ${text}`);
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((item) => {
      if (/[[\]{}]/.test(item)) fail(line, 'nested flow collections are not supported');
      return scalar(item, line);
    });
  }
  if (/^[&*!|>{%@`]/.test(text)) fail(line, `unsupported YAML syntax '${text}'`);
  if (text === '' || text === '~' || text === 'null') return null;
  if (text === 'true' || text === 'True') return true;
  if (text === 'false' || text === 'False') return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  return text;
}

class Parser {
  private pos = 0;
  private readonly lines: Line[];

  constructor(lines: Line[]) {
    this.lines = lines;
  }

  parseDocument(): YamlValue {
    if (this.lines.length === 0) return null;
    const value = this.block(this.lines[0].indent);
    if (this.pos < this.lines.length) fail(this.lines[this.pos], 'unexpected indentation');
    return value;
  }

  /** A map or list whose lines start at exactly `indent`. */
  private block(indent: number): YamlValue {
    const first = this.lines[this.pos];
    if (first.indent !== indent) fail(first, `expected indentation ${indent}, found ${first.indent}`);
    return first.text.startsWith('- ') || first.text === '-' ? this.list(indent) : this.map(indent);
  }

  private list(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos];
      if (line.indent !== indent || !(line.text.startsWith('- ') || line.text === '-')) break;
      const rest = line.text.slice(1).trim();
      if (rest === '' || /^[^'"[][^:]*:(\s|$)/.test(rest)) fail(line, 'lists of maps or nested lists are not supported');
      items.push(scalar(rest, line));
      this.pos++;
    }
    return items;
  }

  private map(indent: number): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = Object.create(null);
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos];
      if (line.indent < indent) break;
      if (line.indent > indent) fail(line, 'unexpected indentation');
      if (line.text.startsWith('- ')) break; // a sibling list item belongs to the caller
      const match = /^([^'"\s:][^:]*?|"[^"]*"|'[^']*'):(\s+(.*))?$/.exec(line.text);
      if (!match) fail(line, `expected 'key: value', found '${line.text}'`);
      const key = String(scalar(match[1], line));
      if (key in out) fail(line, `duplicate key '${key}'`);
      const rest = (match[3] ?? '').trim();
      this.pos++;
      if (rest !== '') {
        out[key] = scalar(rest, line);
        continue;
      }
      const next = this.lines[this.pos];
      const listHere = next !== undefined && next.indent === indent && next.text.startsWith('- ');
      out[key] = next !== undefined && (next.indent > indent || listHere) ? this.block(next.indent) : null;
    }
    return out;
  }
}

/** Parses YAML text (the subset above) into plain values. */
export function parseYaml(text: string): YamlValue {
  if (text.length > MAX_BYTES) fail(undefined, `document is ${text.length} characters, more than the ${MAX_BYTES} accepted`);
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const number = i + 1;
    const body = stripComment(raw).trimEnd();
    if (body.trim() === '' || body === '---') return;
    const indent = body.length - body.trimStart().length;
    if (body.slice(0, indent).includes('\t')) fail({ number, indent, text: body }, 'tabs are not allowed for indentation');
    lines.push({ number, indent, text: body.slice(indent) });
  });
  return new Parser(lines).parseDocument();
}
