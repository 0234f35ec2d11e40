import { PROJECT_FORMAT_VERSION, RUN_STATUSES } from '../../../src-shared/project';
import { circuitNames, createProject, deleteProject, listRuns, openProject } from '../../projects';
import type { Project } from '../../projects';
import { UsageError, parse } from '../args';
import type { Command } from '../command';
import { printJson, printNotices, table, withProjectErrors } from './project-common';

const USAGE = `apical project <create|show|rename|delete> DIR [options]

Experiment projects are plain folders (apical.json, circuits/, runs/) you can copy, back up
and put under version control. One Apical process writes a project at a time.

  create DIR [--name N] [--description TEXT]   make DIR a project (DIR may exist)
  show DIR [--read-only]                       name, format, circuits, runs by status
  rename DIR NAME                              change the project's name (not the folder's)
  delete DIR --yes                             remove apical.json, circuits/, runs/, backups/
                                               (other files in DIR are kept)
Options:
  --read-only   look without taking the project's lock (while another process writes it)
  --json        print JSON
  -h, --help    this help`;

function summary(project: Project) {
  const { runs, problems } = listRuns(project);
  const byStatus = Object.fromEntries(RUN_STATUSES.map((s) => [s, runs.filter((r) => r.status === s).length]));
  return {
    dir: project.dir, ...project.info, formatKnown: PROJECT_FORMAT_VERSION, readOnly: project.readOnlyReason,
    circuits: circuitNames(project), runs: runs.length, byStatus, problems, notices: project.notices,
  };
}

function printSummary(s: ReturnType<typeof summary>): void {
  const counts = Object.entries(s.byStatus).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
  console.log(table([
    ['project', s.name], ['folder', s.dir], ['format', `${s.format} v${s.version}`],
    ['created', s.created], ['modified', s.modified], ['circuits', s.circuits.join(', ') || '(none)'],
    ['runs', s.runs ? `${s.runs} (${counts})` : '(none)'],
  ]));
  if (s.description) console.log(`\n${s.description}`);
  if (s.readOnly) console.log(`\nread-only: ${s.readOnly}`);
  for (const p of s.problems) console.log(`unreadable: ${p.message}`);
}

export const projectCommand: Command = {
  name: 'project',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      name: { type: 'string' }, description: { type: 'string' }, 'read-only': { type: 'boolean' }, yes: { type: 'boolean' }, json: { type: 'boolean' },
    }, 3);
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [action, dir, extra] = positionals;
    if (!action) throw new UsageError('give an action: create, show, rename or delete');
    if (!dir) throw new UsageError(`project ${action} needs a folder`);
    if (action !== 'rename' && extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const json = values.json === true;
    return withProjectErrors('project', json, () => {
      switch (action) {
        case 'create': {
          const project = createProject(dir, { name: values.name, description: values.description });
          const s = summary(project);
          project.close();
          if (json) printJson(s);
          else console.log(`created project '${s.name}' in ${s.dir}`);
          return 0;
        }
        case 'show': {
          const project = openProject(dir, { readOnly: values['read-only'] === true });
          try {
            printNotices(project);
            const s = summary(project);
            if (json) printJson(s);
            else printSummary(s);
          } finally {
            project.close();
          }
          return 0;
        }
        case 'rename': {
          if (!extra) throw new UsageError('project rename needs DIR and the new NAME');
          const project = openProject(dir);
          try {
            printNotices(project);
            project.rename(extra);
            if (json) printJson(summary(project));
            else console.log(`renamed the project in ${project.dir} to '${extra}'`);
          } finally {
            project.close();
          }
          return 0;
        }
        case 'delete': {
          if (!values.yes) throw new UsageError('project delete removes every run; add --yes to confirm');
          const left = deleteProject(dir);
          if (json) printJson({ deleted: dir, kept: left });
          else console.log(left.length ? `deleted the project's files; kept ${left.join(', ')} in ${dir}` : `deleted ${dir}`);
          return 0;
        }
        default:
          throw new UsageError(`unknown action '${action}'; use create, show, rename or delete`);
      }
    });
  },
};
