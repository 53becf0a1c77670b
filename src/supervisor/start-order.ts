import type { ChildSpec } from './child-spec.js';

/**
 * The specs to run, in start order: dependencies first. `only` names a subset; whatever those
 * depend on is added. Stopping runs the same list backwards.
 */
export function startOrder(specs: readonly ChildSpec[], only?: readonly string[]): ChildSpec[] {
  const byName = new Map<string, ChildSpec>(specs.map((spec) => [spec.name, spec]));
  for (const name of only ?? []) {
    if (!byName.has(name)) throw new Error(`unknown service "${name}" in --only; choose from ${specs.map((s) => s.name).join(', ')}`);
  }
  const ordered: ChildSpec[] = [];
  const visiting = new Set<string>();
  const visit = (spec: ChildSpec): void => {
    if (ordered.includes(spec)) return;
    if (visiting.has(spec.name)) throw new Error(`services depend on each other in a cycle through ${spec.name}`);
    visiting.add(spec.name);
    for (const dependency of spec.dependsOn) visit(byName.get(dependency)!);
    visiting.delete(spec.name);
    ordered.push(spec);
  };
  for (const spec of specs) if (!only || only.includes(spec.name)) visit(spec);
  return ordered;
}
