// The page's copy of slant's log, capped like the server's own store.
//
// Lines arrive in seq order (the WebSocket, or /api/logs filling a gap); a line whose seq is not
// greater than the newest one kept is a duplicate and is ignored, which is what makes a resync
// (fetch the gap, then replay what the socket buffered meanwhile) free of duplicates. The store
// keeps at most kMaxBytes of text (2 MB, as slant does): when a line pushes it over, the oldest
// lines go. Lines live in one array with a moving head, so dropping from the front is O(1) and
// the array is compacted only once the dead prefix is as long as the live part.

/** How much text the page keeps; the oldest lines go first. */
export const kMaxBytes = 2 * 1024 * 1024;
// What a line costs beyond its text (the object, its strings' headers).
const kLineOverhead = 64;

export class LogStore {
  constructor(maxBytes = kMaxBytes) {
    this.maxBytes = maxBytes;
    this.clear();
  }

  /** Forgets everything (a new slant session: seqs start again at 1). */
  clear() {
    this.lines = [];
    this.head = 0;
    this.bytes = 0;
    this.lastSeq = 0;
    /** Lines the page dropped to stay under its cap. */
    this.droppedHere = 0;
    /** Lines slant's own cap dropped before the page could read them. */
    this.droppedBySlant = 0;
    /** Bumped on clear(), so that views know to start over. */
    this.generation = (this.generation || 0) + 1;
  }

  get size() {
    return this.lines.length - this.head;
  }

  /** The seq of the oldest line kept, or Infinity when empty. */
  get firstSeq() {
    return this.head < this.lines.length ? this.lines[this.head].seq : Infinity;
  }

  /** Appends a line unless it is older than the newest one; returns whether it was kept. */
  append(line) {
    if (!(line.seq > this.lastSeq)) return false;
    this.lastSeq = line.seq;
    this.lines.push(line);
    this.bytes += line.text.length + kLineOverhead;
    if (this.bytes > this.maxBytes) this.evict();
    return true;
  }

  evict() {
    const lines = this.lines;
    while (this.bytes > this.maxBytes * 0.9 && this.head < lines.length - 1) {
      this.bytes -= lines[this.head].text.length + kLineOverhead;
      lines[this.head] = undefined;
      this.head++;
      this.droppedHere++;
    }
    if (this.head > 4096 && this.head * 2 > lines.length) {
      this.lines = lines.slice(this.head);
      this.head = 0;
    }
  }

  /** Calls fn(line) for every line kept, oldest first. */
  forEach(fn) {
    const lines = this.lines;
    for (let i = this.head; i < lines.length; i++) fn(lines[i]);
  }
}
