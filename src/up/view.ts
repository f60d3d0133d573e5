/**
 * The terminal side of the progress: on a TTY a block of rows redrawn in place with a spinner
 * (ANSI cursor movement; colours unless NO_COLOR), otherwise plain lines printed only when a row
 * changes. Messages (`log`) are printed above the live block.
 */
import type { Writable } from 'node:stream';
import { formatRow, plainLine, rowName, summarize, type PackageRow } from './progress.js';

export interface ProgressViewOptions {
  out: Writable;
  /** Redraw in place with a spinner (default: `out.isTTY`). */
  tty?: boolean | undefined;
  /** Colours (default: on a TTY unless NO_COLOR is set). */
  color?: boolean | undefined;
  /** Spinner period (default 100 ms). */
  frameMs?: number | undefined;
  /** Terminal width (default: `out.columns`, else 100). */
  columns?: () => number;
}

export class ProgressView {
  private readonly out: Writable;
  private readonly tty: boolean;
  private readonly color: boolean;
  private readonly columns: () => number;
  private rows: PackageRow[] = [];
  private readonly printed = new Map<string, string>();
  private drawnLines = 0;
  private drawnText = '';
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private allAvailable = false;
  private stopped = false;

  constructor(opts: ProgressViewOptions) {
    this.out = opts.out;
    const isTty = (opts.out as { isTTY?: boolean }).isTTY === true;
    this.tty = opts.tty ?? isTty;
    const noColor = (process.env.NO_COLOR ?? '') !== '';
    this.color = opts.color ?? (this.tty && !noColor);
    this.columns = opts.columns ?? (() => (opts.out as { columns?: number }).columns || 100);
    if (this.tty) {
      this.out.write('\x1b[?25l'); // hide the cursor while redrawing
      this.timer = setInterval(() => {
        this.frame += 1;
        this.draw();
      }, opts.frameMs ?? 100);
      this.timer.unref();
    }
  }

  /** New rows (all packages). */
  update(rows: readonly PackageRow[]): void {
    if (this.stopped) return;
    this.rows = [...rows];
    if (this.tty) this.draw();
    else this.printChanges();
    const s = summarize(this.rows);
    const all = s.total > 0 && s.available === s.total;
    if (all && !this.allAvailable) this.log(`all ${s.total} packages Available`);
    this.allAvailable = all;
  }

  /** A line above the progress block. */
  log(line: string): void {
    if (this.stopped) {
      this.out.write(`${line}\n`);
      return;
    }
    if (this.tty) {
      this.clear();
      this.out.write(`${line}\n`);
      this.draw();
    } else this.out.write(`${line}\n`);
  }

  /** Leaves the last state on screen and restores the cursor. */
  stop(): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.tty) {
      this.draw(true);
      this.out.write('\x1b[?25h');
    }
    this.stopped = true;
  }

  private printChanges(): void {
    const seen = new Set<string>();
    for (const r of this.rows) {
      seen.add(r.key);
      const line = plainLine(r);
      if (this.printed.get(r.key) === line) continue;
      this.printed.set(r.key, line);
      this.out.write(`${line}\n`);
    }
    for (const [key, line] of this.printed) {
      if (seen.has(key)) continue;
      this.printed.delete(key);
      this.out.write(`${line.slice(0, line.indexOf(':'))}: deleted\n`);
    }
  }

  private clear(): void {
    if (this.drawnLines === 0) return;
    this.out.write(`\x1b[${this.drawnLines}A\r\x1b[J`);
    this.drawnLines = 0;
    this.drawnText = '';
  }

  private draw(final = false): void {
    if (this.stopped) return;
    const width = Math.max(20, this.columns() - 1);
    const nameWidth = Math.max(0, ...this.rows.map((r) => rowName(r).length));
    const lines = this.rows.map((r) =>
      formatRow(r, {
        color: this.color,
        frame: final ? undefined : this.frame,
        nameWidth,
        maxWidth: width,
      }),
    );
    const s = summarize(this.rows);
    if (!final && s.total > 0 && s.available < s.total) {
      lines.push(
        `${s.available}/${s.total} Available${s.invalid > 0 ? `, ${s.invalid} Invalid` : ''}`.slice(
          0,
          width,
        ),
      );
    }
    const text = lines.length > 0 ? `${lines.join('\n')}\n` : '';
    if (text === this.drawnText && this.drawnLines === lines.length) return;
    this.clear();
    this.out.write(text);
    this.drawnText = text;
    this.drawnLines = lines.length;
  }
}
