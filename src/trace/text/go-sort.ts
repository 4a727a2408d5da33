/**
 * An unstable sort that leaves equal elements in exactly the order Go's `slices.SortFunc` leaves them.
 *
 * `go tool trace -d=footprint` sorts its 256 rows by size with `slices.SortFunc`, which is not stable: rows of
 * equal size (most of them are empty) come out in an order fixed by Go's algorithm, pattern-defeating
 * quicksort. Printing the same table therefore needs the same algorithm, step for step: the same pivot
 * choices, partition schemes, cut-over lengths and pseudo-random pattern breaking.
 * @module
 */

/** Compares two elements: negative, zero or positive. */
export type Compare<T> = (a: T, b: T) => number;

/** Sorts `data` in place with Go's `slices.SortFunc` algorithm (same result for equal elements). */
export function goSortFunc<T>(data: T[], cmp: Compare<T>): void {
  const n = data.length;
  new Pdq(data, cmp).sort(0, n, bitLength(n));
}

/** Number of bits needed to represent n (Go's `bits.Len`). */
function bitLength(n: number): number {
  return n === 0 ? 0 : 32 - Math.clz32(n);
}

/** Short ranges are insertion-sorted. */
const INSERTION_MAX = 12;
/** From this length on, the pivot is a median of medians (Tukey's ninther). */
const NINTHER_MIN = 50;

class Pdq<T> {
  constructor(
    private readonly d: T[],
    private readonly cmp: Compare<T>,
  ) {}

  private less(i: number, j: number): boolean {
    return this.cmp(this.d[i]!, this.d[j]!) < 0;
  }

  private swap(i: number, j: number): void {
    const t = this.d[i]!;
    this.d[i] = this.d[j]!;
    this.d[j] = t;
  }

  /** Sorts [lo, hi); `badAllowed` unbalanced partitions are tolerated before switching to heapsort. */
  sort(lo: number, hi: number, badAllowed: number): void {
    let balanced = true;
    let partitioned = true;
    for (;;) {
      const len = hi - lo;
      if (len <= INSERTION_MAX) {
        this.insertion(lo, hi);
        return;
      }
      if (badAllowed === 0) {
        this.heap(lo, hi);
        return;
      }
      if (!balanced) {
        this.scatter(lo, hi);
        badAllowed--;
      }
      let { pivot, order } = this.pivot(lo, hi);
      if (order === 'descending') {
        this.reverse(lo, hi);
        pivot = hi - 1 - (pivot - lo);
        order = 'ascending';
      }
      // A range that looks sorted gets a bounded insertion pass, which finishes it if it really is.
      if (balanced && partitioned && order === 'ascending' && this.nearlySorted(lo, hi)) return;
      // When the element just before the range is not less than the pivot, the range holds many copies of
      // the pivot: put them first and continue with the greater elements only.
      if (lo > 0 && !this.less(lo - 1, pivot)) {
        lo = this.splitEqual(lo, hi, pivot);
        continue;
      }
      const { mid, untouched } = this.split(lo, hi, pivot);
      partitioned = untouched;
      const left = mid - lo;
      const right = hi - mid;
      // Recurse into the smaller side, loop on the larger one.
      if (left < right) {
        balanced = left >= Math.trunc(len / 8);
        this.sort(lo, mid, badAllowed);
        lo = mid + 1;
      } else {
        balanced = right >= Math.trunc(len / 8);
        this.sort(mid + 1, hi, badAllowed);
        hi = mid;
      }
    }
  }

  private insertion(lo: number, hi: number): void {
    for (let i = lo + 1; i < hi; i++) {
      for (let j = i; j > lo && this.less(j, j - 1); j--) this.swap(j, j - 1);
    }
  }

  private heap(lo: number, hi: number): void {
    const n = hi - lo;
    for (let i = Math.trunc((n - 1) / 2); i >= 0; i--) this.siftDown(i, n, lo);
    for (let i = n - 1; i >= 0; i--) {
      this.swap(lo, lo + i);
      this.siftDown(0, i, lo);
    }
  }

  /** Restores the max-heap order below `root` in the heap of `n` elements stored from `base`. */
  private siftDown(root: number, n: number, base: number): void {
    for (;;) {
      let child = 2 * root + 1;
      if (child >= n) return;
      if (child + 1 < n && this.less(base + child, base + child + 1)) child++;
      if (!this.less(base + root, base + child)) return;
      this.swap(base + root, base + child);
      root = child;
    }
  }

