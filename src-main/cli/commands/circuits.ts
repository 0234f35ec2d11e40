import { findTemplate } from '../../../src-shared/templates';
import { circuitFile, deleteCircuit, listCircuits, readCircuit, renameCircuit, saveCircuit } from '../../projects';
import type { Project } from '../../projects';
import { UsageError, parse } from '../args';
import { readCircuitFile } from '../circuit-input';
import type { Command } from '../command';
import { PROJECT_OPTIONS, openFromFlags, printJson, table, withProjectErrors } from './project-common';

const USAGE = `apical circuits <list|show|add|rename|delete> --project DIR [options]

The circuits of a project (circuits/<name>.json). Train one with
'apical train --project DIR --circuit NAME'.

  list                                  names, rule, layers, data set
  show NAME                             the circuit with every default filled in
  add NAME (--file FILE | --template T) [--force]
                                        validate and store a circuit (--force replaces)
  rename NAME NEW
  delete NAME
Options:
  --project DIR   the project (required)
  --read-only     look without taking the project's lock (list, show)
  --json          print JSON
  -h, --help      this help`;

function describeLayers(layers: readonly { kind: string; units?: number; filters?: number }[]): string {
  return layers.map((l) => (l.kind === 'dense' ? `${l.units}` : l.kind === 'conv' ? `conv${l.filters}` : 'pool')).join('-');
}

function list(project: Project, json: boolean): number {
  const { circuits, problems } = listCircuits(project);
  if (json) {
    printJson({ circuits: circuits.map((c) => ({ name: c.name, file: c.file, circuit: c.circuit })), problems });
    return 0;
  }
  if (circuits.length === 0 && problems.length === 0) console.log(`no circuits in ${project.dir}; add one with 'apical circuits add'`);
  else {
    console.log(table([['NAME', 'RULE', 'LAYERS', 'DATASET', 'EPOCHS', 'SEED'], ...circuits.map((c) => [
      c.name, c.circuit.rule.name, describeLayers(c.circuit.layers), c.circuit.input.dataset, String(c.circuit.epochs), String(c.circuit.seed),
    ])]));
  }
  for (const p of problems) console.log(`unreadable: ${p.message}`);
  return 0;
}

function specFromFlags(values: { file?: string; template?: string }): unknown {
  if (values.file && values.template) throw new UsageError('give --file or --template, not both');
  if (values.file) return readCircuitFile(values.file);
  if (values.template) {
    try {
      return structuredClone(findTemplate(values.template).circuit);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  throw new UsageError('circuits add needs --file FILE or --template NAME');
}

export const circuitsCommand: Command = {
  name: 'circuits',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      ...PROJECT_OPTIONS, file: { type: 'string' }, template: { type: 'string' }, force: { type: 'boolean' },
    }, 3);
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [action, name, other] = positionals;
    if (!action) throw new UsageError('give an action: list, show, add, rename or delete');
    const json = values.json === true;
    const needs = (n: number) => {
      if (positionals.length - 1 !== n) throw new UsageError(`circuits ${action} takes ${n === 0 ? 'no names' : n === 1 ? 'one NAME' : 'NAME and NEW'}`);
    };
    return withProjectErrors('circuits', json, () => {
      const reading = action === 'list' || action === 'show';
      const project = openFromFlags(values, reading ? 'read' : 'write');
      try {
        switch (action) {
          case 'list':
            needs(0);
            return list(project, json);
          case 'show': {
            needs(1);
            const circuit = readCircuit(project, name);
            if (json) printJson({ name, file: circuitFile(project, name), circuit });
            else console.log(JSON.stringify(circuit, null, 2));
            return 0;
          }
          case 'add': {
            needs(1);
            const circuit = saveCircuit(project, name, specFromFlags(values), { overwrite: values.force === true });
            if (json) printJson({ name, file: circuitFile(project, name), circuit });
            else console.log(`saved circuit '${name}' (${circuit.rule.name}, ${describeLayers(circuit.layers)}) in ${circuitFile(project, name)}`);
            return 0;
          }
          case 'rename':
            needs(2);
            renameCircuit(project, name, other);
            if (json) printJson({ renamed: name, to: other });
            else console.log(`renamed circuit '${name}' to '${other}'`);
            return 0;
          case 'delete':
            needs(1);
            deleteCircuit(project, name);
            if (json) printJson({ deleted: name });
            else console.log(`deleted circuit '${name}'`);
            return 0;
          default:
            throw new UsageError(`unknown action '${action}'; use list, show, add, rename or delete`);
        }
      } finally {
        project.close();
      }
    });
  },
};
