import path from 'node:path';
import { EPOCH_METRICS, RUN_STATUSES } from '../../../src-shared/project';
import type { EpochMetric, RunStatus } from '../../../src-shared/project';
import { BACKEND_NAMES } from '../../engine/tensor/backend';
import { TrainControl } from '../../engine/training/trainer';
import { errorMessage } from '../../host/error-code';
import { runTraining } from '../../host/run-in-worker';
import {
  METRICS_FILE, compareRuns, deleteRun, getRun, listCheckpoints, listRuns, readMetrics, rerunRun, resumeRun, setTags, tailWarning,
} from '../../projects';
import type { LaunchHooks, Project, RunEntry, RunFilter, RunOutcome } from '../../projects';
import { UsageError, intOption, oneOf, parse } from '../args';
import type { Command } from '../command';
import { PROJECT_OPTIONS, listOption, openFromFlags, percent, printJson, table, withProjectErrors } from './project-common';
import { formatComparison } from './runs-text';
import { announceRun, eventPrinter, finishRun, onInterrupt } from './train';

const USAGE = `apical runs <list|show|compare|resume|rerun|tag|delete> --project DIR [options]

The runs of a project (runs/<id>/: run.json, metrics.jsonl, checkpoints/, notes.md).

  list [filters]                 id, status, rule, data set, seed, epochs, accuracy, tags
  show RUN                       what ran, how it ended, resume history, epochs
  compare [RUN...] [filters] [--metric M]
                                 one metric per epoch side by side (default: the runs matching
                                 the filters); runs that differ only in seed get mean ± SD
  resume RUN                     continue an interrupted, stopped or failed run from its
                                 latest checkpoint (same run; metrics continue from there)
  rerun RUN [--seed N] [--backend B] [--run ID]
                                 train the recorded configuration again as a new run
  tag RUN [--add T]... [--remove T]...
  delete RUN --yes
Filters:
  --status S     running | completed | stopped | failed | interrupted (comma-separated)
  --rule R  --dataset D (name or hash prefix)  --tag T (repeatable; all must match)  --circuit NAME
Options:
  --project DIR  the project (required)
  --metric M     testAccuracy (default) | trainAccuracy | loss | testLoss | samplesPerSecond | seconds
  --read-only    look without taking the project's lock (list, show, compare)
  --json         print JSON (resume, rerun: one event per line, as apical train --json)
  -h, --help     this help`;

