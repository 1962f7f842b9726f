// Reading stack frames, as V8 (`at fn (url:line:col)`), SpiderMonkey and JavaScriptCore
// (`fn@url:line:col`) print them. A frame's location is a path (`/src/a.ts`), a URL with its scheme
// (`file:///src/a.ts`, `http://localhost:5173/src/a.ts`), never a runtime-internal name such as
// `node:internal/…` or `<anonymous>`. A dev server's query and hash (`?import&v=1f2e`) are dropped:
// they change from run to run and say nothing about where the call was made.

/** `(file, line:column)` of one frame, or undefined when the frame has no file location. */
const FRAME = /(?:^|[\s(@])((?:[A-Za-z][\w+.-]*:)?\/[^\s()]*?):(\d+):(\d+)\)?\s*$/;

/** The location of one stack frame, its file without query or hash; undefined when it has none. */
export function parseFrame(frame: string): { file: string; line: number; column: number } | undefined {
  const m = FRAME.exec(frame);
  if (m === null) return undefined;
  const raw = m[1]!;
  const cut = raw.search(/[?#]/);
  return { file: cut < 0 ? raw : raw.slice(0, cut), line: Number(m[2]), column: Number(m[3]) };
}

/** Where gorx's own files live (the parent of `testing/`), to skip its frames in stacks. */
const OWN_ROOT: string | undefined = (() => {
  const here = (new Error().stack ?? '').split('\n').find((line) => parseFrame(line) !== undefined);
  const file = here === undefined ? undefined : parseFrame(here)!.file;
  if (file === undefined) return undefined;
  const cut = file.lastIndexOf('/testing/');
  return file.slice(0, cut < 0 ? file.lastIndexOf('/') + 1 : cut + 1);
})();

/**
 * The location (`file:line:column`) of the first stack frame outside gorx, its dependencies and
 * the runtime: where user code made the call.
 */
export function userFrame(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  // V8 starts a stack with the error's message; other engines start with the first frame.
  for (const line of stack.split('\n')) {
    const at = parseFrame(line);
    if (at === undefined || at.file.includes('/node_modules/')) continue;
    if (OWN_ROOT !== undefined && at.file.startsWith(OWN_ROOT)) continue;
    return `${at.file}:${at.line}:${at.column}`;
  }
  return undefined;
}