  /** Swaps three elements around the middle with pseudo-random ones, seeded by the length, as Go does. */
  private scatter(lo: number, hi: number): void {
    const len = hi - lo;
    if (len < 8) return;
    let state = BigInt(len);
    const mask = BigInt(2 ** bitLength(len) - 1);
    const M64 = 0xffff_ffff_ffff_ffffn;
    const middle = lo + Math.trunc(len / 4) * 2;
    for (let at = middle - 1; at <= middle + 1; at++) {
      // xorshift64 (13, 7, 17)
      state ^= (state << 13n) & M64;
      state ^= state >> 7n;
      state ^= (state << 17n) & M64;
      let other = Number(state & mask);
      if (other >= len) other -= len;
      this.swap(at, lo + other);
    }
  }

  /** Picks the pivot: middle element, median of three, or ninther; the swaps counted hint at the order. */
  private pivot(lo: number, hi: number): { pivot: number; order: 'ascending' | 'descending' | 'unknown' } {
    const len = hi - lo;
    const q = Math.trunc(len / 4);
    let a = lo + q;
    let b = lo + 2 * q;
    let c = lo + 3 * q;
    const swaps = { n: 0 };
    if (len >= 8) {
      if (len >= NINTHER_MIN) {
        a = this.median(a - 1, a, a + 1, swaps);
        b = this.median(b - 1, b, b + 1, swaps);
        c = this.median(c - 1, c, c + 1, swaps);
      }
      b = this.median(a, b, c, swaps);
    }
    // No swap means the samples were ascending; the maximum (4 medians × 3 comparisons) means descending.
    const order = swaps.n === 0 ? 'ascending' : swaps.n === 12 ? 'descending' : 'unknown';
    return { pivot: b, order };
  }

  /** Index of the median of three elements, counting the out-of-order pairs met. */
  private median(x: number, y: number, z: number, swaps: { n: number }): number {
    const ordered = (p: number, q: number): [number, number] => {
      if (this.less(q, p)) {
        swaps.n++;
        return [q, p];
      }
      return [p, q];
    };
    [x, y] = ordered(x, y);
    [y, z] = ordered(y, z);
    [x, y] = ordered(x, y);
    return y;
  }

  private reverse(lo: number, hi: number): void {
    for (let i = lo, j = hi - 1; i < j; i++, j--) this.swap(i, j);
  }

  /**
   * Up to five insertion steps over a range that looks sorted; true if the range is sorted afterwards.
   * (Go bounds the leftward shift by index 1 rather than the range start; kept, as it decides the result.)
   */
  private nearlySorted(lo: number, hi: number): boolean {
    let i = lo + 1;
    for (let step = 0; step < 5; step++) {
      while (i < hi && !this.less(i, i - 1)) i++;
      if (i === hi) return true;
      if (hi - lo < 50) return false;
      this.swap(i, i - 1);
      if (i - lo >= 2) {
        for (let j = i - 1; j >= 1 && this.less(j, j - 1); j--) this.swap(j, j - 1);
      }
      if (hi - i >= 2) {
        for (let j = i + 1; j < hi && this.less(j, j - 1); j++) this.swap(j, j - 1);
      }
    }
    return false;
  }

  /**
   * Partitions [lo, hi) around the pivot (moved to `lo` first): smaller elements before the returned `mid`,
   * the others after, the pivot at `mid`. `untouched` when no element had to move.
   */
  private split(lo: number, hi: number, pivot: number): { mid: number; untouched: boolean } {
    this.swap(lo, pivot);
    let i = lo + 1;
    let j = hi - 1;
    while (i <= j && this.less(i, lo)) i++;
    while (i <= j && !this.less(j, lo)) j--;
    if (i > j) {
      this.swap(j, lo);
      return { mid: j, untouched: true };
    }
    this.swap(i, j);
    i++;
    j--;
    for (;;) {
      while (i <= j && this.less(i, lo)) i++;
      while (i <= j && !this.less(j, lo)) j--;
      if (i > j) break;
      this.swap(i, j);
      i++;
      j--;
    }
    this.swap(j, lo);
    return { mid: j, untouched: false };
  }

  /** Moves the elements equal to the pivot to the front of [lo, hi) (none is smaller); returns where the rest starts. */
  private splitEqual(lo: number, hi: number, pivot: number): number {
    this.swap(lo, pivot);
    let i = lo + 1;
    let j = hi - 1;
    for (;;) {
      while (i <= j && !this.less(lo, i)) i++;
      while (i <= j && this.less(lo, j)) j--;
      if (i > j) return i;
      this.swap(i, j);
      i++;
      j--;
    }
  }
}
