// Every ```ts block under an @example tag in lib/ TSDoc, and every ```ts block of README.md, is a
// complete program: this spec extracts them all, compiles them together as modules (imports of 'gorx'
// resolve through tsconfig paths) and expects zero diagnostics, so no example can go stale.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const examplesDir = join(root, '.doc-examples'); // virtual: the files exist only in the compiler host

interface Example {
  file: string; // virtual path of the example module
  source: string; // lib file it came from
  line: number; // 1-based line of the opening fence in `source`
  code: string;
}

function libFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? libFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The ```ts fences that follow an `@example` tag inside doc comments of `path`. */
function extractExamples(path: string): Example[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const found: Example[] = [];
  let inExample = false;
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] ?? '').replace(/^\s*\*\s?/, '');
    if (/^\s*\/\*\*/.test(lines[i] ?? '') || text.startsWith('@') || /\*\/\s*$/.test(lines[i] ?? '')) {
      inExample = text.startsWith('@example');
    }
    if (!inExample || !/^```(ts|typescript)\s*$/.test(text.trim())) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length; i++) {
      const t = (lines[i] ?? '').replace(/^\s*\*\s?/, '');
      if (t.trim() === '```') break;
      body.push(t);
    }
    const rel = relative(root, path).replace(/[/\\.]/g, '_');
    found.push({
      file: join(examplesDir, `${rel}_L${start + 1}.ts`),
      source: relative(root, path),
      line: start + 1,
      code: `${body.join('\n')}\nexport {};\n`,
    });
  }
  return found;
}

/** Every ```ts fence of a Markdown file. */
function extractMarkdown(path: string): Example[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? '')) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i] ?? '');
    found.push({
      file: join(examplesDir, `${relative(root, path).replace(/[/\\.]/g, '_')}_L${start + 1}.ts`),
      source: relative(root, path),
      line: start + 1,
      code: `${body.join('\n')}\nexport {};\n`,
    });
  }
  return found;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
  return { ...parsed.options, noEmit: true, noUnusedLocals: false };
}

describe('doc examples', () => {
  const examples = [
    ...libFiles(join(root, 'lib')).flatMap(extractExamples),
    ...extractMarkdown(join(root, 'README.md')),
  ];

  it('finds the @example blocks', () => {
    expect(examples.length).toBeGreaterThan(10);
  });

  it('compiles every @example block of lib/ and every ts block of README.md with zero diagnostics', () => {
    const byFile = new Map(examples.map((e) => [e.file, e]));
    const options = compilerOptions();
    const host = ts.createCompilerHost(options, true);
    const { fileExists, readFile, getSourceFile } = host;
    host.fileExists = (f) => byFile.has(f) || fileExists.call(host, f);
    host.readFile = (f) => byFile.get(f)?.code ?? readFile.call(host, f);
    host.getSourceFile = (f, lang, onError, create) => {
      const ex = byFile.get(f);
      return ex
        ? ts.createSourceFile(f, ex.code, lang, true, ts.ScriptKind.TS)
        : getSourceFile.call(host, f, lang, onError, create);
    };
    const program = ts.createProgram([...byFile.keys()], options, host);
    // Only the examples are checked (lib/ has its own typecheck): much faster than the whole program.
    const problems = program
      .getSourceFiles()
      .filter((sf) => byFile.has(sf.fileName))
      .flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])
      .map((d) => {
        const ex = byFile.get(d.file!.fileName)!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        return `${ex.source}:${ex.line + 1 + line} (example at line ${ex.line}): ${message}`;
      });
    expect(problems).toEqual([]);
  }, 60_000); // one program over lib/, RxJS and Angular types: a few seconds, more on a busy machine
});
