/**
 * Template tests (`test.template` cases) and static validation. Each case renders with static
 * images into the files Package Operator would write as `.test-fixtures/<case>/`: on the first
 * run they are written, afterwards compared byte for byte (unified diff on mismatch). Fixture
 * storage is injected (`FixtureStore`), everything else is pure.
 */
import { admitConfig } from './config.js';
import { buildTemplateContext, staticImages, testCaseContextInput } from './context.js';
import { JoinedError, ViolationError, violationReasons, withContext } from './errors.js';
import type { PackageManifestTestCase } from './manifest.js';
import { comparePaths, defaultObjectValidators, runObjectValidators } from './object-validators.js';
import {
  isTemplateFile,
  isYamlFile,
  parseObjects,
  renderObjects,
  type RenderCapabilities,
} from './render.js';
import type { KubeObject, Package } from './types.js';
import { unifiedDiff } from './unified-diff.js';
import { joinYamlDocuments, splitYamlDocuments } from './yaml.js';

export const testFixturesFolder = '.test-fixtures';

/** Where fixture folders live (a package folder on disk, in practice). */
export interface FixtureStore {
  /**
   * Relative paths of every file under `dir` (dot files included, symbolic links followed), or
   * `undefined` when `dir` does not exist.
   */
  list(dir: string): Promise<string[] | undefined>;
  read(path: string): Promise<Uint8Array | undefined>;
  /** Creates `dir` with these files. */
  write(dir: string, files: ReadonlyMap<string, Uint8Array>): Promise<void>;
}

export interface RenderedTestCase {
  /** Paths that produced objects (after filtering; all-filtered paths stay with `[]`). */
  pathObjects: ReadonlyMap<string, KubeObject[]>;
  /** The fixture files for this case: path -> bytes. */
  fixtureFiles: Map<string, Uint8Array>;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Renders one test case into its fixture files. */
export function renderTestCase(
  pkg: Package,
  testCase: PackageManifestTestCase,
  caps: RenderCapabilities,
): RenderedTestCase {
  const input = testCaseContextInput(testCase.context);
  // Config errors were reported by manifest validation already; render with what admission gives.
  const { config } = admitConfig(pkg.manifest, input.config);
  const ctx = buildTemplateContext({ ...input, config, images: staticImages(pkg.manifest) });
  const rendered = renderObjects(pkg, ctx, caps, defaultObjectValidators);
  const fixtureFiles = new Map<string, Uint8Array>();
  for (const [path, bytes] of rendered.files) {
    // Files without objects (comment-only, glob-excluded, skipped) get no fixture: Package Operator
    // would write a comment-only one and then reject it as "should not exist" on the next run.
    if (isTemplateFile(path) || !isYamlFile(path) || !rendered.pathObjects.has(path)) continue;
    let content = decoder.decode(bytes);
    const removed = rendered.filteredIndexes.get(path);
    if (removed) {
      const drop = new Set(removed);
      content = joinYamlDocuments(splitYamlDocuments(content).filter((_d, i) => !drop.has(i)));
    }
    if (content.trim() === '') continue;
    fixtureFiles.set(path, removed ? encoder.encode(content) : bytes);
  }
  return { pathObjects: rendered.pathObjects, fixtureFiles };
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export interface TemplateTestResult {
  testCase: string;
  /** The fixture folder was missing and has been written. */
  generated: boolean;
}

/**
 * Runs every test case of one package (root or a component) against its fixture folder
 * `<folder>/.test-fixtures/<case>/`. Stops at the first failing case.
 */
export async function runTemplateTests(
  pkg: Package,
  folder: string,
  store: FixtureStore,
  caps: RenderCapabilities,
): Promise<TemplateTestResult[]> {
  const results: TemplateTestResult[] = [];
  for (const tc of pkg.manifest.test.template) {
    const { pathObjects, fixtureFiles } = renderTestCase(pkg, tc, caps);
    const dir = join(folder, testFixturesFolder, tc.name);
    const existing = await store.list(dir);
    if (existing === undefined) {
      await store.write(dir, fixtureFiles);
      results.push({ testCase: tc.name, generated: true });
      continue;
    }
    const errors: Error[] = [];
    for (const p of [...existing].sort(comparePaths)) {
      if (!pathObjects.has(p)) {
        errors.push(
          new Error(`file ${p} should not exist, filtered or empty after template render`),
        );
      }
    }
    for (const path of [...pathObjects.keys()].sort(comparePaths)) {
      const fixturePath = join(dir, path);
      const fixture = existing.includes(path) ? await store.read(fixturePath) : undefined;
      const actual = fixtureFiles.get(path);
      if (fixture === undefined && actual === undefined) continue;
      if (fixture === undefined) {
        errors.push(new Error(`file ${fixturePath} not found in fixtures folder`));
        continue;
      }
      const file = baseName(path);
      let diff: string;
      if (actual === undefined) {
        diff = `diff: ACTUAL/${file}: No such file or directory`;
      } else {
        diff = unifiedDiff(
          decoder.decode(fixture),
          decoder.decode(actual),
          `FIXTURE/${file}`,
          `ACTUAL/${file}`,
        ).trim();
      }
      if (diff === '') continue;
      errors.push(
        new ViolationError({
          reason: violationReasons.fixtureMismatch,
          path,
          details: `Testcase ${JSON.stringify(tc.name)}\n${diff}`,
        }),
      );
    }
    if (errors.length === 1 && errors[0]) throw errors[0];
    if (errors.length > 1) throw new JoinedError(errors);
    results.push({ testCase: tc.name, generated: false });
  }
  return results;
}

/** Validates the plain YAML files of a package that has no test cases. */
export function validateStaticFiles(pkg: Package): void {
  const pathObjects = new Map<string, KubeObject[]>();
  for (const [path, bytes] of pkg.files) {
    if (isTemplateFile(path) || !isYamlFile(path) || baseName(path).startsWith('_')) continue;
    const objects = parseObjects(pkg.manifest, '', path, decoder.decode(bytes));
    if (objects.length > 0) pathObjects.set(path, objects);
  }
  runObjectValidators(defaultObjectValidators, pkg.manifest, pathObjects);
}

export interface ValidateOptions {
  /** Run the template tests against fixtures in this folder (the package folder). */
  fixtures?: { folder: string; store: FixtureStore };
}

export interface ValidationReport {
  /** Per package (`''` = root, else the component name), the test cases that ran. */
  testCases: { component: string; results: TemplateTestResult[] }[];
}

/**
 * Every validator Package Operator's `validate` runs on a loaded package: template tests (or the
 * static-file check when a package has none), for the root and each component.
 */
export async function validatePackage(
  pkg: Package,
  caps: RenderCapabilities,
  opts: ValidateOptions = {},
): Promise<ValidationReport> {
  const report: ValidationReport = { testCases: [] };
  for (const p of [pkg, ...pkg.components]) {
    try {
      if (p.manifest.test.template.length === 0) {
        validateStaticFiles(p);
        continue;
      }
      if (!opts.fixtures) {
        for (const tc of p.manifest.test.template) renderTestCase(p, tc, caps);
        continue;
      }
      const folder = p.component
        ? join(opts.fixtures.folder, 'components', p.component)
        : opts.fixtures.folder;
      const results = await runTemplateTests(p, folder, opts.fixtures.store, caps);
      report.testCases.push({ component: p.component, results });
    } catch (err) {
      throw p.component ? withContext(`component ${JSON.stringify(p.component)}`, err) : err;
    }
  }
  return report;
}
