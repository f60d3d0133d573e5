/**
 * `diff -u` output (GNU layout, 3 lines of context) of two texts, computed with Myers' O(ND)
 * algorithm. Returns '' when the texts are equal.
 */

type Op = { kind: ' ' | '-' | '+'; line: string; aIdx: number; bIdx: number };

interface Lines {
  lines: string[];
  /** The last line has no final newline. */
  noEol: boolean;
}

function toLines(text: string): Lines {
  if (text === '') return { lines: [], noEol: false };
  const noEol = !text.endsWith('\n');
  const body = noEol ? text : text.slice(0, -1);
  return { lines: body.split('\n'), noEol };
}

/** Shortest edit script between a and b (lines compared with their end-of-line state). */
function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v: Int32Array = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0))) {
        x = v[offset + k + 1] ?? 0;
      } else {
        x = (v[offset + k - 1] ?? 0) + 1;
      }
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
    if (done) trace.push(v.slice());
  }
  // Backtrack.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0; d--) {
    v = trace[d] ?? v;
    const k = x - y;
    let prevK: number;
    if (k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0))) {
      prevK = k + 1;
    } else {
      prevK = k - 1;
    }
    const prevX = v[offset + prevK] ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: ' ', line: a[x] ?? '', aIdx: x, bIdx: y });
    }
    if (d === 0) break;
    if (x === prevX) {
      y--;
      ops.push({ kind: '+', line: b[y] ?? '', aIdx: x, bIdx: y });
    } else {
      x--;
      ops.push({ kind: '-', line: a[x] ?? '', aIdx: x, bIdx: y });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    ops.push({ kind: ' ', line: a[x] ?? '', aIdx: x, bIdx: y });
  }
  return ops.reverse();
}

function range(start: number, count: number): string {
  if (count === 0) return `${start},0`;
  if (count === 1) return `${start + 1}`;
  return `${start + 1},${count}`;
}

const noEolMarker = '\\ No newline at end of file';

export function unifiedDiff(
  oldText: string,
  newText: string,
  oldLabel: string,
  newLabel: string,
  context = 3,
): string {
  if (oldText === newText) return '';
  const a = toLines(oldText);
  const b = toLines(newText);
  // Mark a missing final newline into the last line so it compares unequal.
  const key = (l: Lines) =>
    l.lines.map((s, i) => (l.noEol && i === l.lines.length - 1 ? `${s}\u0000noeol` : s));
  const ops = myers(key(a), key(b));
  const changes = ops.map((o, i) => (o.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  let out = `--- ${oldLabel}\n+++ ${newLabel}\n`;
  let i = 0;
  while (i < changes.length) {
    const first = changes[i] ?? 0;
    let last = first;
    while (i + 1 < changes.length && (changes[i + 1] ?? 0) - last <= 2 * context + 1) {
      i++;
      last = changes[i] ?? last;
    }
    i++;
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length - 1, last + context);
    const hunk = ops.slice(start, end + 1);
    const aStart = hunk.find((o) => o.kind !== '+')?.aIdx ?? hunk[0]?.aIdx ?? 0;
    const bStart = hunk.find((o) => o.kind !== '-')?.bIdx ?? hunk[0]?.bIdx ?? 0;
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    out += `@@ -${range(aCount === 0 ? aStart : aStart, aCount)} +${range(bStart, bCount)} @@\n`;
    for (const o of hunk) {
      const text = o.line.endsWith('\u0000noeol') ? o.line.slice(0, -6) : o.line;
      out += `${o.kind}${text}\n`;
      if (text !== o.line) out += `${noEolMarker}\n`;
    }
  }
  return out;
}