const OPTIONS = {
  ...PROJECT_OPTIONS, status: { type: 'string', multiple: true }, rule: { type: 'string' }, dataset: { type: 'string' },
  tag: { type: 'string', multiple: true }, circuit: { type: 'string' }, metric: { type: 'string' }, seed: { type: 'string' },
  backend: { type: 'string' }, run: { type: 'string' }, add: { type: 'string', multiple: true }, remove: { type: 'string', multiple: true },
  yes: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

function filterFrom(values: Values): RunFilter {
  const status = listOption(values.status).map((s) => oneOf(s, 'status', RUN_STATUSES) as RunStatus);
  return { status: status.length ? status : undefined, rule: values.rule, dataset: values.dataset, tags: listOption(values.tag), circuit: values.circuit };
}

function list(project: Project, values: Values, json: boolean): number {
  const { runs, problems } = listRuns(project, filterFrom(values));
  if (json) {
    printJson({ runs: runs.map((r) => ({ ...r.record, status: r.status, recordedStatus: r.record.status })), problems });
    return 0;
  }
  if (runs.length === 0) console.log('no runs match');
  else {
    console.log(table([['ID', 'STATUS', 'RULE', 'DATASET', 'SEED', 'EPOCHS', 'TEST', 'BEST', 'TAGS'], ...runs.map((r) => [
      r.id, r.status + (r.status !== r.record.status ? '*' : ''), r.record.rule, r.record.dataset?.name ?? r.record.circuit.input.dataset,
      String(r.record.seed), `${r.record.progress.epochs}/${r.record.circuit.epochs}`, percent(r.record.progress.testAccuracy),
      percent(r.record.progress.bestTestAccuracy), r.record.tags.join(','),
    ])], [4, 5, 6, 7]));
    if (runs.some((r) => r.status !== r.record.status)) console.log('* its process is gone; recorded as interrupted when the project is next opened for writing');
  }
  for (const p of problems) console.log(`unreadable: ${p.message}`);
  return 0;
}

function show(project: Project, id: string, json: boolean): number {
  const entry = getRun(project, id);
  const metricsFile = path.join(entry.dir, METRICS_FILE);
  const metrics = readMetrics(metricsFile);
  const warning = tailWarning(metricsFile, metrics);
  const checkpoints = listCheckpoints(entry.dir);
  if (json) {
    printJson({ run: entry.record, status: entry.status, epochs: metrics.epochs, checkpoints, warnings: warning ? [warning] : [] });
    return 0;
  }
  if (warning) process.stderr.write(`warning: ${warning}\n`);
  const r = entry.record;
  const c = r.circuit;
  const rows: string[][] = [
    ['run', r.id], ['status', entry.status + (entry.status !== r.status ? ` (recorded: ${r.status})` : '')],
    ['circuit', `${r.circuitName ?? c.name} (${c.rule.name}, ${c.layers.map((l) => (l.kind === 'dense' ? l.units : l.kind)).join('-')}, ${c.steps} steps, batch ${c.batch}, ${c.optimizer.kind} lr ${c.optimizer.lr}, ${c.epochs} epochs)`],
    ['seed', String(r.seed)],
    ['dataset', r.dataset ? `${r.dataset.name}, ${r.dataset.train} train / ${r.dataset.test} test (sha256 ${r.dataset.hash.slice(0, 12)})` : `${c.input.dataset} (not loaded yet)`],
    ['backend', `${r.backend ? `${r.backend.name}${r.backend.adapter ? ` (${r.backend.adapter.vendor} ${r.backend.adapter.device || r.backend.adapter.architecture})` : ''}` : r.config.backend}${r.config.threads > 1 ? `, ${r.config.threads} threads` : ''}`],
    ['app', r.appVersion], ['created', r.created], ['ended', r.ended ?? '-'],
    ['epochs', `${r.progress.epochs}/${c.epochs}, test ${percent(r.progress.testAccuracy)} (best ${percent(r.progress.bestTestAccuracy)})`],
  ];
  if (r.tags.length) rows.push(['tags', r.tags.join(', ')]);
  if (r.rerunOf) rows.push(['rerun of', r.rerunOf]);
  for (const x of r.resumes) rows.push(['resumed', `${x.at}: was ${x.previousStatus}, from epoch ${x.fromEpoch} (${x.checkpoint ?? 'no checkpoint'})${x.discardedEpochs ? `, ${x.discardedEpochs} recorded epoch(s) trained again` : ''}`]);
  if (r.failure) rows.push(['failure', `(${r.failure.code}) ${r.failure.message}`]);
  for (const w of r.warnings) rows.push(['warning', w]);
  rows.push(['checkpoints', checkpoints.map((k) => `${path.basename(k.file)} (epoch ${k.epoch})`).join(', ') || '(none)']);
  console.log(table(rows));
  if (metrics.epochs.length) {
    console.log();
    console.log(table([['epoch', 'loss', 'train', 'test', 'test loss', 'seconds'], ...metrics.epochs.map((e) => [
      String(e.epoch), e.loss.toFixed(4), percent(e.trainAccuracy), percent(e.testAccuracy), e.testLoss.toFixed(4), e.seconds.toFixed(1),
    ])], [0, 1, 2, 3, 4, 5]));
  }
  return 0;
}

function compare(project: Project, ids: string[], values: Values, json: boolean): number {
  const metric = (oneOf(values.metric, 'metric', EPOCH_METRICS) ?? 'testAccuracy') as EpochMetric;
  const entries: RunEntry[] = ids.length ? ids.map((id) => getRun(project, id)) : listRuns(project, filterFrom(values)).runs;
  if (entries.length === 0) throw new UsageError('no runs to compare');
  const inputs = entries.map((e) => {
    const file = path.join(e.dir, METRICS_FILE);
    const metrics = readMetrics(file);
    const warning = tailWarning(file, metrics);
    if (warning) process.stderr.write(`warning: ${warning}\n`);
    return { record: e.record, epochs: metrics.epochs };
  });
  const result = compareRuns(inputs, metric);
  if (json) printJson(result);
  else console.log(formatComparison(result));
  return 0;
}

/** Trains through a recorded run (resume, rerun), printing like `apical train`. */
async function trainRecorded(project: Project, json: boolean, launch: (hooks: LaunchHooks) => Promise<RunOutcome>): Promise<number> {
  const control = new TrainControl();
  const stopOnSignal = onInterrupt(control);
  const printer = eventPrinter(json);
  try {
    const outcome = await launch({ control, onEvent: printer.print, describeError: errorMessage, session: runTraining, onCreated: (r) => announceRun(project, r.id, json) });
    return finishRun(project, outcome, json);
  } finally {
    stopOnSignal();
    printer.clear();
  }
}

export const runsCommand: Command = {
  name: 'runs',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS, 64);
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [action, ...ids] = positionals;
    if (!action) throw new UsageError('give an action: list, show, compare, resume, rerun, tag or delete');
    const json = values.json === true;
    const one = () => {
      if (ids.length !== 1) throw new UsageError(`runs ${action} takes one RUN id`);
      return ids[0];
    };
    const reading = ['list', 'show', 'compare'].includes(action);
    if (!reading && !['resume', 'rerun', 'tag', 'delete'].includes(action)) throw new UsageError(`unknown action '${action}'`);
    return withProjectErrors('runs', json, async () => {
      const project = openFromFlags(values, reading ? 'read' : 'write');
      try {
        switch (action) {
          case 'list':
            if (ids.length) throw new UsageError('runs list takes no run ids; filter with --status, --rule, --dataset, --tag, --circuit');
            return list(project, values, json);
          case 'show':
            return show(project, one(), json);
          case 'compare':
            return compare(project, ids, values, json);
          case 'resume': {
            const id = one();
            return await trainRecorded(project, json, (hooks) => resumeRun(project, id, hooks));
          }
          case 'rerun': {
            const id = one();
            const change = { seed: intOption(values.seed, 'seed', 0), backend: oneOf(values.backend, 'backend', BACKEND_NAMES), id: values.run };
            return await trainRecorded(project, json, (hooks) => rerunRun(project, id, hooks, change));
          }
          case 'tag': {
            const record = setTags(project, one(), { add: listOption(values.add), remove: listOption(values.remove) });
            if (json) printJson({ id: record.id, tags: record.tags });
            else console.log(`${record.id}: ${record.tags.join(', ') || '(no tags)'}`);
            return 0;
          }
          default: {
            const id = one();
            if (!values.yes) throw new UsageError(`runs delete removes ${id} with its checkpoints; add --yes to confirm`);
            deleteRun(project, id);
            if (json) printJson({ deleted: id });
            else console.log(`deleted run ${id}`);
            return 0;
          }
        }
      } finally {
        project.close();
      }
    });
  },
};
