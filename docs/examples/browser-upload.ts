// In a browser: summarise a profile the user dropped on the page (a File is a Blob; it is read in slices).
// Type-checked in CI; to run it, bundle it for the browser.
import { summarizeProfile } from 'godiag/pprof';
import { parseTraceHeader } from 'godiag/trace';

export async function describeUpload(file: File): Promise<string> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  if (head[0] === 0x67 /* 'g' */) return `trace format ${parseTraceHeader(head).version}`;
  const { sampleTypes, samples } = await summarizeProfile(file, {
    onProgress: (read, total) => console.log(`read ${read} of ${total ?? '?'} bytes`),
  });
  return `${samples} samples of ${sampleTypes.map((t) => t.type).join(', ')}`;
}
