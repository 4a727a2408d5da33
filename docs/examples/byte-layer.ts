// The byte layer on its own: write varints and read them back, bounds-checked.
// Run: npx tsx --tsconfig tsconfig.test.json docs/examples/byte-layer.ts
import { ByteCursor, ByteWriter, GodiagError, U64_MAX } from 'godiag';

const bytes = new ByteWriter().uvarint(U64_MAX).lengthPrefixedString('runtime.main').finish();
const c = new ByteCursor(bytes, 'trace');
console.log(c.uvarint() === U64_MAX, c.lengthPrefixedString());
try {
  c.u32();
} catch (e) {
  console.log(e instanceof GodiagError ? e.message : e); // trace: unexpected end of input: expected a 32-bit integer (at byte 23)
}
