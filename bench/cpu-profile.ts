/**
 * Summarizes a V8 .cpuprofile (from node --cpu-prof): where the self time went, by package or project folder. Frames
 * of a bundle are traced back to their source files through the bundle's source map.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  ms: number;
  share: number;
}

/** `node_modules/@scope/pkg` → `@scope/pkg`; project files → their top two folders; the rest by kind. */
function groupOf(url: string, functionName: string, projectUrl: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (dependency) return dependency;
  if (url.startsWith('node:')) return 'node: (Node.js internals)';
  return url.replace(projectUrl, '').split('/').slice(0, 2).join('/');
}

/** For a dependency's file, its last two path segments (`retry/index.js`): packages like @smithy/core have many. */
function fileWithin(url: string): string {
  if (!/node_modules\//.test(url)) return '';
  return ` ${url.split('/').slice(-2).join('/')}`;
}

/** A frame's source file and line: through the bundle's source map when its file has one beside it. */
function sourceLocator(): (frame: CallFrame) => { url: string; line: number } {
  const maps = new Map<string, { map: SourceMap; dir: string } | undefined>();
  const mapOf = (url: string) => {
    if (!maps.has(url)) {
      const file = url.startsWith('file:') ? `${fileURLToPath(url)}.map` : undefined;
      maps.set(
        url,
        file && existsSync(file)
          ? { map: new SourceMap(JSON.parse(readFileSync(file, 'utf8'))), dir: dirname(file) }
          : undefined,
      );
    }
    return maps.get(url);
  };
  return (frame) => {
    const bundle = mapOf(frame.url);
    const entry = bundle?.map.findEntry(frame.lineNumber, frame.columnNumber);
    if (!bundle || !entry || !('originalSource' in entry)) return { url: frame.url, line: frame.lineNumber };
    return { url: pathToFileURL(resolve(bundle.dir, entry.originalSource)).href, line: entry.originalLine };
  };
}

export function summarizeProfile(
  path: string,
  projectRoot: string,
  top = 15,
): { totalMs: number; groups: ProfileEntry[]; functions: ProfileEntry[] } {
  const projectUrl = `${pathToFileURL(projectRoot).href}/`;
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const locate = sourceLocator();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    const micros = profile.timeDeltas[index] ?? 0;
    total += micros;
    const { url, line } = locate(frame);
    const group = groupOf(url, frame.functionName, projectUrl);
    byGroup.set(group, (byGroup.get(group) ?? 0) + micros);
    const fn = `${frame.functionName || '(anonymous)'} ${group}${fileWithin(url)}:${line + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
  });
  const rank = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, ms: micros / 1000, share: micros / total }));
  return { totalMs: total / 1000, groups: rank(byGroup), functions: rank(byFunction) };
}
